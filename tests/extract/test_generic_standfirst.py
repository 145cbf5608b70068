"""The story's lead (crawler/extract/generic/standfirst.py): the page's description shown under the headline."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from crawler.extract.generic import generic_values
from crawler.extract.generic.body import link_teasers
from crawler.extract.generic.common import text_key

STORY = [
    f"Paragraph {n} of the harbour story: the council voted to reopen the bridge after two years of repairs, "
    f"and the ferry timetable changes for the {n}th time this year, officials said on Monday."
    for n in range(1, 7)
]
LEAD = "After two years of repairs the old harbour bridge reopens to traffic, and the ferry loses its busiest route."


def _page(header: str, description: str = LEAD, footer: str = "") -> HtmlResponse:
    html = (
        f"<html lang='en'><head><title>Bridge reopens | Courier</title>"
        f"<meta property='og:description' content='{description}'></head><body>"
        "<nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
        f"<article><header><h1>Bridge reopens</h1>{header}<span>By Ann Lee</span></header>"
        "<div class='article-body'>" + "".join(f"<p>{p}</p>" for p in STORY) + "</div></article>"
        f"{footer}<footer>Imprint. Contact.</footer></body></html>"
    )
    return HtmlResponse("https://courier.example/news/bridge.html", body=html.encode(), encoding="utf-8")


def _body(response: HtmlResponse) -> list[str]:
    return generic_values(response, ["article_body"])["article_body"][1]


def test_the_description_shown_under_the_headline_opens_the_body() -> None:
    assert _body(_page(f"<p class='dek'>{LEAD}</p>")) == [LEAD, *STORY]
    # Its element and class do not matter: the page's own description, shown whole, is the evidence.
    assert _body(_page(f"<h2>{LEAD.replace('bridge', '<em>bridge</em>')}</h2>")) == [LEAD, *STORY]


def test_a_description_the_page_does_not_show_or_shows_elsewhere_is_no_lead() -> None:
    assert _body(_page("")) == STORY  # only in <meta>
    # Shown after the story (a share box, a teaser of this page) or as a link: not the lead.
    assert _body(_page("", footer=f"<div class='share'><p>{LEAD}</p></div>")) == STORY
    assert _body(_page(f"<p><a href='/news/bridge.html'>{LEAD}</a></p>")) == STORY


def test_a_description_that_is_the_first_paragraph_is_not_repeated() -> None:
    # The description copies the opening paragraph (whole or cut short): the body has it already.
    assert _body(_page("", description=STORY[0])) == STORY
    assert _body(_page("", description=STORY[0][:120] + "…")) == STORY
    # A kicker or label is no lead.
    assert _body(_page("<p>Harbour news</p>", description="Harbour news")) == STORY


def _story_page(between: str) -> HtmlResponse:
    html = (
        "<html lang='en'><head><title>Bridge reopens | Courier</title></head><body><article><h1>Bridge reopens</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY[:3])
        + between
        + "".join(f"<p>{p}</p>" for p in STORY[3:])
        + "</article></body></html>"
    )
    return HtmlResponse("https://courier.example/news/bridge.html", body=html.encode(), encoding="utf-8")


def test_a_paragraph_that_is_only_a_link_to_another_story_is_a_teaser() -> None:
    teaser = "<p><a href='/news/ferry-strike.html'><strong>FERRY CREWS VOTE TO STRIKE OVER THE NEW TIMETABLE</strong></a></p>"
    assert _body(_story_page(teaser)) == STORY
    # A sentence with a link in it, a cited address, a mail address and a link to the page itself are the story's.
    kept = [
        "<p>The <a href='/council'>council</a> published the full repair report on its website on Monday.</p>",
        "<p><a href='https://council.example/report.pdf'>https://council.example/report.pdf</a></p>",
        "<p><a href='mailto:desk@courier.example'>desk@courier.example</a></p>",
        "<p><a href='https://courier.example/news/bridge.html'>The bridge that waited two years for its repairs</a></p>",
    ]
    for block in kept:
        response = _story_page(block)
        assert link_teasers(response.selector.root, response.url) == frozenset(), block
    response = _story_page(teaser)
    assert link_teasers(response.selector.root, response.url) == {
        text_key("FERRY CREWS VOTE TO STRIKE OVER THE NEW TIMETABLE")
    }


def test_control_characters_in_the_page_do_not_cost_the_story() -> None:
    # trafilatura discards a tree holding C0 control characters: the generic body reads a cleaned copy.
    html = (
        "<html lang='en'><head><title>Bridge reopens | Courier</title></head><body><article><h1>Bridge reopens</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "<p>Source: Harbour\x07 Office\x07 (2020), annual report.</p></article></body></html>"
    )
    response = HtmlResponse("https://courier.example/news/bridge.html", body=html.encode(), encoding="utf-8")
    body = _body(response)
    assert body[: len(STORY)] == STORY
    assert "\x07" not in " ".join(body)


def test_without_a_description_an_element_the_page_names_a_summary_is_the_lead() -> None:
    # No description to compare with: the first element between the <h1> and the body that the page's class
    # names a summary ("dek", "post__excerpt", "ContentHeaderDek-xY"), and that reads like a sentence.
    for cls in ("dek", "post__excerpt", "ContentHeaderDek-eXmPeo", "article-sub-title"):
        assert _body(_page(f"<p class='{cls}'>{LEAD}</p>", description="")) == [LEAD, *STORY], cls
    # A caption, a slide's description or an author's bio is not, whatever its class says; nor a label.
    for block in (
        f"<div class='lead-media'><p class='lead-caption'>{LEAD}</p></div>",
        f"<div class='carousel'><span class='slide-description'>{LEAD}</span></div>",
        f"<p class='author-description'>{LEAD}</p>",
        "<p class='intro'>Harbour news</p>",
    ):
        assert _body(_page(block, description="")) == STORY, block


def test_picture_captions_are_not_paragraphs_of_the_story() -> None:
    caption = "The old harbour bridge, closed since 2022, seen from the ferry pier on Monday morning."
    figure = f"<figure><img src='/b.jpg'><figcaption><p>{caption}</p><p>Photo: Ann Lee</p></figcaption></figure>"
    assert _body(_story_page(figure)) == STORY
    boxed = f"<div class='image-caption'><p>{caption}</p></div>"
    assert _body(_story_page(boxed)) == STORY
    # The publisher's articleBody holds the caption too: the page's blocks it holds are matched, but the caption's.
    ld = {
        "@type": "NewsArticle",
        "headline": "Bridge reopens",
        "articleBody": " ".join([*STORY[:3], caption, *STORY[3:]]),
    }
    response = _story_page(boxed)
    html = response.text.replace("</head>", f"<script type='application/ld+json'>{json.dumps(ld)}</script></head>")
    assert _body(response.replace(body=html.encode())) == STORY
    # A container whose class mentions captions but holds the story is no caption.
    response = _story_page("")
    html = response.text.replace("<article>", "<article><div class='body with-captions'>").replace(
        "</article>", "</div></article>"
    )
    assert _body(response.replace(body=html.encode())) == STORY


def test_a_page_trafilatura_discards_is_still_an_article_when_readability_finds_the_story(monkeypatch) -> None:
    import crawler.extract.generic as generic

    response = _story_page("")  # no article metadata: the main content decides
    assert generic.looks_like_article(response)
    monkeypatch.setattr(generic, "trafilatura_paragraphs", lambda root, url=None: [])
    assert generic.looks_like_article(_story_page(""))
    monkeypatch.setattr(generic, "readability_paragraphs", lambda root, whole_page=True: [])
    assert not generic.looks_like_article(_story_page(""))


def test_a_short_story_whose_h1_is_its_title_is_an_article() -> None:
    import crawler.extract.generic as generic

    def page(h1: str, title: str = "Bridge reopens | Courier", where: str = "head") -> HtmlResponse:
        t = f"<title>{title}</title>"
        html = (
            f"<html><head>{t if where == 'head' else ''}</head><body>{t if where == 'body' else ''}"
            f"<article><h1>{h1}</h1><p>{STORY[0]}</p><p>{STORY[1][:100]}</p></article></body></html>"
        )
        return HtmlResponse("https://courier.example/news/bridge.html", body=html.encode(), encoding="utf-8")

    assert generic.looks_like_article(page("Bridge reopens"))  # ~290 characters: a brief
    assert not generic.looks_like_article(page("Latest news"))  # a page of teasers of the same length
    # A <title> the parser put in the body (a script wrote markup in the head) is still the page's title.
    assert generic.looks_like_article(page("Bridge reopens", where="body"))
    assert generic_values(page("", where="body"), ["headline"])["headline"][1] == "Bridge reopens"
