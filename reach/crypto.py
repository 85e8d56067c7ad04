"""Keyed hashes: how phone numbers and identity numbers are looked up without
being kept.

A plain hash of a Pakistani mobile number or CNIC could be reversed by trying
every number; an HMAC with a server-side key cannot without the key. Each
purpose has its own prefix so a phone hash never equals an identity hash.
"""

from __future__ import annotations

import hashlib
import hmac

from reach import conf


def keyed_hash(purpose: str, value: str) -> str:
    message = f"{purpose}:{value}".encode()
    return hmac.new(conf.identity_hmac_key(), message, hashlib.sha256).hexdigest()


def phone_hash(e164: str) -> str:
    return keyed_hash("phone", e164)


def identity_hash(normalised_cnic: str) -> str:
    return keyed_hash("cnic", normalised_cnic)
