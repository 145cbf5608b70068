"""Recall guard: does a site body hold the whole story, judged against independent evidence on the same page?

A site spider's body rule names the story's containers. When a page spreads the story over a
container the rule does not know (a list article's headed items, a wire story continued after an
ad block, a new layout), the site body silently shrinks. The page usually says so itself: JSON-LD
``articleBody`` is the publisher's own full text, and the generic extractor reads the page's main
text without site rules. :func:`guard_body` compares the site body with that evidence and hands back
the better-supported content.

Comparison is by word shingles (3 consecutive words; single characters for Chinese/Japanese
scripts, which do not separate words), counted as multisets, so it ignores whitespace, paragraph
splits, punctuation and case. Evidence paragraphs that are boilerplate (``crawler.extract.boilerplate``:
"Sign up for ... newsletter", "Read more: ...", share buttons) are dropped before comparing.

Decision, per evidence source ``E`` (in the caller's order of trust):

- *coverage*: the share of ``E``'s shingles the site body has. Under ``ratio`` means the site body
  clearly lacks part of ``E``;
- *containment*: the share of the site body's shingles that ``E`` has. At least ``min_containment``
  means ``E`` is the same story (not a different article, a comments thread or a page dump that
  lacks the story);
- *gain*: ``E`` must add at least ``min_gain`` words (a two-paragraph brief is not swapped for a
  three-paragraph one on a whim);
- *support*: a source not in ``trusted`` (the generic body) must have the text it adds confirmed
  by another source when one is there (its extra shingles found in that source): a generic body
  that adds a comments thread or a link list is not confirmed by ``articleBody``.

Of the sources that pass, the one with the best supported gain wins (ties: the caller's order).
The guard never shortens: it only replaces a body by a larger one that contains it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from crawler.extract import boilerplate
from crawler.items import Provenance

SHINGLE = 3
"""Words per shingle."""
DEFAULT_RATIO = 0.8
"""The site body must cover at least this share of an evidence source's text to be kept as is."""
MIN_CONTAINMENT = 0.85
"""Share of the site body an evidence source must contain to count as the same story."""
UNCONFIRMED_CONTAINMENT = 0.97
"""Share of the site body an untrusted source must contain when no other source confirms what it adds."""
MIN_GAIN_WORDS = 25
"""An evidence source must add at least this many words (shingles) to replace the site body."""
MIN_SUPPORT = 0.5
"""Share of an untrusted source's added text that another source must confirm."""
TRUSTED: tuple[str, ...] = (Provenance.JSONLD.value,)
"""Evidence that needs no confirmation: the publisher's own ``articleBody``."""

# One token: a run of letters/digits, or one CJK ideograph / kana (scripts written without spaces).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


def tokens(text: str) -> list[str]:
    """Text -> its words, case-folded (CJK characters one by one); punctuation and whitespace ignored."""
    return [t.casefold() for t in _TOKEN.findall(text)]


def shingles(paragraphs: Iterable[str], size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Paragraphs -> multiset of ``size``-word shingles (a paragraph shorter than ``size`` is one shingle).

    Shingles do not cross paragraphs, so two texts split differently into paragraphs differ only
    by the few shingles at the splits.
    """
    out: Counter[tuple[str, ...]] = Counter()
    for paragraph in paragraphs:
        words = tokens(paragraph)
        if not words:
            continue
        if len(words) < size:
            out[tuple(words)] += 1
            continue
        out.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return out


def _common(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> int:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(min(n, large[k]) for k, n in small.items() if k in large)


@dataclass(frozen=True)
class Verdict:
    """How one evidence source compares with the site body (shares are 0..1; sizes in shingles)."""

    source: str
    coverage: float
    """Share of the source's text found in the site body."""
    containment: float
    """Share of the site body found in the source."""
    gain: int
    """Shingles the source has beyond the site body."""
    support: float | None
    """Share of that gain found in another source (None: no other source to ask)."""
    accepted: bool


def _clean(paragraphs: Sequence[str], rules: boilerplate.Rules | None) -> list[str]:
    out = []
    for text in paragraphs:
        text = " ".join(text.split())
        if text and not (rules and rules.is_boilerplate(text)):
            out.append(text)
    return out


def judge(
    site: Sequence[str],
    evidence: dict[str, list[str]],
    ratio: float = DEFAULT_RATIO,
    *,
    min_containment: float = MIN_CONTAINMENT,
    min_gain: int = MIN_GAIN_WORDS,
    min_support: float = MIN_SUPPORT,
    trusted: Collection[str] = TRUSTED,
    rules: boilerplate.Rules | None = boilerplate.DEFAULT_RULES,
) -> list[Verdict]:
    """One :class:`Verdict` per non-empty evidence source, in the order given (see the module doc)."""
    site_sh = shingles(_clean(site, None))
    site_n = sum(site_sh.values())
    cleaned = {k: _clean(v or [], rules) for k, v in evidence.items()}
    ev_sh = {k: shingles(v) for k, v in cleaned.items() if v}
    verdicts = []
    for key, sh in ev_sh.items():
        n = sum(sh.values())
        common = _common(site_sh, sh)
        coverage = common / n if n else 1.0
        containment = common / site_n if site_n else 1.0
        extra = sh - site_sh
        gain = sum(extra.values())
        others = [o for k, o in ev_sh.items() if k != key]
        support = None
        if others and gain:
            support = max(_common(extra, o) for o in others) / gain
        unconfirmed = key not in trusted and support is None
        accepted = (
            coverage < ratio
            # Nothing confirms an untrusted source's extra text: it must hold all of the site body (the guard
            # never trades story paragraphs for a page's paywall notes and promos).
            and containment >= (UNCONFIRMED_CONTAINMENT if unconfirmed else min_containment)
            and gain >= min_gain
            and (key in trusted or support is None or support >= min_support)
        )
        verdicts.append(Verdict(key, coverage, containment, gain, support, accepted))
    return verdicts


def guard_body(
    site: list[str],
    evidence: dict[str, list[str]],
    ratio: float = DEFAULT_RATIO,
    *,
    min_containment: float = MIN_CONTAINMENT,
    min_gain: int = MIN_GAIN_WORDS,
    min_support: float = MIN_SUPPORT,
    trusted: Collection[str] = TRUSTED,
    rules: boilerplate.Rules | None = boilerplate.DEFAULT_RULES,
) -> tuple[list[str], str | None]:
    """The site body's paragraphs, or an evidence source's when the site body covers clearly less of the story.

    ``evidence`` maps a source name (``"jsonld"``: ``articleBody`` split into paragraphs;
    ``"generic"``: the generic body's paragraphs) to its paragraphs; put the most trusted first.
    Returns ``(paragraphs, source)``: ``source`` is None when the site body is kept (as given),
    else the winning key, with that source's paragraphs minus boilerplate lines (``rules``).
    An empty site body is replaced by any non-empty evidence with at least ``min_gain`` shingles.
    """
    verdicts = judge(
        site, evidence, ratio,
        min_containment=min_containment, min_gain=min_gain, min_support=min_support, trusted=trusted, rules=rules,
    )  # fmt: skip
    accepted = [v for v in verdicts if v.accepted]
    if not accepted:
        return site, None
    # Best supported gain: a trusted source counts its whole gain, others the confirmed part.
    best = max(
        accepted,
        key=lambda v: v.gain if v.source in trusted or v.support is None else v.gain * v.support,
    )  # max() keeps the first of equals: the caller's order of trust
    return _clean(evidence[best.source], rules), best.source
