"""The Washington Free Beacon (freebeacon.com): its Google News sitemap and RSS feed (WordPress)."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider

# The dek under the headline (<h2 class="article-excerpt"> in <div class="article-head">,
# "Liberal billionaire George Soros and his son nearly max out to Tester") opens the story, then the
# <p> children of <div class="article-content">. Ad wrappers and the "Published under: 2024
# Election, Bailout, ..." tag list there are <div>s, embedded tweets and posts <blockquote>s: all
# stay out.
# Lists, sub-headings, quoted passages and tables of the story are kept (crawler/extract/body_rules.py).
_BODY = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-head ')]"
    "//h2[contains(concat(' ', normalize-space(@class), ' '), ' article-excerpt ')] | "
    + story_children("div.article-content")
)


class FreeBeaconSpider(NewsSpider):
    name = "freebeacon"
    allowed_domains = ["freebeacon.com"]
    default_base_url = "https://freebeacon.com"
    sitemap_urls = ["https://freebeacon.com/post_google_news.xml"]
    feed_urls = ["https://freebeacon.com/feed/"]
    # https://freebeacon.com/<category>/<slug>/
    article_url_re = r"freebeacon\.com/(?!category|author|tag|page|wp-)[\w-]+/[\w-]{8,}/?(?:[?#].*)?$"
    timezone = "America/New_York"
    language = "en"

    # Headline, dates: JSON-LD. Authors: <meta name="author"> ("Chuck Ross"); the page's JSON-LD
    # has them twice, once as a Yoast reference and once as a slug ({"name": "chuck-ross"}).
    selectors = {
        "authors": ["meta[name='author']::attr(content)"],
        "article_body": [_BODY],
    }
