"""The New Yorker: articles from its Google News sitemap and RSS feed."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class TheNewYorkerSpider(NewsSpider):
    name = "thenewyorker"
    allowed_domains = ["newyorker.com"]
    default_base_url = "https://www.newyorker.com"
    feed_urls = [
        "https://www.newyorker.com/feed/everything",
    ]
    sitemap_urls = [
        "https://www.newyorker.com/feed/google-news-sitemap-feed/sitemap-google-news",
    ]
    article_url_re = r"newyorker\.com/(?!tag/|contributors/|cartoons?/|video/|podcast/)[a-z-]+/[\w/-]*[\w-]$"
    timezone = "America/New_York"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Dek (summary under the headline), then the story paragraphs and section heads. Class
            # names carry a build hash ("ContentHeaderDek-eXmPeo"): matched on their stable part.
            # Story elements per crawler/extract/body_rules.py.
            "//*[contains(@class, 'ContentHeaderDek')] | " + story_children(".body__inner-container"),
        ],
    }
    # Without JSON-LD, <meta name="author"> is the publisher ("Condé Nast"): the byline's names
    # (<span data-testid="BylineName"><a>Rachel Riederer</a></span>, one per writer) instead.
    late_selectors = {"authors": ["[data-testid='BylineName'] a::text", "[data-testid='BylineName']::text"]}
