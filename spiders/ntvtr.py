"""NTV (ntv.com.tr): articles from its RSS feeds and the sitemaps its robots.txt lists."""

from crawler.extract.body_rules import has_class, story_children
from crawler.news_spider import NewsSpider


class NTVTRSpider(NewsSpider):
    name = "ntvtr"
    allowed_domains = ["ntv.com.tr"]
    default_base_url = "https://www.ntv.com.tr"
    feed_urls = [
        "https://www.ntv.com.tr/gundem.rss",
    ]
    sitemap_urls = [
        "https://www.ntv.com.tr/robots.txt",
    ]
    article_url_re = r"ntv\.com\.tr/[\w-]+/[\w-]+(?:,[\w-]+|-\d{5,})$"
    timezone = "Europe/Istanbul"
    language = "tr"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The visible headline (og:title and <title> add " | NTV Haber"): 2024 layout, then the 2025
        # Tailwind one, whose <h1> has only utility classes inside the "info-text-card" header.
        "headline": ["h1.category-detail-title", ".info-text-card h1"],
        # <meta name="articleAuthor" content="Anadolu Ajansı"> (the agency or "ntv.com.tr"); JSON-LD only says "NTV".
        "authors": ['meta[name="articleAuthor"]::attr(content)'],
        # Spot (sub-title) and story; the 2024 layout writes the story as one <p> split by <br><br>.
        # Story lists, quotes, tables and sub-headings too (crawler/extract/body_rules.py).
        "article_body": [
            "//*[" + has_class("info-text-card") + "]//h2 | " + story_children(".ck"),
            "//*[" + has_class("category-detail-sub-title") + "] | " + story_children(".content-news-tag-selector"),
        ],
    }
