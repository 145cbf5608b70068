"""Fox News (foxnews.com): articles listed in its news sitemap and its RSS feeds."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider

# The story is the <p> children of <div class="article-body">, part of it inside a
# <div class="paywall"> on some stories. Left out:
# - paragraphs with no text of their own, only a link or bold/italic markup: in-story promos of
#   other stories in capitals (<p><a><strong>2 NY RESIDENTS ALLEGEDLY RAN SECRET CHINESE POLICE
#   STATION: ...</strong></a></p>), "CLICK HERE TO GET THE FOX NEWS APP", credit lines in italics;
# - video players, inline images with captions, ad containers (all <div>s);
# - the author bio at the end ("Aaron Kliegman is a politics reporter for Fox News Digital."),
#   a <div class="article-meta">.
# Story lists, quotes, tables and bold-only heads (no link: "<p><strong>THE INVESTIGATION</strong></p>")
# are kept (crawler/extract/body_rules.py).
_ARTICLE_BODY = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]"
_BODY = story_children(
    [_ARTICLE_BODY, _ARTICLE_BODY + "/div[contains(@class, 'paywall')]"],
    "text()[normalize-space()] and not(script)",
    bold_heads=True,
)


class FoxNewsSpider(NewsSpider):
    name = "foxnews"
    allowed_domains = ["foxnews.com"]
    default_base_url = "https://www.foxnews.com"
    sitemap_urls = ["https://www.foxnews.com/sitemap.xml?type=news"]
    feed_urls = [
        "https://moxie.foxnews.com/google-publisher/latest.xml",
        "https://moxie.foxnews.com/google-publisher/politics.xml",
        "https://moxie.foxnews.com/google-publisher/us.xml",
        "https://moxie.foxnews.com/google-publisher/world.xml",
    ]
    # https://www.foxnews.com/<section>/<slug> (no extension, no date)
    article_url_re = r"foxnews\.com/(?!video|category|shows|person)[\w-]+/[\w-]{12,}/?(?:[?#].*)?$"
    timezone = "America/New_York"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # "CLICK HERE TO GET THE FOX NEWS APP", "CLICK HERE FOR MORE US COVERAGE" when not a link
        fox_click_here=r"^CLICK HERE (TO|FOR)\b.{0,120}$",
    )

    # Headline, dates: JSON-LD NewsArticle; authors: JSON-LD, else <meta name="dc.creator">.
    # Section and tags live in Fox's own meta: prism.section "politics", classification-tags
    # "china,houseofreps,congress,fbi,...".
    selectors = {
        "section": ["meta[name='prism.section']::attr(content)"],
        "tags": ["meta[name='classification-tags']::attr(content)"],
        "article_body": [_BODY],
    }
    # Without JSON-LD the <meta> dates are a bare day (dc.date "2023-04-26") or the draft's creation
    # (dcterms.created); the visible "Published April 26, 2023 2:20pm EDT" is the publication, to the minute.
    late_selectors = {"date_published": ["div.article-date time::text"]}
