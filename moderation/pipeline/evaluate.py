"""Evaluating the whole automatic pipeline on labelled CSVs (``text,label,lang``).

Each row is screened on its own, exactly as a live question with no history
(no rate limit or repeat effects), and timed. Per file and per language (the
CSV's ``lang`` column, not the router's guess) we report:

* ``auc``: ROC-AUC of the classifier score (rows without a score are left out);
* ``leak``: share of abusive rows (label 1) published without a human;
* ``friction``: share of clean rows (label 0) held or rejected;
* ``precision`` / ``recall`` of "not published" for the abusive class;
* ``p50_ms`` / ``p99_ms``: wall time of ``screen()`` per question.

``--mistakes OUT.csv`` writes every leaked and every held clean row with the
router's language, the score and the reasons, so a threshold or lexicon change
can be argued from the rows it moves rather than from the totals alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from moderation.pipeline.config import PipelineConfig, ScreeningContext, linear_backends
from moderation.pipeline.screen import default_runner, screen
from moderation.pipeline.training import read_rows, roc_auc, split_of


class Progress:
    """A dependency-free progress bar on stderr (redrawn at most 10 times a second)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(1, total)
        self.label = label
        self.stream = stream or sys.stderr
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= 0.1 or self.done >= self.total:
            self._last = now
            width = 30
            filled = int(width * self.done / self.total)
            rate = self.done / max(1e-9, now - self._start)
            self.stream.write(
                f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done}/{self.total} {rate:.0f}/s"
            )
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


def metrics(
    labels: Sequence[int],
    outcomes: Sequence[str],
    scores: Sequence[float | None],
    latencies_ms: Sequence[float],
) -> dict[str, Any]:
    y = np.asarray(labels)
    published = np.asarray([o == "publish" for o in outcomes])
    pos = y == 1
    stopped = ~published
    tp = int((stopped & pos).sum())
    scored = [(lab, s) for lab, s in zip(labels, scores, strict=True) if s is not None]
    auc = roc_auc([a for a, _ in scored], [b for _, b in scored]) if scored else None
    lat = np.asarray(latencies_ms, dtype=np.float64)
    return {
        "n": len(y),
        "auc": None if auc is None else round(auc, 4),
        "leak": round(float((published & pos).sum() / max(1, pos.sum())), 4),
        "friction": round(float((stopped & ~pos).sum() / max(1, (~pos).sum())), 4),
        "precision": round(float(tp / max(1, stopped.sum())), 4),
        "recall": round(float(tp / max(1, pos.sum())), 4),
        "p50_ms": round(float(np.percentile(lat, 50)), 3) if len(lat) else None,
        "p99_ms": round(float(np.percentile(lat, 99)), 3) if len(lat) else None,
    }


def evaluate_file(
    path: str | Path,
    config: PipelineConfig,
    split: str = "all",
    limit: int | None = None,
    progress: bool = True,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    rows = read_rows([path])
    if split != "all":
        rows = [r for r in rows if split_of(r.text) == split]
    if limit is not None:
        rows = rows[:limit]
    runner = default_runner(config)
    if rows and config.backends:
        # Load models before timing starts: loading is a once-per-process cost.
        first = sorted(config.backends)[0]
        try:
            runner.score(["warm up"], first)
        except Exception as exc:  # reported per row below
            print(f"warning: warm-up for {first} failed: {exc}", file=sys.stderr)
    context = ScreeningContext(now=datetime.now(UTC))
    bar = Progress(len(rows), Path(path).name) if progress else None
    groups: dict[str, dict[str, list[Any]]] = {}
    for row in rows:
        t0 = time.perf_counter()
        verdict = screen(row.text, context=context, config=config, runner=runner)
        elapsed = (time.perf_counter() - t0) * 1000.0
        g = groups.setdefault(row.lang, {"labels": [], "outcomes": [], "scores": [], "lat": []})
        g["labels"].append(row.label)
        g["outcomes"].append(verdict.outcome)
        g["scores"].append(verdict.score)
        g["lat"].append(elapsed)
        if on_row is not None:
            on_row({"row": row, "verdict": verdict, "ms": elapsed})
        if bar:
            bar.step()
    return {
        lang: metrics(g["labels"], g["outcomes"], g["scores"], g["lat"])
        for lang, g in sorted(groups.items())
    }


MISTAKE_FIELDS = ("file", "lang", "label", "kind", "outcome", "routed", "score", "reasons", "text")


def mistake_row(file: str, row: Any, verdict: Any) -> dict[str, Any] | None:
    """The CSV row for a leaked abusive row or a held clean one; ``None`` if it was right."""
    published = verdict.outcome == "publish"
    if row.label == 1 and published:
        kind = "leak"
    elif row.label == 0 and not published:
        kind = "friction"
    else:
        return None
    reasons = "; ".join(
        f"{r.code}({r.detail.get('term', '')})" if r.detail.get("term") else r.code
        for r in verdict.reasons
    )
    return {
        "file": file,
        "lang": row.lang,
        "label": row.label,
        "kind": kind,
        "outcome": verdict.outcome,
        "routed": verdict.language,
        "score": "" if verdict.score is None else round(verdict.score, 4),
        "reasons": reasons,
        "text": row.text,
    }


def format_table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    cols = ("n", "auc", "leak", "friction", "precision", "recall", "p50_ms", "p99_ms")
    header = f"{'file':<34} {'lang':<8} " + " ".join(f"{c:>9}" for c in cols)
    lines = [header, "-" * len(header)]
    for file, by_lang in results.items():
        for lang, m in by_lang.items():
            cells = []
            for c in cols:
                value = m.get(c)
                cells.append(f"{'-' if value is None else value:>9}")
            lines.append(f"{file:<34} {lang:<8} " + " ".join(cells))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Evaluate the automatic moderation pipeline.")
    parser.add_argument(
        "files", nargs="+", help="labelled CSVs (text,label,lang); FILE@test for one split"
    )
    parser.add_argument("--json", dest="json_out", help="write results as JSON here")
    parser.add_argument("--model", help="linear model directory; overrides the configured backends")
    parser.add_argument(
        "--split",
        choices=_SPLITS,
        default="all",
        help="only rows in this part of the training hash split (use test for shared data)",
    )
    parser.add_argument("--limit", type=int, default=None, help="at most this many rows per file")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--mistakes", help="write every leaked and every held clean row (CSV) here")
    return parser


_SPLITS = ("all", "train", "validation", "test")


def _file_and_split(spec: str, default: str) -> tuple[str, str]:
    """``data.csv@test`` evaluates only the test part of one file."""
    path, sep, split = spec.rpartition("@")
    if sep and split in _SPLITS:
        return path, split
    return spec, default


def main(argv: Sequence[str] | None = None, config: PipelineConfig | None = None) -> int:
    """Run the evaluation. ``config`` defaults to ``PipelineConfig()`` (+ ``--model``)."""
    args = build_parser().parse_args(argv)
    base = config or PipelineConfig()
    if args.model:
        meta = json.loads((Path(args.model) / "metadata.json").read_text(encoding="utf-8"))
        base = base.with_changes(backends=linear_backends(args.model, tuple(meta["languages"])))
    # Every stage runs even after a rejection, so every row gets a score for the AUC.
    base = base.with_changes(short_circuit=False)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    mistakes: list[dict[str, Any]] = []
    for spec in args.files:
        path, split = _file_and_split(spec, args.split)

        def collect(item: dict[str, Any], spec: str = spec) -> None:
            found = mistake_row(spec, item["row"], item["verdict"])
            if found is not None:
                mistakes.append(found)

        results[spec] = evaluate_file(
            path,
            base,
            split=split,
            limit=args.limit,
            progress=not args.no_progress,
            on_row=collect if args.mistakes else None,
        )
    print(format_table(results))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.mistakes:
        with Path(args.mistakes).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=MISTAKE_FIELDS)
            writer.writeheader()
            writer.writerows(mistakes)
    return 0
