"""Occupy Democrats (occupydemocrats.com): its RSS feed and sitemap (WordPress)."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider

# The story is the <p>, <h2>/<h3> and <blockquote> (quoted documents) children of
# <div itemprop="articleBody">. Left out: ad code blocks (<div class="code-block">), the author box
# at the end ("Steph Bazzle covers politics and theocracy, ..."), comments widgets.
# Lists, tables and h4 heads too (crawler/extract/body_rules.py).
_BODY = story_children("div[itemprop='articleBody']")


class OccupyDemocratsSpider(NewsSpider):
    name = "occupydemocrats"
    allowed_domains = ["occupydemocrats.com"]
    default_base_url = "https://occupydemocrats.com"
    feed_urls = ["https://occupydemocrats.com/feed/"]
    # Yoast sitemap index; post-sitemapN.xml list the stories (article_url_re skips pages/categories).
    sitemap_urls = ["https://occupydemocrats.com/sitemap.xml"]
    # https://occupydemocrats.com/2023/06/19/<slug>/
    article_url_re = r"occupydemocrats\.com/\d{4}/\d{2}/\d{2}/[\w-]+"
    timezone = "America/New_York"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # the photo credit closing many stories: "Featured image via screenshot", "Featured Image:
        # Gage Skidmore/Flickr"
        od_featured_image=r"^featured image\b.{0,200}$",
    )

    # Headline: og:title (the headline as shared and shown; the Yoast JSON-LD "headline" is the
    # post's working title); authors: JSON-LD Person; dates: JSON-LD / article:published_time.
    selectors = {
        "headline": ["meta[property='og:title']::attr(content)", "h1.entry-title"],
        "article_body": [_BODY],
    }
