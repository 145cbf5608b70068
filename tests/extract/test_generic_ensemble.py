"""Body by block vote (crawler/generic_ensemble.py): agreement keeps blocks, lone extras and fragments do not win."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from crawler.extract.generic import generic_values
from crawler.extract.generic.common import text_key as _key
from crawler.extract.generic.ensemble import EnsembleConfig, ensemble_body, merge, vote

STORY = [
    f"Paragraph {n} of the harbour story: the council voted to reopen the bridge after two years of repairs, "
    f"and the ferry timetable changes for the {n}th time this year, officials said on Monday."
    for n in range(1, 7)
]


def test_merge_keeps_page_order_and_marks_the_sources() -> None:
    assert merge(["a", "b", "d"], ["a", "c", "d"]) == [
        ("a", True, True), ("b", True, False), ("c", False, True), ("d", True, True)]  # fmt: skip


def test_a_block_only_the_recall_run_found_needs_a_second_independent_candidate() -> None:
    extra = "A long paragraph the precision run missed, which readability also found in the article container."
    junk = "Advertisement"
    primary = STORY[:3]
    recall = [*STORY[:3], extra, junk]
    readability = _key(" ".join([*STORY[:3], extra, junk]))
    # Same family (trafilatura twice) is one voice: without readability, the extra block stays out.
    assert vote(primary, [primary, recall], []) == STORY[:3]
    # With readability's agreement it comes in; the short "Advertisement" needs more than agreement.
    assert vote(primary, [primary, recall], [readability]) == [*STORY[:3], extra]


def test_blocks_the_primary_candidate_trimmed_stay_trimmed() -> None:
    related = "More from the harbour desk: ten stories about ferries you may have missed this summer season."
    readability = _key(" ".join([*STORY, related]))
    voted = vote(STORY, [[*STORY, related]], [readability], EnsembleConfig(), frozenset({_key(related)}))
    assert voted == STORY


def _page(body: str, head: str = "") -> HtmlResponse:
    html = f"<html lang='en'><head><title>Bridge reopens | Courier</title>{head}</head><body>{body}</body></html>"
    return HtmlResponse("https://courier.example/news/bridge.html", body=html.encode(), encoding="utf-8")


def test_a_teaser_article_body_does_not_cut_the_story_to_a_fragment() -> None:
    # articleBody holds the first two paragraphs only (a paywalled site's teaser); the page has all six.
    ld = {"@type": "NewsArticle", "headline": "Bridge reopens", "articleBody": " ".join(STORY[:2])}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    body = ("<nav><a href='/'>Home</a><a href='/news'>News</a></nav><article><h1>Bridge reopens</h1>"
            + "".join(f"<p>{p}</p>" for p in STORY) + "</article><footer>Imprint. Contact.</footer>")  # fmt: skip
    source, paragraphs = generic_values(_page(body, head), ["article_body"])["article_body"]
    assert paragraphs == STORY, source


def test_ensemble_body_on_a_plain_page_is_the_story_without_navigation() -> None:
    body = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
            "<article><h1>Bridge reopens</h1>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article>"
            "<aside><h3>Most read</h3><ul><li><a href='/x'>Other story one</a></li></ul></aside>")  # fmt: skip
    response = _page(body)
    source, paragraphs = ensemble_body(response.selector.root, response.url, None, ["Bridge reopens"])
    assert paragraphs == STORY
    assert source == "generic"


def test_a_coarse_primary_block_gives_way_to_its_pieces_as_the_other_candidates_cut_them() -> None:
    # The block matched to articleBody holds the whole story (one <div>); trafilatura and readability cut it
    # into its paragraphs: the pieces stand in for it, once each.
    coarse = " ".join(STORY)
    ld = _key(coarse)
    voted = vote([coarse], [STORY], [_key(" ".join(STORY)), ld], ld=ld, others=[STORY])
    assert voted == STORY


def test_readability_blocks_are_candidates_but_never_a_second_cut_of_kept_text() -> None:
    # trafilatura glued two paragraphs of the story into one block; readability cut them apart.
    glued = [STORY[0], STORY[1] + " " + STORY[2], STORY[3]]
    readability = [STORY[0], STORY[1], STORY[2], STORY[3], "Share this article on social media now"]
    voted = vote(glued, [glued], [_key(" ".join(readability))], others=[readability])
    assert voted == glued
    # A paragraph only readability cut well (the precision run glued it to the headline) comes in on the
    # family's containment plus readability's own vote.
    headline_glued = ["Bridge reopens" + STORY[4]]
    voted = vote(STORY[:2], [[*STORY[:2], *headline_glued]], [_key(" ".join([*STORY[:2], STORY[4]]))],
                 others=[[*STORY[:2], STORY[4]]])  # fmt: skip
    assert voted == [*STORY[:2], STORY[4]]


def test_a_readability_summary_lxml_cannot_read_as_a_fragment_gives_no_paragraphs() -> None:
    from crawler.extract.generic.ensemble import _summary_paragraphs

    # readability's summary of a page without a <body>: lxml asserts one body per document.
    assert _summary_paragraphs('<html lang="en"><head><meta charset="utf-8"></head></html>') == []
    assert _summary_paragraphs("<div><p>One.</p><p>Two.</p></div>") == ["One.", "Two."]
