"""People's Daily Online (people.com.cn): articles from its RSS feeds."""

from crawler.news_spider import NewsSpider


class PeopleSpider(NewsSpider):
    name = "people"
    allowed_domains = ['people.com.cn']
    default_base_url = "https://www.people.com.cn"
    feed_urls = [
        'http://www.people.com.cn/rss/politics.xml',
        'http://www.people.com.cn/rss/world.xml',
    ]
    sitemap_urls = []
    article_url_re = r"people\.com\.cn/n1/\d{4}/\d{4}/c\d+-\d+\.html"
    timezone = "Asia/Shanghai"
    language = "zh"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            '.rm_txt_con > p',
        ],
    }
