"""The Gateway Pundit (thegatewaypundit.com): its news sitemap and RSS feed (WordPress)."""

import re
from typing import Any

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import story_children
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider

# The story is the <p> children of <div class="entry-content"> (and the <p>s of quoted
# <blockquote>s). Left out:
# - photo paragraphs, an <img> with its caption in <em> ("Bryan Kohberger enters Idaho courtroom"),
#   and <figure class="wp-caption"> (2026);
# - embedded tweets (<blockquote class="twitter-tweet">) and embedded posts of the site itself
#   (<blockquote class="wp-embedded-content">), share bars, ad blocks, polls (all <div>s);
# - the lead-ins to those embeds, by text (boilerplate_rules below). Markup does not tell them:
#   <p><strong>Watch: Kiev overrun ...</strong></p> is bold like the lead
#   <p><strong>A preventable crisis.</strong></p>, and quotes are often italic-only paragraphs.
_CONTENT = "//div[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"
# Sub-headings, lists and tables of the story too (crawler/extract/body_rules.py).
_BODY = story_children([_CONTENT], "not(.//img) and not(.//script)")


# og:title appends the site and the writer: "... Defense Lawyers | The Gateway Pundit | by Cristina
# Laila" (2023), "... Top General Syrsky * The Gateway Pundit * by Paul Serran" (2026).
_TITLE_TAIL = re.compile(r"\s+[|*\u2022-]\s+The Gateway Pundit\b.*$", re.IGNORECASE)


def strip_title_tail(value: Any) -> Any:
    """og:title -> the headline alone (site name and "by <writer>" removed)."""
    return _TITLE_TAIL.sub("", value) if isinstance(value, str) else value


class TheGatewayPunditLoader(ArticleLoader):
    headline_in = MapCompose(p.clean_text, strip_title_tail)


class TheGatewayPunditSpider(NewsSpider):
    name = "thegatewaypundit"
    allowed_domains = ["thegatewaypundit.com"]
    default_base_url = "https://www.thegatewaypundit.com"
    sitemap_urls = ["https://www.thegatewaypundit.com/news-sitemap.xml"]
    feed_urls = ["https://www.thegatewaypundit.com/feed/"]
    # https://www.thegatewaypundit.com/2026/07/<slug>/
    article_url_re = r"thegatewaypundit\.com/\d{4}/\d{2}/[\w-]+"
    timezone = "America/Chicago"
    language = "en"
    loader_class = TheGatewayPunditLoader

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # links to documents: "Click here to read the probable cause affidavit and read through ..."
        tgp_click_here=r"^click here\b.{0,200}$",
        # lead-ins to an embedded video: "Watch: Kiev overrun by protesting crowds.", "WATCH:"
        tgp_watch=r"^watch\b[^:]{0,20}:.{0,160}$",
    )

    # Headline: og:title without its tail (the site writes it with plain quotes: "Kohberger's", where
    # the <h1> and JSON-LD have typographic ones); authors: JSON-LD (Yoast @graph Person); dates:
    # JSON-LD / article:published_time.
    selectors = {
        "headline": ["meta[property='og:title']::attr(content)", "h1.entry-title"],
        "article_body": [_BODY],
    }
