"""Kommersant: articles from its RSS feeds."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class KommersantSpider(NewsSpider):
    name = "kommersant"
    allowed_domains = ["kommersant.ru"]
    default_base_url = "https://www.kommersant.ru"
    feed_urls = [
        "https://www.kommersant.ru/RSS/news.xml",
        "https://www.kommersant.ru/RSS/main.xml",
    ]
    sitemap_urls = []
    article_url_re = r"kommersant\.ru/doc/\d+"
    timezone = "Europe/Moscow"
    language = "ru"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Sub-header, then the story; the closing <p class="doc__text document_authors"> is the byline.
            # (lists, quotes, tables too: crawler/extract/body_rules.py).
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' doc_header__subheader ')] | "
            + story_children(".article_text_wrapper", "not(contains(@class, 'document_authors'))"),
        ],
    }
