"""Asahi Shimbun (asahi.com): articles from its headline RSS feed."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class AsahiShimbunSpider(NewsSpider):
    name = "asahishimbun"
    allowed_domains = ["asahi.com"]
    default_base_url = "https://www.asahi.com"
    feed_urls = [
        "https://www.asahi.com/rss/asahi/newsheadlines.rdf",
    ]
    sitemap_urls = []
    article_url_re = r"asahi\.com/articles/[A-Z0-9]+\.html"
    timezone = "Asia/Tokyo"
    language = "ja"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Summary box, paragraphs and sub-headings of the story block (class names are build hashes),
            # with the story's lists, quotes and tables (crawler/extract/body_rules.py).
            "//div[contains(concat(' ', normalize-space(@class), ' '), ' nfyQp ')]/div[contains(concat(' ',"
            " normalize-space(@class), ' '), ' bv2Sj ')]/p | " + story_children("div.nfyQp"),
            # else by structure: the story's <p>s sit directly in a <div> of <main>; paywall and
            # promo notes are nested deeper.
            story_children("main > div"),
        ],
    }
