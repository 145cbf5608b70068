"""The Washington Times: articles from its RSS feeds and story sitemap."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class WashingtonTimesSpider(NewsSpider):
    name = "washingtontimes"
    allowed_domains = ["washingtontimes.com"]
    default_base_url = "https://www.washingtontimes.com"
    feed_urls = [
        "https://www.washingtontimes.com/rss/headlines/news/",
    ]
    sitemap_urls = [
        "https://www.washingtontimes.com/sitemap-stories.xml",
    ]
    article_url_re = r"washingtontimes\.com/news/\d{4}/[a-z]{3}/\d{1,2}/[\w-]+/"
    timezone = "America/New_York"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # The story's <p>s; the in-story "Sign up for Daily Newsletters" box and ads are <div>s.
            # With the story's sub-headings, lists, quotes and tables (crawler/extract/body_rules.py).
            story_children(".storyareawrapper .bigtext"),
        ],
    }
