from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from moderation.pipeline.evaluate import Progress, main, metrics


def test_metrics_count_leak_and_friction_by_outcome() -> None:
    m = metrics(
        labels=[1, 1, 1, 1, 0, 0, 0, 0],
        outcomes=["reject", "hold", "publish", "reject", "publish", "publish", "hold", "publish"],
        scores=[0.9, 0.6, 0.2, None, 0.1, 0.3, 0.7, 0.05],
        latencies_ms=[1, 2, 3, 4, 5, 6, 7, 8],
    )
    assert m["n"] == 8
    assert m["leak"] == 0.25
    assert m["friction"] == 0.25
    assert m["precision"] == 0.75
    assert m["recall"] == 0.75
    assert m["auc"] == 0.75  # the row without a score is left out
    assert m["p50_ms"] == 4.5


def _write_eval_csv(path: Path, rows: list[tuple[str, int, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "lang"])
        writer.writerows(rows)
    return path


def test_evaluation_writes_json_per_file_and_language(
    trained_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_eval_csv(
        tmp_path / "eval.csv",
        [
            ("When will the water problem in Saddar be fixed?", 0, "en"),
            ("You corrupt bastard, fix the water", 1, "en"),
            ("Sarak kab theek hogi?", 0, "ur-Latn"),
            ("Tum sab harami ho", 1, "ur-Latn"),
        ],
    )
    out = tmp_path / "out.json"
    assert (
        main([str(data), "--model", str(trained_model_dir), "--json", str(out), "--no-progress"])
        == 0
    )
    result = json.loads(out.read_text())
    assert set(result[str(data)]) == {"en", "ur-Latn"}
    for lang_result in result[str(data)].values():
        assert set(lang_result) == {
            "n",
            "auc",
            "leak",
            "friction",
            "precision",
            "recall",
            "p50_ms",
            "p99_ms",
        }
    assert "friction" in capsys.readouterr().out


def test_progress_bar_writes_to_its_stream(tmp_path: Path) -> None:
    stream_path = tmp_path / "err.txt"
    with stream_path.open("w") as stream:
        bar = Progress(3, "file.csv", stream)
        for _ in range(3):
            bar.step()
    assert "3/3" in stream_path.read_text()


def test_mistakes_file_lists_leaked_and_held_clean_rows_with_their_reasons(
    trained_model_dir: Path, tmp_path: Path
) -> None:
    # Deliberately mislabelled rows: a polite question marked abusive must show up
    # as a leak, a listed swear word marked clean as friction with its term.
    data = _write_eval_csv(
        tmp_path / "eval.csv",
        [
            ("When will the water problem in Saddar be fixed?", 1, "en"),
            ("You corrupt bastard, fix the water", 0, "en"),
            ("Shut up, you bastard", 1, "en"),  # right: rejected, not listed
        ],
    )
    out = tmp_path / "mistakes.csv"
    main([str(data), "--model", str(trained_model_dir), "--mistakes", str(out), "--no-progress"])

    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["kind"], r["text"]) for r in rows] == [
        ("leak", "When will the water problem in Saddar be fixed?"),
        ("friction", "You corrupt bastard, fix the water"),
    ]
    held = rows[1]
    assert held["outcome"] == "reject"
    assert "banned_term(bastard)" in held["reasons"]
    assert held["routed"] == "en"
    assert held["file"] == str(data)
