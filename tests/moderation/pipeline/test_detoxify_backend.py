"""The Detoxify backend loads a checkpoint built here, offline, and scores text."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.pipeline import BackendSpec, PipelineConfig, ScreeningContext, screen
from moderation.pipeline.classifier.base import ClassifierError
from moderation.pipeline.classifier.detoxify_backend import DetoxifyBackend, bert_checkpoint_write
from moderation.pipeline.classifier.linear import sha256_file

pytest.importorskip("torch")
pytest.importorskip("detoxify")
pytest.importorskip("transformers")

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "when",
    "will",
    "the",
    "road",
    "be",
    "fixed",
    "you",
    "are",
    "an",
    "idiot",
    "water",
    "?",
    ",",
    ".",
]


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 1-layer BERT in Detoxify's checkpoint format plus its HF config/tokenizer folder."""
    return bert_checkpoint_write(
        tmp_path_factory.mktemp("detox"),
        name="tiny",
        vocab=VOCAB,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )


def test_detoxify_backend_loads_an_offline_checkpoint_and_scores_text(
    tiny_checkpoint: tuple[Path, Path],
) -> None:
    checkpoint, hf_dir = tiny_checkpoint
    backend = DetoxifyBackend.load(
        checkpoint=str(checkpoint),
        huggingface_config_path=str(hf_dir),
        checkpoint_sha256=sha256_file(checkpoint),
        languages=("en",),
    )
    scores = backend.score(["when will the road be fixed?", "you are an idiot"], "en")
    assert len(scores) == 2
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert backend.score(["water"], "en") == pytest.approx(backend.score(["water"], "en"))
    assert backend.version.startswith("detoxify-tiny-")


def test_detoxify_checkpoint_with_the_wrong_hash_is_refused(
    tiny_checkpoint: tuple[Path, Path],
) -> None:
    checkpoint, hf_dir = tiny_checkpoint
    with pytest.raises(ClassifierError, match="sha256"):
        DetoxifyBackend.load(
            checkpoint=str(checkpoint),
            huggingface_config_path=str(hf_dir),
            checkpoint_sha256="0" * 64,
        )


def test_pipeline_screens_with_detoxify_when_thresholds_are_configured(
    tiny_checkpoint: tuple[Path, Path], context: ScreeningContext
) -> None:
    checkpoint, hf_dir = tiny_checkpoint
    options = {"checkpoint": str(checkpoint), "huggingface_config_path": str(hf_dir)}
    uncalibrated = PipelineConfig(backends={"en": BackendSpec("detoxify", options)})
    verdict = screen("when will the road be fixed?", context=context, config=uncalibrated)
    assert verdict.reason_codes == ("no_model_for_language",)

    calibrated = PipelineConfig(
        backends={
            "en": BackendSpec("detoxify", options, hold_threshold=0.999, reject_threshold=0.9999)
        }
    )
    verdict = screen("when will the road be fixed?", context=context, config=calibrated)
    assert verdict.backend == "detoxify"
    assert verdict.score is not None
    assert verdict.outcome == "publish"
