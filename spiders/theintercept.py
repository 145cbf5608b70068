"""The Intercept: articles from its RSS feed and WordPress sitemaps."""

from crawler.extract.body_rules import has_class, story_children
from crawler.news_spider import NewsSpider


class TheInterceptSpider(NewsSpider):
    name = "theintercept"
    allowed_domains = ["theintercept.com"]
    default_base_url = "https://theintercept.com"
    feed_urls = [
        "https://theintercept.com/feed/?lang=en",
    ]
    sitemap_urls = [
        "https://theintercept.com/sitemap_index.xml",
    ]
    article_url_re = r"theintercept\.com/\d{4}/\d{2}/\d{2}/[\w-]+/?$"
    timezone = "America/New_York"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # 2024 (WordPress): excerpt, then paragraphs and chapter headings; newsletter embeds are <div>s;
            # quoted passages are <blockquote>s, embedded tweets/posts too (<blockquote class="twitter-tweet">).
            # Story elements per crawler/extract/body_rules.py.
            "//*[" + has_class("post__excerpt") + "] | " + story_children(".entry-content__content"),
            # 2023 (React): excerpt under the title, then the post content.
            # Photo captions and photo-grid texts are <p>s too.
            "//*["
            + has_class("Post-excerpt")
            + "] | "
            + story_children(
                ".PostContent > div", "not(" + has_class("caption") + " or " + has_class("PhotoGrid-description") + ")"
            ),
        ],
    }
    # Without JSON-LD, <meta property="article:author"> is the WordPress user who posted the story
    # ("aligharib"), not its writer: the byline's author links instead (2024, 2023 layouts).
    late_selectors = {
        "authors": [".article-byline a[rel='author']::text", ".PostByline a[rel='author'] [itemprop='name']::text"],
    }
