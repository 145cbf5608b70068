"""The story's body by agreement of several extractors, block by block, instead of trimming one candidate.

Candidates, all from the page's one lxml parse (copied only for the extractor that prunes the tree it gets):

- ``primary``: byline's own DOM candidate, :func:`crawler.extract.generic.body_paragraphs` (trafilatura's main
  content, or the page's blocks that JSON-LD ``articleBody`` contains, or the story's HTML in the page's
  script data; trimmed of headline repeats and what follows the story);
- ``readability``: the readability summary trafilatura's precision run computed anyway
  (:func:`crawler.extract.generic.body.trafilatura_readability`); readability-lxml on a copy of the whole page
  only when that summary holds no story and ``primary`` may be a fragment (or trafilatura computed none);
- ``recall``: trafilatura with ``favor_recall`` (keeps more of a long story's blocks), skipped when readability
  holds nothing the precision run lacks and there is no ``articleBody``: a block it adds could not get a
  second, independent vote;
- ``jsonld``: the publisher's ``articleBody`` text (no paragraph breaks: evidence only).

Vote: the blocks of ``primary``, both trafilatura runs and readability are merged in page order; a block is
kept when it is in ``primary`` and one other candidate contains its text, or when at least ``min_votes_new``
candidates other than ``primary`` contain it (the trafilatura runs count as one voice: a block only they
found needs readability or ``articleBody`` too). A block counts as contained when its comparison key (case,
punctuation, spacing and soft hyphens folded) occurs in the candidate's joined text, so candidates that cut
paragraphs differently still agree; the same text is kept in one cut only. The kept blocks are trimmed like
``primary`` (:func:`crawler.extract.generic.trim_story`).

Never a fragment: when ``primary`` is short while two other candidates agree on a story several times as
long, their common blocks are the body; when voting leaves less than ``min_kept_share`` of ``primary``'s
text, ``primary`` stands (the others did not see what it saw: script data, ``articleBody``).
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.extract import clean as processors
from crawler.extract.generic import body as generic
from crawler.extract.generic.common import norm_text, text_key

logger = logging.getLogger(__name__)

ENSEMBLE = "generic"
"""Provenance of a voted body: generic heuristics (the health check's "generic")."""


@dataclass(frozen=True)
class EnsembleConfig:
    """Thresholds of the vote (module defaults; measured on the development sets, see docs/generic-extraction.md)."""

    min_votes_new: int = 2
    """Candidates besides ``primary`` that must contain a block ``primary`` lacks."""
    min_new_chars: int = 80
    """A block ``primary`` lacks must be this long (a sentence, not "Advertisement", "Read more:", a teaser title)
    unless JSON-LD ``articleBody`` holds it."""
    min_kept_share: float = 0.5
    """Below this share of ``primary``'s text kept, the vote is discarded and ``primary`` stands."""
    fragment_chars: int = 400
    """A ``primary`` shorter than this may be a fragment: the others' agreement can replace it."""
    fragment_factor: float = 3.0
    """... when the others agree on a story at least this many times longer."""
    readability: bool = True
    """Ask readability-lxml (skipped when it is not installed)."""


DEFAULT = EnsembleConfig()


def recall_paragraphs(root: Any, url: str | None) -> list[str]:
    """trafilatura with ``favor_recall`` on the page's tree (it copies the tree) -> paragraphs; [] if none."""
    # Unlike the precision run: tables kept (their rows still need a second candidate's vote) and no
    # formatting (trafilatura's formatting pass loses the whole text of some pages).
    return generic.run_trafilatura(root, url, favor_recall=True, include_tables=True, include_formatting=False)


def readability_paragraphs(root: Any, whole_page: bool = True) -> list[str]:
    """readability's article -> paragraphs; [] if none or not installed.

    The summary trafilatura's precision run computed (its fork of readability-lxml, on its copy of the tree)
    when there is one; else, or when it found no story and ``whole_page``, readability-lxml on a copy of the
    page's tree.
    """
    watched, summary = generic.trafilatura_readability(root)
    if watched:
        found: list[str] = []
        if len(summary) and "".join(summary.itertext()).strip():
            found = _summary_paragraphs(etree.tostring(summary, encoding=str, method="html"))
        if not whole_page or _chars(found) >= DEFAULT.fragment_chars:
            return found
        # trafilatura ran readability on its pruned copy (lists and comment-like sections gone) and it found
        # no story there: readability-lxml on the whole page may.
    try:
        from readability import Document
    except ImportError:  # pragma: no cover - an optional dependency
        return []
    from copy import deepcopy

    try:
        html = Document(deepcopy(root)).summary(html_partial=True)
    except Exception as exc:  # noqa: BLE001 - readability raises on pages it cannot score
        logger.debug("readability failed: %r", exc)
        return []
    return _summary_paragraphs(html)


def _summary_paragraphs(html: str) -> list[str]:
    """A readability summary's HTML -> its paragraphs; [] when there are none or lxml cannot read it."""
    try:
        return [norm_text(p) for p in processors.html_to_text(html) or [] if p.strip()]
    except (AssertionError, etree.LxmlError, ValueError) as exc:  # lxml asserts one <body> in a document
        logger.debug("readability summary unreadable: %r", exc)
        return []


def _ld_text(ld_body: str | None) -> str:
    if not ld_body:
        return ""
    import html as html_lib

    text = html_lib.unescape(ld_body)
    if "<" in text and ">" in text:
        text = " ".join(processors.html_to_text(text) or [])
    return text_key(generic._MARKDOWN_LINK.sub("", text))


def merge(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, bool, bool]]:
    """Two paragraph lists in page order -> their union in page order: ``(text, in a, in b)``."""
    ka, kb = [text_key(x) for x in a], [text_key(x) for x in b]
    out: list[tuple[str, bool, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            out += [(a[i], True, True) for i in range(i1, i2)]
            continue
        out += [(a[i], True, False) for i in range(i1, i2)]
        out += [(b[j], False, True) for j in range(j1, j2)]
    return out


def _contains(hay: str, key: str) -> bool:
    return bool(key) and bool(hay) and key in hay


def vote(
    primary: Sequence[str],
    extracts: Sequence[Sequence[str]],
    evidence: Sequence[str],
    config: EnsembleConfig = DEFAULT,
    trimmed: frozenset[str] = frozenset(),
    ld: str = "",
    others: Sequence[Sequence[str]] = (),
) -> list[str]:
    """The blocks the candidates agree on, in page order (see module doc).

    ``extracts``: paragraph lists of one family of extractors (trafilatura's precision and recall runs: one
    voice, they share their heuristics); ``evidence``: the joined comparison keys of independent candidates
    (readability, JSON-LD ``articleBody``); ``others``: the paragraph lists of those independent candidates
    that have paragraphs (readability), whose blocks are candidates too; ``trimmed``: keys of blocks
    ``primary`` dropped on purpose (its trimming of the same extract), which stay out; ``ld``: JSON-LD
    ``articleBody``'s key (also in ``evidence``).
    """
    p_keys = [k for x in primary if (k := text_key(x))]
    p_set = set(p_keys)
    hay_p = " ".join(p_keys)
    family = [" ".join(text_key(x) for x in e) for e in extracts]
    family_keys = {text_key(x) for e in extracts for x in e}
    blocks: list[tuple[str, bool, bool]] = [(x, True, False) for x in primary]
    for e in [*extracts, *others]:
        blocks = [(t, ip, ie or not ip) for t, ip, ie in _merge3(blocks, e)]

    def count(k: str) -> int:
        return int(any(_contains(h, k) for h in family)) + sum(_contains(h, k) for h in evidence)

    # Primary blocks a trafilatura run cut the same way; the others (a block matched to articleBody that holds
    # several paragraphs) give way to their pieces as the candidates cut them.
    p_confirmed = [k for k in p_keys if k not in trimmed and any(k in x for x in family_keys)]
    pieces: list[str] = []
    kept: list[str] = []
    seen: set[str] = set()
    trimmed_hay = " ".join(trimmed)
    for text, _, _ in blocks:
        k = text_key(text)
        if not k or k in seen or k in trimmed:
            continue
        if k not in p_set and len(k) >= _MIN_OVERLAP and _contains(trimmed_hay, k):
            continue  # another cut of a block the primary candidate trimmed
        votes = count(k)
        if k in p_set:
            keep = votes >= 1
        elif len(k) >= _MIN_OVERLAP and _contains(hay_p, k):
            # A piece of the primary candidate's text, cut differently: it stands in for a primary block that
            # is cut too coarsely for the others to confirm, never next to one that stays.
            keep = votes >= 1 and not any(k in x for x in p_confirmed)
            if keep:
                pieces.append(k)
        else:
            # A short block articleBody holds is a sub-heading ("Football"), from a trafilatura run; a short
            # block only readability cut ("close", a caption) is not taken on that word's evidence.
            long_enough = len(text) >= config.min_new_chars or (k in family_keys and _contains(ld, k))
            keep = votes >= config.min_votes_new and long_enough
            if keep and any(x in k or k in x for x in seen if len(x) >= _MIN_OVERLAP):
                keep = False  # another candidate's cut of a block kept already
        if keep:
            kept.append(text)
            seen.add(k)
    if pieces:
        coarse = {k for k in p_set if k not in p_confirmed and any(x in k for x in pieces)}
        kept = [x for x in kept if text_key(x) not in coarse]
    return kept


_MIN_OVERLAP = 20
"""A block key at least this long found inside another block's key: the same text, cut differently."""


def _merge3(blocks: Sequence[tuple[str, bool, bool]], other: Sequence[str]) -> list[tuple[str, bool, bool]]:
    merged = merge([t for t, _, _ in blocks], other)
    flags = {text_key(t): (ip, ie) for t, ip, ie in blocks}
    return [(t, *flags.get(text_key(t), (False, True))) for t, _, _ in merged]


def _chars(paragraphs: Sequence[str]) -> int:
    return sum(len(p) for p in paragraphs)


def ensemble_body(
    root: Any,
    url: str | None,
    ld_body: str | None,
    titles: Sequence[str] = (),
    authors: Sequence[str] = (),
    config: EnsembleConfig = DEFAULT,
) -> tuple[str, list[str]]:
    """The story's paragraphs by block vote: ``(source, paragraphs)``, source ``jsonld`` or ``generic``."""
    source, primary = generic.body_paragraphs(root, url, ld_body, titles, authors)
    main = generic.trafilatura_paragraphs(root, url)  # cached: the primary candidate read it already
    ld = _ld_text(ld_body)
    # Blocks of trafilatura's extract that the primary candidate trimmed from that same extract stay trimmed.
    kept = {text_key(x) for x in primary}
    trimmed = frozenset(k for x in main if (k := text_key(x)) not in kept) if source != "jsonld" else frozenset()
    trimmed |= generic.link_teasers(root, url) | generic.caption_keys(root)  # whichever candidate holds them
    # The readability summary trafilatura's run computed costs nothing more: read first, it decides whether the
    # recall run is needed. A block the recall run adds needs a second, independent vote (readability or
    # articleBody): when readability holds nothing the precision run lacks and there is no articleBody, no
    # block of the recall run could get one.
    readab: list[str] | None = None
    if config.readability and generic.trafilatura_readability(root)[0]:
        # When the primary candidate may be a fragment, readability's word is worth a run on the whole page.
        readab = readability_paragraphs(root, whole_page=_chars(primary) < config.fragment_chars)
    if readab is not None and not ld and _covered(readab, main):
        recall: list[str] = []
    else:
        recall = recall_paragraphs(root, url)
    if readab is None:
        # readability's vote can only decide blocks the primary candidate lacks: asked only when there are such.
        hay_p = " ".join(kept)
        pending = any(
            (k := text_key(x))
            and k not in trimmed
            and not _contains(hay_p, k)
            and (len(x) >= config.min_new_chars or _contains(ld, k))
            for x in [*main, *recall]
        )
        readab = readability_paragraphs(root) if config.readability and pending else []
    evidence = [h for h in (" ".join(text_key(x) for x in readab), ld) if h]
    voted = generic.trim_story(
        vote(primary, [main, recall], evidence, config, trimmed, ld, others=[readab] if readab else []), titles, authors
    )
    if not primary and not voted and _chars(readab) >= config.fragment_chars:
        # trafilatura found nothing at all (a page it discards): readability's story rather than none.
        return ENSEMBLE, generic.trim_story(readab, titles, authors)
    if _chars(primary) < config.fragment_chars and _chars(voted) >= config.fragment_factor * max(_chars(primary), 1):
        return ENSEMBLE, voted
    if _chars(primary) and _kept_share(primary, voted) < config.min_kept_share:
        return source, primary
    # The primary candidate's provenance (``jsonld``: the page's blocks articleBody holds) when the vote added nothing.
    return (source if all(text_key(x) in kept for x in voted) else ENSEMBLE), voted


def _covered(paragraphs: Sequence[str], extract: Sequence[str]) -> bool:
    """Every paragraph of one candidate (but short labels) is in the other's text."""
    hay = " ".join(text_key(x) for x in extract)
    return all(len(k) < _MIN_OVERLAP or k in hay for x in paragraphs if (k := text_key(x)))


def _kept_share(primary: Sequence[str], voted: Sequence[str]) -> float:
    """Share of the primary candidate's text the vote kept: its blocks, or their pieces as others cut them."""
    keys = {text_key(x) for x in voted}
    total = _chars(primary)

    def kept(x: str) -> bool:
        k = text_key(x)
        return k in keys or sum(len(v) for v in keys if len(v) >= _MIN_OVERLAP and v in k) >= 0.8 * len(k)

    return sum(len(x) for x in primary if kept(x)) / total if total else 1.0
