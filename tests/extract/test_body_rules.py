"""crawler.extract.body_rules: the shared story-element rule and the link-list filter."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.body_rules import container_xpath, drop_link_lists, story_children
from crawler.extract.clean import html_to_text

PAGE = """<html><body><div class="story x">
<p>Lead paragraph.</p>
<div class="ad-slot">Advertisement</div>
<h2>Head two</h2><h3>Head three</h3><h4>Head four</h4><h5>Not a story head</h5>
<p><strong>Bold head</strong></p>
<p><a href="/x"><strong>PROMO IN CAPITALS</strong></a></p>
<ul><li>Item with text</li><li><a href="/a">only a link</a> and words</li></ul>
<ul><li><a href="/a">Related one</a></li><li><a href="/b">Related two</a></li></ul>
<blockquote><p>Quoted passage.</p></blockquote>
<blockquote class="twitter-tweet"><p>Tweet.</p></blockquote>
<blockquote class="stylized pull-right" data-shortcode-type="pullquote">Pulled quote.</blockquote>
<blockquote data-instgrm-permalink="https://instagram.com/p/x">Insta.</blockquote>
<table><tr><td>Cell</td></tr></table>
<pre>Pre text</pre>
<figure><figcaption>Caption</figcaption></figure>
<aside><p>Aside paragraph.</p></aside>
</div>
<div class="story"><p>Continued after the ad.</p></div>
<div class="other"><p>Not the story.</p></div>
</body></html>"""


def _texts(rule: str) -> list[str]:
    return [" ".join(html_to_text(v) or []) for v in Selector(text=PAGE).xpath(rule).getall()]


def test_story_children_reads_every_story_element_in_order() -> None:
    assert _texts(story_children(".story")) == [
        "Lead paragraph.", "Head two", "Head three", "Head four", "Bold head", "PROMO IN CAPITALS",
        "Item with text", "only a link and words", "Quoted passage.", "Cell", "Pre text", "Continued after the ad.",
    ]  # fmt: skip


def test_paragraph_condition_and_bold_heads() -> None:
    own = "text()[normalize-space()]"
    got = _texts(story_children(".story", own, bold_heads=True, lists=False, quotes=False, tables=False, pre=False))
    # The bold head without a link is kept; the bold promo inside a link is not.
    assert got == ["Lead paragraph.", "Head two", "Head three", "Head four", "Bold head", "Continued after the ad."]
    got = _texts(story_children(".story", own, heads=False, lists=False, quotes=False, tables=False, pre=False))
    assert got == ["Lead paragraph.", "Continued after the ad."]


def test_where_applies_to_every_child() -> None:
    got = _texts(story_children(".story", where="not(self::h3)", quotes=False, tables=False, pre=False))
    assert "Head three" not in got and "Head two" in got and "Item with text" in got


def test_rules_are_xpath_for_the_spider() -> None:
    rule = story_children("div.story > p, .x")
    assert rule.startswith("//")
    assert container_xpath("div.story, .x") == [
        "//div[@class and contains(concat(' ', normalize-space(@class), ' '), ' story ')]",
        "//*[@class and contains(concat(' ', normalize-space(@class), ' '), ' x ')]",
    ]


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ("<div><p>a</p><ul><li><a href='/1'>x</a></li><li><a href='/2'>y</a></li></ul>tail</div>", ["a", "tail"]),
        ("<div><ol><li>step <a href='/1'>one</a></li></ol></div>", ["step one"]),
        ("<div><p>no list</p></div>", ["no list"]),
    ],
)
def test_drop_link_lists(html: str, kept: list[str]) -> None:
    assert html_to_text(drop_link_lists(html)) == kept


def test_table_rows_and_pre_lines_are_lines() -> None:
    html = "<div><table><tr><th>District</th><th>Turnout</th></tr><tr><td>North</td><td>61%</td></tr></table>"
    html += "<pre>ledger  2023\ndues    1.2</pre></div>"
    assert html_to_text(html) == ["District · Turnout", "North · 61%", "ledger 2023", "dues 1.2"]
