"""People's Daily Online (people.com.cn): articles from its RSS feeds."""

import re

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import story_children
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider


def strip_editor_label(value: str) -> str:
    """``(责编：牛镛、岳弘彬)`` -> ``牛镛、岳弘彬`` (the names, split later on "、")."""
    return re.sub(r"^\s*[(（]?\s*责编\s*[:：]\s*|\s*[)）]\s*$", "", value)


class PeopleLoader(ArticleLoader):
    authors_in = MapCompose(p.clean_text, strip_editor_label, p.split_names)


class PeopleSpider(NewsSpider):
    name = "people"
    allowed_domains = ["people.com.cn"]
    default_base_url = "https://www.people.com.cn"
    feed_urls = [
        "http://www.people.com.cn/rss/politics.xml",
        "http://www.people.com.cn/rss/world.xml",
    ]
    sitemap_urls = []
    article_url_re = r"people\.com\.cn/n1/\d{4}/\d{4}/c\d+-\d+\.html"
    timezone = "Asia/Shanghai"
    language = "zh"
    loader_class = PeopleLoader

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The whole <h1> (its text nodes would each be a value, and only the first is kept).
        "headline": ["h1:not(.cf)", "h1"],
        # No byline: the only people credited are the responsible editors, "(责编：牛镛、岳弘彬)".
        "authors": ['//div[contains(@class, "edit")][contains(., "责编")]/text()'],
        "article_body": [
            # The story's <p>s; the last one is the share widget ("分享让更多人看到").
            # (with the story's lists, quotes, tables and sub-headings: crawler/extract/body_rules.py)
            story_children(".rm_txt_con", "not(contains(concat(' ', normalize-space(@class), ' '), ' paper_num '))"),
        ],
    }
