"""LBCI (lbcgroup.tv), Arabic edition: articles from the sitemaps its robots.txt lists."""

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import drop_link_lists
from crawler.extract.fragments import drop_elements
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider

# .LongDesc is one editor-written block: the story is its text runs and <div>s, and whatever the
# editor embedded sits inside it too (tweet/Instagram blockquotes, photos, video iframes, scripts,
# "related" and newsletter boxes). Those go before the block becomes paragraphs.
NOT_STORY_CSS = (
    "blockquote.twitter-tweet", "blockquote.instagram-media", "blockquote.tiktok-embed",
    "figure", "figcaption", "iframe", "video", "script", "style", "noscript", "form", "aside",
    "[class*=embed]", "[class*=related]", "[class*=newsletter]",
)  # fmt: skip


class LBCGroupLoader(ArticleLoader):
    # A list of links only is a related box: <ul><li><a>other story</a></li>...</ul>.
    article_body_in = MapCompose(drop_elements(*NOT_STORY_CSS), drop_link_lists, p.html_to_text)


class LBCGroupSpider(NewsSpider):
    name = "lbcgroup"
    allowed_domains = ["lbcgroup.tv"]
    default_base_url = "https://www.lbcgroup.tv"
    feed_urls = []
    sitemap_urls = [
        "https://www.lbcgroup.tv/robots.txt",
    ]
    article_url_re = r"lbcgroup\.tv/news/[\w-]+/\d+/"
    timezone = "Asia/Beirut"
    language = "ar"
    loader_class = LBCGroupLoader

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The visible <h1> quotes its first words ("\"شعر وردي يُشعل السخرية\"… لغز ...");
        # og:title is the plain headline.
        "headline": ['meta[property="og:title"]::attr(content)'],
        # ASP.NET page: lead (ShortDesc, often empty) then the story (LongDesc, <div>/<br> paragraphs).
        "article_body": [".ShortDesc, .LongDesc"],
    }
