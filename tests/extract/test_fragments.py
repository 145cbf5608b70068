"""drop_elements' quick pre-check: fragments it skips without parsing come out as a full parse gives them."""

from __future__ import annotations

import pytest

from crawler.extract.fragments import drop_elements, needle
from spiders.lbcgroup import NOT_STORY_CSS as LBC_CSS
from spiders.trend import NOT_STORY_CSS as TREND_CSS

FRAGMENTS = [
    "<p>Plain story paragraph with <a href='/x'>a link</a> and <b>bold</b>.</p>",
    '<p>Text <span class="related-box">Read also: other story</span> tail.</p>',
    '<p>Text <span class="rel&#97;ted">spelled with a character reference</span> tail.</p>',
    '<p>Text <span class="rel&#x61;ted">hex reference</span> tail.</p>',
    "<div>Before<FIGURE><img src=x><FIGCAPTION>Caption</FIGCAPTION></FIGURE>After</div>",
    "<div>Before<table><tr><td>cell</td></tr></table>After &amp; more &nbsp;</div>",
    '<p>Quote <blockquote class="twitter-tweet">tweet</blockquote> end</p>',
    '<p>Quote <blockquote class="other">not a tweet</blockquote> end</p>',
    "<p>A figure of speech, a table of contents, related words, social share.</p>",
    "<p>Unclosed <aside>box",
    "plain text, no markup",
    "",
]


@pytest.mark.parametrize("css", [TREND_CSS, LBC_CSS, ("aside",)])
def test_quick_check_same_as_parsing(css: tuple[str, ...]) -> None:
    fast = drop_elements(*css)
    slow = drop_elements(*css, "x-none y-none")  # a rule without a needle: every fragment is parsed
    for fragment in FRAGMENTS:
        assert fast(fragment) == slow(fragment), fragment


def test_needles() -> None:
    assert needle("figure") == "<figure"
    assert needle("blockquote.twitter-tweet") == "<blockquote"
    assert needle("[class*=related]") == "related"
    # Tags the parser adds on its own, and rules with combinators, have none.
    assert needle("p") is None and needle("div.x") is None and needle("a b") is None and needle(".x") is None
