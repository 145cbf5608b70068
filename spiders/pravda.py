"""Ukrainska Pravda, Russian edition: articles from its RSS feed."""

from crawler.extract.body_rules import story_children
from crawler.extract.boilerplate import Rules
from crawler.news_spider import NewsSpider


class PravdaSpider(NewsSpider):
    name = "pravda"
    allowed_domains = ["pravda.com.ua"]
    default_base_url = "https://www.pravda.com.ua"
    feed_urls = [
        "https://www.pravda.com.ua/rus/rss/",
    ]
    sitemap_urls = []
    article_url_re = r"pravda\.com\.ua/(?:rus/|eng/)?(?:articles|news|columns)/\d{4}/\d{2}/\d{2}/\d+/?"
    timezone = "Europe/Kyiv"
    language = "ru"
    boilerplate_rules: Rules = NewsSpider.boilerplate_rules.extend(
        # In-story links to other articles, Russian and Ukrainian editions:
        # "Читайте также на эту тему: ...", "Читайте більше у статті: ..."
        read_also=r"^Читайте (?:также|тоже|больше|також|більше)\b.{0,240}$",
    )

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The visible byline names every writer (one .post_author_name each), as JSON-LD does.
        "authors": [".post_article_author .post_author_name::text"],
        "article_body": [
            # Paragraphs and sub-headings; a last paragraph all in bold-italic is the authors' signature:
            # <p><strong><em>Ярослав Кузишин, Антон Зелинский, Карина Гасимова</em></strong></p>
            # Articles/columns ("post_article_*") and news ("post_news_*", as .post_news_tags here).
            # Lists, quotes, tables and h4 heads of the story too (crawler/extract/body_rules.py).
            story_children(
                ['//div[contains(@class, "post_article_text") or contains(@class, "post_news_text")]'],
                where="not(position() = last() and strong and normalize-space(.) = normalize-space(strong))",
            ),
        ],
    }
