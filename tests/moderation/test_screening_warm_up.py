"""A server process loads what screening needs before its first question."""

from __future__ import annotations

import sys
from typing import Any

from moderation.pipeline import language, lexicon, relevance
from moderation.screening import screening_warm_up

# The package re-exports the function ``screen`` under the module's name.
screen_module = sys.modules["moderation.pipeline.screen"]


def test_warm_up_loads_lexicons_and_language_data_but_starts_no_classifier(
    settings: Any,
) -> None:
    settings.TOWNHALL_MODERATION_PIPELINE = {
        "backends": {
            "en": {
                "kind": "tests.moderation.pipeline.backends:KeywordBackend",
                "options": {"languages": ["en"]},
            }
        },
    }
    lexicon.load_lexicon.cache_clear()
    language._model.cache_clear()
    relevance._function_words.cache_clear()
    pools_before = {key for key in screen_module._runners if key[0] == "pool"}

    screening_warm_up()

    assert lexicon.load_lexicon.cache_info().currsize == 1
    assert language._model.cache_info().currsize == 1
    assert relevance._function_words.cache_info().currsize == 1
    # No worker processes: they start with the first question that needs them.
    assert {key for key in screen_module._runners if key[0] == "pool"} == pools_before
