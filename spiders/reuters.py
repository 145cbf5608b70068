"""Reuters (reuters.com): articles listed in its news sitemap index (Arc outbound feeds)."""

import re
from typing import Any

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import story_children
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider

# Story paragraphs carry data-testid="paragraph-N": <p> in the 2023 layout, <div> since 2024;
# sub-headings are <h2 data-testid="Heading"> inside the article body. Everything else in the body
# container (inline images, "Sign up here." newsletter boxes, related coverage) has no such test id.
# The story elements around them (sub-headings, lists, quotes, tables: crawler/extract/body_rules.py) are
# read among the children of the paragraphs' container.
_PARAGRAPH = "starts-with(@data-testid, 'paragraph-')"
_BODY = story_children(
    [f"//*[*[self::p or self::div][{_PARAGRAPH}]]"], _PARAGRAPH, bold_heads=True, extra=f"self::div[{_PARAGRAPH}]"
)

# Before the 2021 redesign: <p class="Paragraph-paragraph-2Bgue ArticleBody-para-TD_9x"> (2020-21;
# the sign-off "Reporting by ...; Editing by ..." is a <p class="Attribution-...">), and
# <div class="StandardArticleBody_body"> with plain <p>s (up to 2019).
_BODY_LEGACY = "//p[contains(@class, 'ArticleBody-para')] | " + story_children(
    ["//div[contains(@class, 'StandardArticleBody_body')]"]
)

# Links to other sites end with a visually hidden "<span ...>, opens new tab</span>" for screen
# readers ("The <a>report<svg/><span>, opens new tab</span></a> by the Netherlands ...").
_NEW_TAB = re.compile(r"<span\b[^>]*>\s*,\s*opens new tab\s*</span>", re.IGNORECASE)


def drop_new_tab_note(value: Any) -> Any:
    """HTML of a paragraph -> the same without Reuters' hidden ", opens new tab" link notes."""
    return _NEW_TAB.sub("", value) if isinstance(value, str) else value


class ReutersLoader(ArticleLoader):
    article_body_in = MapCompose(drop_new_tab_note, p.html_to_text)


class ReutersSpider(NewsSpider):
    name = "reuters"
    allowed_domains = ["reuters.com"]
    default_base_url = "https://www.reuters.com"
    sitemap_urls = ["https://www.reuters.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml"]
    # https://www.reuters.com/<section>/<sub>/<slug>-2024-03-07/; before 2021
    # https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH
    article_url_re = r"reuters\.com/(?:(?:[\w-]+/)+[\w-]+-\d{4}-\d{2}-\d{2}/?|article/(?:[\w-]+/)?[\w-]+-id[A-Z0-9]{8,}/?)(?:[?#].*)?$"
    timezone = "UTC"
    language = "en"
    loader_class = ReutersLoader

    # Headline and dates: JSON-LD NewsArticle. Authors: JSON-LD "author" names (since 2024); the
    # 2023 JSON-LD gives them as {"byline": ...}, so <meta property="article:author">
    # ("Maya Gebeily,Anthony Deutsch") is the fallback.
    selectors = {
        "article_body": [_BODY, _BODY_LEGACY],
    }
