"""The Nation: articles from its news sitemap, sitemap index and RSS feed."""

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import has_class, story_children
from crawler.extract.fragments import drop_elements
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider


class TheNationLoader(ArticleLoader):
    # The 2023 layout nests promos inside story paragraphs:
    # <p>... <aside class="left indent indents related-oneup"><h4>Related Article</h4>...</aside></p>,
    # <aside class="... current-issue"><h4>Current Issue</h4>...</aside>
    article_body_in = MapCompose(drop_elements("aside"), p.html_to_text)


class TheNationSpider(NewsSpider):
    name = "thenation"
    allowed_domains = ["thenation.com"]
    default_base_url = "https://www.thenation.com"
    feed_urls = [
        "https://www.thenation.com/feed/?post_type=article",
    ]
    sitemap_urls = [
        "https://www.thenation.com/news-sitemap.xml",
    ]
    article_url_re = r"thenation\.com/article/[\w-]+/[\w-]+/?$"
    timezone = "America/New_York"
    language = "en"
    loader_class = TheNationLoader

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The <title>-like og:title and JSON-LD headline end in " | The Nation".
        "headline": ["h1.title ::text", ".article-title h1 ::text", "h1.article_title ::text"],
        "article_body": [
            # 2024 block editor: dek, then paragraphs and sub-headings (<h2 class="wp-block-heading">);
            # a newsletter CTA block's unclosed markup swallows the rest of the story, so its direct
            # <p> children are story too.
            # Story elements per crawler/extract/body_rules.py.
            "//*["
            + has_class("article-title__dek")
            + "]/p | "
            + story_children("article.blocks-wrapper, article.blocks-wrapper > div.cta"),
            # 2023: subtitle, then paragraphs and sub-headings (not the photo captions,
            # <p class="caption">).
            "//h2["
            + has_class("subtitle")
            + "] | "
            + story_children(".article-body-inner", "not(" + has_class("caption") + ")"),
        ],
    }
