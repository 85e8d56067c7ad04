#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys
from pathlib import Path


def _local_secret_key() -> None:
    """Give local commands a signing key kept in var/secret_key (made once, mode 600).

    Deployments set DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE; this only spares a
    developer's checkout from needing one for makemigrations, shell or seed_demo.
    """
    if os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY_FILE"):
        return
    key_file = Path(__file__).resolve().parent / "var" / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    os.environ["DJANGO_SECRET_KEY_FILE"] = str(key_file)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    _local_secret_key()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
