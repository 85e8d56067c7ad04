from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from .conftest import write_training_csv


def test_train_and_evaluate_commands_wrap_the_pipeline(tmp_path: Path) -> None:
    data = write_training_csv(tmp_path / "train.csv", per_language=60)
    out = tmp_path / "model"
    stdout = StringIO()
    call_command(
        "train_moderation_model",
        "--data",
        str(data),
        "--out",
        str(out),
        "--lang",
        "en",
        "--c",
        "1.0",
        "--civic-clean",
        "0",
        "--civic-abusive",
        "0",
        stdout=stdout,
        stderr=StringIO(),
    )
    assert "written to" in stdout.getvalue()
    assert json.loads((out / "metadata.json").read_text())["languages"].keys() == {"en"}

    result = tmp_path / "eval.json"
    call_command(
        "evaluate_moderation",
        str(data),
        "--model",
        str(out),
        "--json",
        str(result),
        "--no-progress",
        "--limit",
        "40",
        stdout=StringIO(),
    )
    assert "en" in json.loads(result.read_text())[str(data)]
