"""Los Angeles Times (latimes.com): articles listed in its news sitemap and section RSS feeds."""

from crawler.news_spider import NewsSpider

# Two body layouts, one rule (page order kept):
# - a regular story: the <p>/<h2>/<h3> children of <div data-element="story-body">;
# - a "story stack" (one page, several numbered parts): each part's title
#   <h3 class="story-stack-story-title"> ("Football") and the <p> children of its
#   <div data-element="story-stack-story-body">.
# Left out: the "enhancement" <div>s between paragraphs - photos with captions ("(Photos by
# Associated Press; photo illustration by Tim Hubbard / Los Angeles Times)"), "Advertisement"
# slots, newsletter and related-story boxes.
_BODY = (
    "div[data-element='story-body'] > p, div[data-element='story-body'] > h2,"
    " div[data-element='story-body'] > h3,"
    " div.story-stack-story > h3.story-stack-story-title,"
    " div[data-element='story-stack-story-body'] > p, div[data-element='story-stack-story-body'] > h2"
)


class LaTimesSpider(NewsSpider):
    name = "latimes"
    allowed_domains = ["latimes.com"]
    default_base_url = "https://www.latimes.com"
    sitemap_urls = ["https://www.latimes.com/news-sitemap.xml"]
    feed_urls = [
        "https://www.latimes.com/california/rss2.0.xml",
        "https://www.latimes.com/world-nation/rss2.0.xml",
        "https://www.latimes.com/politics/rss2.0.xml",
        "https://www.latimes.com/business/rss2.0.xml",
    ]
    # https://www.latimes.com/<section>/story/2023-06-26/<slug>
    article_url_re = r"latimes\.com/(?:[\w-]+/)+story/\d{4}-\d{2}-\d{2}/[\w-]+"
    timezone = "America/Los_Angeles"
    language = "en"

    # Headline: og:title; authors and dates: JSON-LD NewsArticle.
    selectors = {
        "article_body": [_BODY],
    }
