"""The Telegraph: articles from its RSS feed and the sitemaps its robots.txt lists."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class TheTelegraphSpider(NewsSpider):
    name = "thetelegraph"
    allowed_domains = ["telegraph.co.uk"]
    default_base_url = "https://www.telegraph.co.uk"
    feed_urls = [
        "https://www.telegraph.co.uk/rss.xml",
    ]
    sitemap_urls = [
        "https://www.telegraph.co.uk/robots.txt",
    ]
    article_url_re = r"telegraph\.co\.uk/[\w/-]+/\d{4}/\d{2}/\d{2}/[\w-]+/?$|telegraph\.co\.uk/recommended/[\w/-]+/?$"
    timezone = "Europe/London"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The visible headline; og:title matches it, JSON-LD's is often an SEO variant
        # ("Starmer suggests he will continue ..." vs. "Starmer defiant over ...").
        # The whole <h1> element, not its first text node: the headline item keeps one value, and a
        # headline with <em>/<a> inside has several text nodes.
        "headline": ["h1[data-test=headline]", 'meta[property="og:title"]::attr(content)'],
        # The article's own byline; the bylines of teaser cards (.card__meta) name other writers.
        "authors": [
            ".tpl-article__byline-date [data-test=author-name]::text",
            "article .e-byline--multi [data-test=author-name]::text",
        ],
        "article_body": [
            # Standfirst, then the story elements (crawler/extract/body_rules.py) but lists: the <ul>s of the
            # product reviews are "at a glance" link lists and spec bullets ("Draws 300W (estimated 10p
            # per hour of use)", "Three year guarantee"), which the reference text leaves out.
            "//header//p[contains(concat(' ', normalize-space(@class), ' '), ' e-standfirst ')] | "
            + story_children(".article-body-text", lists=False),
        ],
    }
