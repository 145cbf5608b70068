"""The Guardian (theguardian.com): articles listed in its news sitemap and its edition RSS feeds."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider

# The standfirst under the headline (<div data-gu-name="standfirst">, "Police in Spanish city
# continue to search debris ...") opens the story, then the <p>/<h2> children of the body
# (<div class="article-body-viewer-selector">). Left out: video and image <figure>s, the
# "skip past newsletter promotion / Sign up to This is Europe" box (a <figure>), rich links and
# ad slots (<aside>/<div>), embedded tweets/Instagram/TikTok posts (<blockquote class="twitter-tweet">).
# A standfirst is one <p> or a bullet list (<ul><li>); body lists are kept item by item.
# Before the 2019-2021 move to the "dotcom-rendering" pages the body was
# <div class="content__article-body" itemprop="articleBody"> and the standfirst
# <div class="content__standfirst">; inline elements there were <figure>/<aside> too.
# Body story elements per crawler/extract/body_rules.py (a list of links only is a related box).
_BODY = "//*[@data-gu-name='standfirst']//*[self::p or self::li] | " + story_children(
    "div.article-body-viewer-selector"
)

_BODY_LEGACY = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' content__standfirst ')]//*[self::p or self::li] | "
    + story_children("div.content__article-body")
)


class TheGuardianSpider(NewsSpider):
    name = "theguardian"
    allowed_domains = ["theguardian.com"]
    default_base_url = "https://www.theguardian.com"
    sitemap_urls = ["https://www.theguardian.com/sitemaps/news.xml"]
    feed_urls = [
        "https://www.theguardian.com/international/rss",
        "https://www.theguardian.com/world/rss",
        "https://www.theguardian.com/uk-news/rss",
        "https://www.theguardian.com/us-news/rss",
    ]
    # https://www.theguardian.com/world/2024/feb/24/<slug>; live blogs (/world/live/2024/...) are a
    # stream of timed posts, not one story, and are not crawled.
    article_url_re = r"theguardian\.com/(?!(?:[\w-]+/)*live/)(?:[\w-]+/)+\d{4}/[a-z]{3}/\d{2}/[\w-]+/?(?:[?#].*)?$"
    timezone = "Europe/London"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # newsletter box text when it is inside the body: "skip past newsletter promotion",
        # "after newsletter promotion"
        guardian_newsletter=r"^(skip past|after) newsletter promotion$",
    )

    # Headline, authors and dates: JSON-LD NewsArticle.
    selectors = {
        "article_body": [_BODY, _BODY_LEGACY],
    }
