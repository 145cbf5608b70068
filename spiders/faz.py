"""Frankfurter Allgemeine (faz.net): articles from its RSS feed and news sitemap."""

from crawler.extract.body_rules import has_class, story_children
from crawler.news_spider import NewsSpider


class FAZSpider(NewsSpider):
    name = "faz"
    allowed_domains = ["faz.net"]
    default_base_url = "https://www.faz.net"
    feed_urls = [
        "https://www.faz.net/rss/aktuell/",
    ]
    sitemap_urls = [
        "https://www.faz.net/sitemaps/news.xml",
    ]
    article_url_re = r"faz\.net/[\w/-]+-\d{8,9}\.html"
    timezone = "Europe/Berlin"
    language = "de"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # og:title is the page's headline; the JSON-LD headline is often an SEO variant
        # ("Pendler sparen 60 Prozent bei Bus und Bahn" vs. "Pendler zahlen 60 Prozent weniger").
        "headline": ['meta[property="og:title"]::attr(content)', "h1"],
        # The 2023 layout's JSON-LD dates are Java strings ("Fri Apr 28 19:20:36 CEST 2023"):
        # the byline's <time datetime> has the ISO value.
        "date_published": ["time.atc-MetaTime::attr(datetime)"],
        "article_body": [
            # 2025 (Vue): teaser, then one <div data-external-selector="body-elements-container"> per story
            # element (paragraph, sub-heading, list...; "Mehr zum Thema" boxes are <aside>s there), found
            # by their data hooks; story elements per crawler/extract/body_rules.py.
            "//*[@data-external-selector='header-teaser'] | "
            + story_children(["//*[@data-external-selector='body-elements-container']"]),
            (
                "[data-external-selector=header-teaser], [data-external-selector=body-elements-paragraph],"
                " [data-external-selector=body-elements] h3"
            ),
            # 2024
            "//*[" + has_class("header-teaser") + "] | " + story_children(".body-elements"),
            # 2023 and before ("atc" = article content); the image caption also sits in .atc-Intro.
            "//*["
            + has_class("atc-Intro")
            + "]/p["
            + has_class("atc-IntroText")
            + "] | "
            + story_children(".atc-Text"),
        ],
    }
