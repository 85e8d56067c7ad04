"""Detoxify (transformer) backend: an optional extra (``torch`` + ``detoxify``).

Two ways to load:

* by model name (``model_type="original"``): Detoxify downloads the checkpoint
  and the Hugging Face config/tokenizer. Only works with internet access,
  i.e. never on our servers at run time;
* offline: ``checkpoint=<file.ckpt>`` plus ``huggingface_config_path=<folder>``
  holding ``config.json`` and the tokenizer files. Detoxify itself still asks
  the hub for ``config.arch.args.model_type`` from the checkpoint unless that
  is a local folder, so for offline loading we point ``model_type`` at
  ``huggingface_config_path`` before handing the checkpoint to Detoxify.

SECURITY: Detoxify checkpoints are pickles loaded with
``torch.load(weights_only=False)``; loading one runs arbitrary code. Load only
checkpoints you built or verified yourself (check ``checkpoint_sha256``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from moderation.pipeline.classifier.base import ClassifierError, Thresholds
from moderation.pipeline.classifier.linear import sha256_file


class DetoxifyBackend:
    name = "detoxify"

    def __init__(
        self, model: Any, label: str, languages: frozenset[str], version: str, max_chars: int
    ) -> None:
        self._model = model
        self._label = label
        self._languages = languages
        self.version = version
        self._max_chars = max_chars

    @classmethod
    def load(
        cls,
        model_type: str = "original",
        checkpoint: str | None = None,
        huggingface_config_path: str | None = None,
        checkpoint_sha256: str | None = None,
        label: str = "toxicity",
        languages: tuple[str, ...] | list[str] = ("en",),
        device: str = "cpu",
        max_chars: int = 2000,
        torch_threads: int | None = 1,
    ) -> DetoxifyBackend:
        """Load Detoxify. With ``checkpoint`` set, ``huggingface_config_path`` is required.

        Precondition: the checkpoint is trusted (see the module docstring).
        """
        try:
            import torch
            from detoxify import Detoxify
            from detoxify.detoxify import get_model_and_tokenizer
        except ImportError as exc:
            raise ClassifierError("the detoxify backend needs `torch` and `detoxify`") from exc
        if torch_threads:
            # One inference thread per worker process: the pool provides parallelism.
            torch.set_num_threads(torch_threads)
        if checkpoint is None:
            model = Detoxify(model_type=model_type, device=device)
            version = f"detoxify-{model_type}"
        else:
            if huggingface_config_path is None:
                raise ClassifierError("offline Detoxify needs huggingface_config_path")
            ckpt = Path(checkpoint)
            digest = sha256_file(ckpt)
            if checkpoint_sha256 and digest != checkpoint_sha256:
                raise ClassifierError(f"{ckpt.name}: sha256 {digest} != configured hash")
            # Never reach for the hub while loading a local model.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            loaded = torch.load(ckpt, map_location=device, weights_only=False)  # trusted only
            if "config" not in loaded or "state_dict" not in loaded:
                raise ClassifierError("checkpoint lacks 'config' or 'state_dict'")
            arch_args = dict(loaded["config"]["arch"]["args"])
            arch_args["model_type"] = str(huggingface_config_path)
            hf_model, tokenizer = get_model_and_tokenizer(
                **arch_args,
                state_dict=loaded["state_dict"],
                huggingface_config_path=str(huggingface_config_path),
            )
            class_names = [
                {
                    "toxic": "toxicity",
                    "identity_hate": "identity_attack",
                    "severe_toxic": "severe_toxicity",
                }.get(c, c)
                for c in loaded["config"]["dataset"]["args"]["classes"]
            ]
            # Same object Detoxify() would build, without its hub lookup.
            model = Detoxify.__new__(Detoxify)
            model.model, model.tokenizer, model.class_names = hf_model, tokenizer, class_names
            model.device = device
            model.model.to(device)
            version = f"detoxify-{ckpt.stem}-{digest[:12]}"
        if label not in model.class_names:
            raise ClassifierError(f"Detoxify model has no {label!r} output: {model.class_names}")
        return cls(model, label, frozenset(languages), version, max_chars)

    def languages(self) -> frozenset[str]:
        return self._languages

    def thresholds(self, lang: str) -> Thresholds | None:
        # Detoxify ships no calibration for our traffic: thresholds must come from
        # the BackendSpec (measured with evaluate_moderation), else the language
        # counts as not validated and questions are held.
        return None

    def score(self, texts: list[str], lang: str) -> list[float]:
        if not texts:
            return []
        results = self._model.predict([t[: self._max_chars] for t in texts])
        values = results[self._label]
        if isinstance(values, float):
            values = [values]
        return [float(v) for v in values]


def bert_checkpoint_write(
    root: Path, *, name: str, vocab: list[str], seed: int = 0, **bert_config: Any
) -> tuple[Path, Path]:
    """Write a BERT classifier with random weights in Detoxify's checkpoint format,
    offline: ``root/<name>.ckpt`` plus ``root/<name>-hf/`` (config and tokenizer).

    Precondition: ``vocab`` starts with BERT's special tokens. For tests and load
    benchmarks: what such a model costs to run is real, its scores mean nothing.
    ``bert_config`` overrides ``transformers.BertConfig`` (BERT-base by default,
    the shape of Detoxify's ``original``). The checkpoint names a hub model as
    its ``model_type``, as Detoxify's own do, so loading it proves no hub lookup.
    """
    import torch
    import transformers

    hf_dir = root / f"{name}-hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    transformers.BertTokenizer(vocab_file=str(hf_dir / "vocab.txt")).save_pretrained(str(hf_dir))
    config = transformers.BertConfig(vocab_size=len(vocab), **bert_config)
    config.num_labels = 2  # Detoxify reads one output per class below
    config.save_pretrained(str(hf_dir))
    torch.manual_seed(seed)
    model = transformers.BertForSequenceClassification(config)
    checkpoint = root / f"{name}.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        "model_type": "bert-base-uncased",
                        "model_name": "BertForSequenceClassification",
                        "tokenizer_name": "BertTokenizer",
                        "num_classes": 2,
                    }
                },
                "dataset": {"args": {"classes": ["toxic", "insult"]}},
            },
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    return checkpoint, hf_dir
