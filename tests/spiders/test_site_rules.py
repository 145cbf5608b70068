"""Site spiders of the first half of the corpus: discovery declarations, site processors, junk rules.

The golden pages themselves are scored in spiders/test_golden.py; here each site rule is checked on
its own: the junk it targets is gone from the real page's body, its processor does what its comment
says, and discovery only accepts article URLs of the site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bench import corpus
from crawler.news_spider import NewsSpider
from tests.conftest import need

SPIDERS = (
    "apnews", "bbc", "cnbc", "foxnews", "freebeacon", "latimes", "occupydemocrats", "reuters",
    "thegatewaypundit", "theguardian",
)  # fmt: skip

# A non-article URL per site (section front, feed, live blog, video page): discovery must skip it.
NOT_ARTICLES = {
    "apnews": "https://apnews.com/hub/politics",
    "bbc": "https://www.bbc.com/news/live/world-europe-68359756",
    "cnbc": "https://www.cnbc.com/world/?region=world",
    "foxnews": "https://www.foxnews.com/video/6325390126112",
    "freebeacon": "https://freebeacon.com/category/democrats/",
    "latimes": "https://www.latimes.com/sports",
    "occupydemocrats": "https://occupydemocrats.com/category/politics/page/2/",
    "reuters": "https://www.reuters.com/world/middle-east/",
    "thegatewaypundit": "https://www.thegatewaypundit.com/category/politics/",
    "theguardian": "https://www.theguardian.com/world/live/2024/feb/24/russia-ukraine-war-live",
}

# Junk each site's rules leave out, quoted from the corpus pages: (page, text not in the body).
JUNK = [
    ("APNews_2024_09_03", "Peoples reported from New York"),  # contributor note after the "___" rule
    ("APNews_2024_09_03", "RELATED COVERAGE"),
    ("BBC_2024_08_01", "How the government raises and spends"),  # related-links list in a text block
    ("BBC_2024_08_01", "Getty Images"),
    ("CNBC_2023_04_28", "More from Ask an Advisor"),
    ("CNBC_2023_04_28", "watch now"),
    ("FoxNews_2023_04_28", "CLICK HERE TO GET THE FOX NEWS APP"),
    ("FoxNews_2023_04_28", "2 NY RESIDENTS ALLEGEDLY RAN SECRET CHINESE POLICE STATION"),
    ("FoxNews_2023_04_28", "is a politics reporter for Fox News Digital"),
    ("FreeBeacon_2023_04_28", "Published under"),
    ("LATimes_2023_06_26", "(Photos by Associated Press"),
    ("LATimes_2023_06_26", "Advertisement"),
    ("OccupyDemocrats_2023_06_20", "covers politics and theocracy"),
    ("Reuters_2024_03_07", "opens new tab"),
    ("TheGatewayPundit_2023_04_28", "to read the probable cause affidavit"),  # "Click <a>here</a> to read ..."
    ("TheGatewayPundit_2023_04_28", "Bryan Kohberger enters Idaho courtroom"),
    ("TheGatewayPundit_2026_07_19", "Watch: Kiev overrun"),
    ("TheGatewayPundit_2026_07_19", "Second Day of Protests in Kiev"),  # embedded post of the site
    ("TheGuardian_2024_02_24", "newsletter promotion"),
    ("TheGuardian_2024_02_24", "Privacy Notice"),  # newsletter sign-up box inside the body
]


def _page(name: str) -> corpus.CorpusPage:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    found = [p for p in corpus.pages() if p.name == name]
    assert found, f"{name} is not in the corpus manifest"
    return found[0]


@pytest.mark.parametrize("name", SPIDERS)
def test_discovery_declared(name: str, spider_of) -> None:
    spider = spider_of(name)
    assert isinstance(spider, NewsSpider)
    requests = spider.start_requests_list()
    assert requests, "a news spider needs feeds or sitemaps"
    domains = spider.allowed_domains
    for request in requests:
        host = urlsplit(request.url).hostname or ""
        assert any(host == d or host.endswith("." + d) for d in domains), request.url
        assert not spider.is_article_url(request.url), f"a feed/sitemap taken for an article: {request.url}"
    assert not spider.is_article_url(NOT_ARTICLES[name])
    assert spider.timezone and spider.language == "en"


@pytest.mark.parametrize("name", SPIDERS)
def test_corpus_urls_are_articles(name: str, spider_of) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = spider_of(name)
    urls = [p.url for p in corpus.pages() if p.slug == name]
    assert urls
    for url in urls:
        assert spider.is_article_url(url), url


@pytest.mark.parametrize("name", SPIDERS)
def test_base_url_points_discovery_at_a_mirror(name: str, spider_of) -> None:
    spider = spider_of(name, base_url="http://127.0.0.1:8123")
    for request in spider.start_requests_list():
        assert request.url.startswith("http://127.0.0.1:8123/"), request.url


@pytest.mark.parametrize(("page_name", "junk"), JUNK, ids=[f"{p}:{j[:20]}" for p, j in JUNK])
def test_site_junk_left_out(page_name: str, junk: str, spider_of) -> None:
    page = _page(page_name)
    items = list(spider_of(page.slug).parse_article(page.response()))
    assert len(items) == 1
    assert items[0].article_body
    assert junk not in items[0].article_body


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("foxnews", "CLICK HERE TO GET THE FOX NEWS APP", "fox_click_here"),
        ("thegatewaypundit", "Click here to read the probable cause affidavit and read through and analysis.",
         "tgp_click_here"),
        ("thegatewaypundit", "Watch: Kiev overrun by protesting crowds.", "tgp_watch"),
        ("theguardian", "skip past newsletter promotion", "guardian_newsletter"),
        ("cnbc", "Don't miss: The best credit cards of 2023", "cnbc_promo"),
        ("cnbc", "Like this story? Subscribe to CNBC Make It on YouTube!", "cnbc_promo"),
        ("bbc", "Media playback is unsupported on your device", "bbc_media_playback"),
        ("bbc", ("Follow BBC Sussex on Facebook, on X, and on Instagram. Send your story ideas to "
                 "southeasttoday@bbc.co.uk or WhatsApp us on 08081 002250."), "bbc_follow"),
        ("apnews", "Follow AP's coverage of the elections at https://apnews.com/hub/election-2024.", "ap_follow"),
        ("apnews", ("The Associated Press receives support from several private foundations to enhance its "
                    "explanatory coverage of elections and democracy. AP is solely responsible for all content."),
         "ap_support"),
        ("occupydemocrats", "Featured image via screenshot", "od_featured_image"),
    ],
)  # fmt: skip
def test_site_boilerplate_rules(name: str, text: str, rule: str, spider_of) -> None:
    assert spider_of(name).boilerplate_rules.match(text) == rule


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("foxnews", "Click here, the lawmakers said, was the button the FBI never pressed."),
        ("thegatewaypundit", "Watchdogs said the report was late."),
        ("thegatewaypundit", "Financial Times reported:"),
        ("cnbc", "Check out the full interview on CNBC's website, he said."),
        ("apnews", "Follow-up talks are planned for next week, AP has learned."),
        ("bbc", "Followers of the BBC's coverage will know the story."),
    ],
)
def test_site_boilerplate_rules_keep_story_text(name: str, text: str, spider_of) -> None:
    assert spider_of(name).boilerplate_rules.match(text) is None


def test_reuters_drops_hidden_new_tab_note() -> None:
    from spiders.reuters import drop_new_tab_note

    html = '<div>The <a href="x">report<svg></svg><span style="clip:rect(0 0 0 0)">, opens new tab</span></a> by</div>'
    assert drop_new_tab_note(html) == '<div>The <a href="x">report<svg></svg></a> by</div>'


@pytest.mark.parametrize(
    ("raw", "headline"),
    [
        ("New Plot Twist | The Gateway Pundit | by Cristina Laila", "New Plot Twist"),
        ("Zelensky Is Now Considering Firing Syrsky * The Gateway Pundit * by Paul Serran",
         "Zelensky Is Now Considering Firing Syrsky"),
        ("A Headline Without Tail", "A Headline Without Tail"),
    ],
)  # fmt: skip
def test_gateway_pundit_title_tail(raw: str, headline: str) -> None:
    from spiders.thegatewaypundit import strip_title_tail

    assert strip_title_tail(raw) == headline


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2023-06-26T12:00:29.055Z", "2023-06-26T12:00:29.055+00:00"),
        ("2023-06-26T12:00:29Z", "2023-06-26T12:00:29+00:00"),
        ("2023-06-26T05:00:29.100-07:00", "2023-06-26T05:00:29.100-07:00"),
        ("June 26, 2023 5:00 AM", "2023-06-26T05:00:00-07:00"),  # no sub-seconds: the shared reading
        ("not a date", None),
    ],
)
def test_latimes_dates_keep_milliseconds(raw: str, iso: str | None) -> None:
    from spiders.latimes import to_iso8601_ms

    assert to_iso8601_ms(raw, {"timezone": "America/Los_Angeles"}) == iso


def test_cnbc_crawl_of_a_mirror(tmp_path) -> None:
    """`scrapy crawl cnbc -a base_url=... -a since=...`: news sitemap + RSS feed -> the article, once."""
    import gzip
    import json

    from tests.conftest import run_scrapy
    from tests.support.site_server import serve

    page = _page("CNBC_2023_04_28")
    path = page.url.split("cnbc.com/", 1)[1]
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_bytes(gzip.decompress(page.path.read_bytes()))
    (tmp_path / "sitemap_news.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{page.url}</loc><news:news><news:publication_date>2023-04-28T14:00:00-04:00"
        "</news:publication_date></news:news></url>"
        # listed before `since`: never fetched (it would 404 and show in the stats)
        "<url><loc>https://www.cnbc.com/2020/01/02/an-old-story.html</loc><news:news>"
        "<news:publication_date>2020-01-02T10:00:00-05:00</news:publication_date></news:news></url>"
        "</urlset>",
        encoding="utf-8",
    )
    when = "Fri, 28 Apr 2023 18:00:00 GMT"
    feed = tmp_path / "rs" / "search" / "combinedcms" / "view.xml"
    feed.parent.mkdir(parents=True)
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Top News</title>'
        f"<item><title>t</title><link>{page.url}?__source=rss</link><pubDate>{when}</pubDate></item>"
        f"<item><title>w</title><link>https://www.cnbc.com/world/</link><pubDate>{when}</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    with serve(tmp_path) as site:
        proc = run_scrapy(
            "crawl", "cnbc", "-a", f"base_url={site.base_url}", "-a", "since=2023-04-01", "-O", str(out),
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False", "-s", "LOG_LEVEL=INFO",
            timeout=90,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(items) == 1, proc.stderr[-2000:]
    assert items[0]["url"].startswith(site.base_url + "/2023/04/28/")
    assert items[0]["headline"] == page.expected()["headline"]
    assert "'news/discovery/older_than_since': 1" in proc.stderr
    assert "downloader/response_status_count/404" not in proc.stderr  # no /world/, no old story
