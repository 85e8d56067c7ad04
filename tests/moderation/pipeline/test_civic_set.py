from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from moderation.pipeline.augment import civic_rows
from moderation.pipeline.normalize import fold, sanitize
from moderation.pipeline.training import read_rows

CIVIC = Path(__file__).resolve().parents[3] / "moderation" / "evaluation" / "civic_questions.csv"


def test_civic_set_has_enough_clean_questions_per_language() -> None:
    rows = read_rows([CIVIC])
    clean = Counter(r.lang for r in rows if r.label == 0)
    abusive = Counter(r.lang for r in rows if r.label == 1)
    for lang in ("en", "ur", "ur-Latn"):
        assert clean[lang] >= 150
        assert abusive[lang] >= 20


def test_synthetic_training_questions_never_copy_the_held_out_civic_set() -> None:
    def key(text: str) -> str:
        return " ".join(fold(sanitize(text)).split())

    held_out = {key(r.text) for r in read_rows([CIVIC])}
    for lang in ("en", "ur", "ur-Latn"):
        generated = {key(r.text) for r in civic_rows(lang, 5000, 1000)}
        assert not generated & held_out


def test_synthetic_training_questions_do_not_near_duplicate_the_held_out_civic_set() -> None:
    from moderation.pipeline.augment import NEAR_DUPLICATE_JACCARD, NearDuplicateGuard

    rows = read_rows([CIVIC])
    for lang in ("en", "ur", "ur-Latn"):
        guard = NearDuplicateGuard([r.text for r in rows if r.lang == lang])
        generated = civic_rows(lang, 2000, 500) + civic_rows(lang, 300, 100, part="validation")
        worst = max(guard.similarity(r.text) for r in generated)
        assert worst < NEAR_DUPLICATE_JACCARD, lang


def test_near_duplicate_guard_catches_small_edits_and_passes_different_questions() -> None:
    from moderation.pipeline.augment import NearDuplicateGuard

    guard = NearDuplicateGuard(["When will the water supply in our sector be restored?"])
    assert "when will the water supply in our sector be restored" in guard
    assert "When will water supply in our sector be restored again?" in guard
    assert "Who approved the new bus route through the old city?" not in guard


def test_validation_frames_are_never_used_for_training_rows() -> None:
    from moderation.pipeline import augment

    for lang in ("en", "ur", "ur-Latn"):
        frames = augment._TABLES[lang][0]
        held = [
            f
            for i, f in enumerate(frames)
            if i % augment.VALIDATION_EVERY == augment.VALIDATION_EVERY - 1
        ]
        assert held
        prefixes = {f.split("{")[0].strip() for f in held if f.split("{")[0].strip()}
        train = augment.civic_rows(lang, 500, 0)
        # Frames that start with fixed text: no training row starts the same way
        # unless another training frame shares that opening.
        trained_openings = {
            f.split("{")[0].strip()
            for i, f in enumerate(frames)
            if i % augment.VALIDATION_EVERY != augment.VALIDATION_EVERY - 1
        }
        for prefix in prefixes - trained_openings:
            assert not any(r.text.startswith(prefix) for r in train), (lang, prefix)


def test_synthetic_abusive_rows_include_threats_and_group_hate_without_slurs() -> None:
    rows = [r for r in civic_rows("en", 0, 400) if r.label == 1]
    assert len(rows) == 400
    assert any("should be killed" in r.text.lower() for r in rows)


FRESH = CIVIC.with_name("civic_questions_holdout.csv")
ROUND_FOUR = CIVIC.with_name("civic_questions_fresh.csv")
ROUND_FIVE = CIVIC.with_name("civic_questions_round5.csv")
ROUND_SIX = CIVIC.with_name("civic_questions_round6.csv")
ROUND_SEVEN = CIVIC.with_name("civic_questions_round7.csv")
ROUND_EIGHT = CIVIC.with_name("civic_questions_round8.csv")
ROUND_NINE = CIVIC.with_name("civic_questions_round9.csv")
ROUND_TEN = CIVIC.with_name("civic_questions_round10.csv")
ROUND_ELEVEN = CIVIC.with_name("civic_questions_round11.csv")
ROUND_TWELVE = CIVIC.with_name("civic_questions_round12.csv")
LATER_SETS = (
    FRESH,
    ROUND_FOUR,
    ROUND_FIVE,
    ROUND_SIX,
    ROUND_SEVEN,
    ROUND_EIGHT,
    ROUND_NINE,
    ROUND_TEN,
    ROUND_ELEVEN,
    ROUND_TWELVE,
)


@pytest.mark.parametrize("path", LATER_SETS, ids=lambda p: p.name)
def test_each_later_held_out_set_has_at_least_60_clean_and_30_abusive_questions_per_language(
    path: Path,
) -> None:
    rows = read_rows([path])
    clean = Counter(r.lang for r in rows if r.label == 0)
    abusive = Counter(r.lang for r in rows if r.label == 1)
    for lang in ("en", "ur", "ur-Latn"):
        assert clean[lang] >= 60, lang
        assert abusive[lang] >= 30, lang


@pytest.mark.parametrize("path", LATER_SETS, ids=lambda p: p.name)
def test_each_later_held_out_set_shares_no_question_with_the_sets_before_it(path: Path) -> None:
    from moderation.pipeline.augment import NEAR_DUPLICATE_JACCARD, NearDuplicateGuard

    earlier = [CIVIC, *LATER_SETS[: LATER_SETS.index(path)]]
    for lang in ("en", "ur", "ur-Latn"):
        guard = NearDuplicateGuard([r.text for r in read_rows(earlier) if r.lang == lang])
        texts = [r.text for r in read_rows([path]) if r.lang == lang]
        assert max(guard.similarity(t) for t in texts) < NEAR_DUPLICATE_JACCARD, lang


def test_default_guard_reads_every_held_out_civic_file() -> None:
    from moderation.pipeline.augment import held_out_guard

    for lang in ("en", "ur", "ur-Latn"):
        guard = held_out_guard(lang)
        for path in (CIVIC, *LATER_SETS):
            texts = [r.text for r in read_rows([path]) if r.lang == lang]
            assert texts[0] in guard, (lang, path.name)
            assert texts[-1] in guard, (lang, path.name)


@pytest.mark.parametrize("path", LATER_SETS, ids=lambda p: p.name)
def test_synthetic_training_questions_do_not_near_duplicate_a_later_held_out_set(
    path: Path,
) -> None:
    from moderation.pipeline.augment import NEAR_DUPLICATE_JACCARD, NearDuplicateGuard

    rows = read_rows([path])
    for lang in ("en", "ur", "ur-Latn"):
        guard = NearDuplicateGuard([r.text for r in rows if r.lang == lang])
        generated = civic_rows(lang, 2000, 1000) + civic_rows(lang, 300, 200, part="validation")
        worst = max(guard.similarity(r.text) for r in generated)
        assert worst < NEAR_DUPLICATE_JACCARD, lang


def test_synthetic_abuse_includes_insults_curses_and_sexism_made_of_unlisted_words() -> None:
    from moderation.pipeline.augment import CONSTRUCTION_SHARE
    from moderation.pipeline.lexicon import load_lexicon

    lexicon = load_lexicon(True, ())
    assert all(CONSTRUCTION_SHARE[lang] > 0 for lang in ("en", "ur", "ur-Latn"))
    for lang in CONSTRUCTION_SHARE:
        abusive = [r.text for r in civic_rows(lang, 0, 600)]
        unlisted = [t for t in abusive if not lexicon.find(fold(sanitize(t)))]
        # Abuse the lexicon cannot see is what the model has to learn.
        assert len(unlisted) >= 150, (lang, len(unlisted))
    urdu = " ".join(r.text for r in civic_rows("ur", 0, 1000))
    for marker in ("خواتین کو", "اللہ کرے تم", "سنبھل کر رہنا", "کی طرح پھیل رہے ہیں"):
        assert marker in urdu, marker


def test_civic_clean_questions_use_animal_drowning_and_family_words_in_their_civic_sense() -> None:
    clean = [r for r in civic_rows("ur", 6000, 0)]
    assert all(r.label == 0 for r in clean)
    text = " ".join(r.text for r in clean)
    for civic_use in ("آوارہ کتوں", "ڈوب کر مر گیا", "میری والدہ کی پنشن", "پورا حق ہے"):
        assert civic_use in text, civic_use


def test_synthetic_abuse_includes_harassment_and_its_clean_look_alikes() -> None:
    # Round seven: threats through family or route, sexual insinuation, contempt for
    # disabled and transgender people; the same words in civic questions stay clean.
    markers = {
        "en": ("which school your children", "who she meets at night"),
        "ur-Latn": ("bachay kis school", "raat ko kis ke saath", "society pe bojh"),
        "ur": ("بچے کس اسکول", "رات کو کس سے", "معاشرے پر بوجھ"),
    }
    look_alikes = {
        "en": "khwaja sira citizens",
        "ur-Latn": "khawaja sira afraad",
        "ur": "خواجہ سرا افراد",
    }
    for lang, wanted in markers.items():
        rows = civic_rows(lang, 6000, 3000)
        abusive = " ".join(r.text for r in rows if r.label == 1)
        clean = " ".join(r.text for r in rows if r.label == 0)
        for marker in wanted:
            assert marker.lower() in abusive.lower(), (lang, marker)
        assert look_alikes[lang].lower() in clean.lower(), lang
