"""The Independent (UK): articles listed in its Google News sitemap and RSS feeds."""

from crawler.extract.body_rules import story_children
from crawler.extract.boilerplate import Rules
from crawler.news_spider import NewsSpider


class TheIndependentSpider(NewsSpider):
    name = "theindependent"
    allowed_domains = ["independent.co.uk"]
    default_base_url = "https://www.independent.co.uk"
    feed_urls = [
        "https://www.independent.co.uk/news/rss",
        "https://www.independent.co.uk/rss",
    ]
    sitemap_urls = [
        "https://www.independent.co.uk/sitemaps/googlenews",
    ]
    article_url_re = r"-b\d{6,}\.html$"
    timezone = "Europe/London"
    language = "en"
    boilerplate_rules: Rules = NewsSpider.boilerplate_rules.extend(
        # "This is a breaking new story - more to follow" (sic), "This is a breaking news story and will be updated"
        breaking_note=r"^this is a breaking news? story\b.{0,60}$",
    )

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Story paragraphs and sub-headings (explainers: "What happened?"); newsletter sign-ups,
            # ads, video slots and "Read more" boxes are <div>s.
            # Lists, quotes and tables too (crawler/extract/body_rules.py).
            story_children("article #main"),
            story_children("#main"),
        ],
    }
