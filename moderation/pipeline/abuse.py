"""Stage 2: abuse of the system (rate, repeats, links, flooding).

Works on the participant's own history that the caller passes in; nothing here
knows about the database.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from moderation.pipeline import verdict as v
from moderation.pipeline.config import PipelineConfig, ScreeningContext
from moderation.pipeline.normalize import fold, sanitize

_NON_WORD = re.compile(r"[\W_]+")
# "@name" addresses someone; Townhall has no mentions, so a row of them is pasted
# from elsewhere (a reply thread), not flooding: it is left out of the word counts.
_HANDLE = re.compile(r"(?<![\w@])@\w+")

# Emails are personal data (stage 5), not links: remove them before looking for domains.
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s]+", re.IGNORECASE)
# Bare domains: a label, a dot and a TLD that people actually use here. A full
# TLD list would turn "Mr.Khan" or "etc.am" typos into links.
_TLDS = (
    "com|net|org|pk|gov|edu|info|biz|io|co|me|ly|tk|xyz|app|site|online|live|in|uk|us|"
    "link|click|top|ru|cn|ae|sa|tv|gl|gg|be|to|id"
)
_DOMAIN_RE = re.compile(
    rf"(?<![\w@.])((?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS}))(?![\w.]*\w)"
    r"(?:/[^\s]*)?",
    re.IGNORECASE,
)
_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?([^/:\s?#]+)", re.IGNORECASE)


@dataclass
class StageFindings:
    """Reasons and audit details that one stage produced."""

    reasons: list[v.Reason] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def char_ngrams(text: str, n: int = 3) -> set[str]:
    squeezed = " ".join(_NON_WORD.sub(" ", text).split())
    if len(squeezed) < n:
        return {squeezed} if squeezed else set()
    return {squeezed[i : i + n] for i in range(len(squeezed) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def find_links(text: str) -> list[str]:
    """Hosts of URLs and bare domains in ``text`` (lower case), emails excluded."""
    without_emails = EMAIL_RE.sub(" ", text)
    hosts: list[str] = []
    for m in _URL_RE.finditer(without_emails):
        host = _HOST_RE.match(m.group(0))
        hosts.append((host.group(1) if host else m.group(0)).lower().removeprefix("www."))
    remainder = _URL_RE.sub(" ", without_emails)
    for m in _DOMAIN_RE.finditer(remainder):
        hosts.append(m.group(1).lower().removeprefix("www."))
    return hosts


def _domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in allowed)


def shouting(text: str, config: PipelineConfig) -> float | None:
    """Share of capitals when the question is mostly written in them, else None."""
    letters = [c for c in text if c.isalpha() and c.isascii()]
    if len(letters) < config.caps_min_letters:
        return None
    ratio = sum(c.isupper() for c in letters) / len(letters)
    return round(ratio, 3) if ratio >= config.caps_ratio else None


def _flooding(text: str, config: PipelineConfig) -> dict[str, Any] | None:
    run = re.search(rf"(.)\1{{{config.flood_char_run - 1},}}", text)
    if run and not run.group(1).isspace():
        return {"kind": "repeated_character", "run": len(run.group(0))}
    words = fold(_HANDLE.sub(" ", text)).split()
    streak = 1
    for prev, cur in itertools.pairwise(words):
        streak = streak + 1 if cur == prev else 1
        if streak >= config.flood_word_repeat:
            return {"kind": "repeated_word", "word_length": len(cur), "times": streak}
    if len(words) >= 12 and len(set(words)) / len(words) < 0.3:
        return {"kind": "low_variety", "ratio": round(len(set(words)) / len(words), 3)}
    return None


def check(text: str, context: ScreeningContext, config: PipelineConfig) -> StageFindings:
    """Rate limit, own repeats, links and flooding for display text ``text``."""
    found = StageFindings()
    recent = [
        q
        for q in context.recent_questions
        if 0 <= (context.now - q.submitted_at).total_seconds() <= config.repeat_window_s
    ]
    in_rate_window = [
        q
        for q in recent
        if (context.now - q.submitted_at).total_seconds() <= config.rate_limit_window_s
    ]
    found.details["recent_considered"] = len(recent)
    if len(in_rate_window) >= config.rate_limit_count:
        found.reasons.append(
            v.Reason(
                v.RATE_LIMITED,
                v.STAGE_ABUSE,
                {
                    "count": len(in_rate_window),
                    "limit": config.rate_limit_count,
                    "window_s": config.rate_limit_window_s,
                },
            )
        )

    mine = char_ngrams(fold(text))
    best = 0.0
    for prior in recent:
        # Prior texts come from the database, possibly from before sanitising changed.
        similarity = jaccard(mine, char_ngrams(fold(sanitize(prior.text))))
        best = max(best, similarity)
    found.details["max_repeat_similarity"] = round(best, 4)
    if recent and best >= config.repeat_jaccard:
        found.reasons.append(
            v.Reason(
                v.REPEAT,
                v.STAGE_ABUSE,
                {"similarity": round(best, 4), "threshold": config.repeat_jaccard},
            )
        )

    hosts = find_links(text)
    blocked = [h for h in hosts if not _domain_allowed(h, config.allowed_domains)]
    found.details["links"] = hosts
    if blocked and config.link_policy != "allow":
        found.reasons.append(v.Reason(v.CONTAINS_LINK, v.STAGE_ABUSE, {"hosts": blocked}))

    flood = _flooding(text, config)
    if flood is not None:
        found.reasons.append(v.Reason(v.SPAM, v.STAGE_ABUSE, flood))
    # Capitals are how many people type on a basic phone (caps lock, T9): a question
    # in capitals is shown to moderators (flag by default), not held; the classifier
    # reads it case-folded like any other.
    caps = shouting(text, config)
    if caps is not None:
        found.reasons.append(v.Reason(v.SHOUTING, v.STAGE_ABUSE, {"caps_ratio": caps}))
    return found
