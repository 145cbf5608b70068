"""i (inews.co.uk): articles from its RSS feed and the sitemaps its robots.txt lists."""

from crawler.extract.body_rules import has_class, story_children
from crawler.extract.boilerplate import Rules
from crawler.news_spider import NewsSpider


class INewsSpider(NewsSpider):
    name = "inews"
    allowed_domains = ["inews.co.uk"]
    default_base_url = "https://inews.co.uk"
    feed_urls = [
        "https://inews.co.uk/feed",
    ]
    sitemap_urls = [
        "https://inews.co.uk/robots.txt",
    ]
    article_url_re = r"inews\.co\.uk/[\w/-]+-\d{5,}/?$"
    timezone = "Europe/London"
    language = "en"
    boilerplate_rules: Rules = NewsSpider.boilerplate_rules.extend(
        # Agency credit closing a story: "Additional reporting from PA", "Additional reporting by Reuters"
        agency_credit=r"^additional reporting (?:from|by) [\w .&,'-]{1,60}$",
    )

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # WordPress theme (2024-): excerpt, then the post content.
            # Story elements per crawler/extract/body_rules.py (lists, quotes, tables too).
            "//*[" + has_class("inews__post-excerpt") + "] | " + story_children(".inews__post-content"),
            # Next.js layout (2023): excerpt as <h2 class="excerpt">, then the article content.
            "//article/h2[" + has_class("excerpt") + "] | " + story_children(".article-content"),
        ],
    }
