"""CNBC (cnbc.com): articles listed in its news sitemap and its top-news RSS feeds."""

from crawler.extract.body_rules import HEADS, OWN_TEXT, story_children
from crawler.news_spider import NewsSpider

# <div data-module="ArticleBody"> holds the story as <div class="group"> runs of <p>, with
# <h2 class="ArticleBody-subtitle"> sub-headings between them. Its other children are junk left out
# by selecting only those two: the "Key Points" list sits above it, and inside it inline images
# (caption + "Getty Images" credit), "More from Ask an Advisor" related-content boxes (a
# <div class="group"> holding a <div>, no <p>), pull quotes (<blockquote data-test="Pullquote">
# repeating a paragraph), "watch now VIDEO 4:42" players and ad slots. Paragraphs with no text of
# their own are link lines and credits (<p><strong>Don't miss: </strong><a>...</a></p>,
# <p><em>Disclosure: NBCUniversal and Comcast Ventures are investors in Acorns.</em></p>).
# Inside the groups also lists, quoted passages, tables and bold-only heads without a link
# (crawler/extract/body_rules.py); sub-headings h2-h4.
_ARTICLE_BODY = "//div[@data-module='ArticleBody']"
_GROUP = _ARTICLE_BODY + "/div[contains(concat(' ', normalize-space(@class), ' '), ' group ')]"
_BODY = story_children([_GROUP], OWN_TEXT, bold_heads=True) + " | " + _ARTICLE_BODY + "/*[" + HEADS + "]"


class CnbcSpider(NewsSpider):
    name = "cnbc"
    allowed_domains = ["cnbc.com"]
    default_base_url = "https://www.cnbc.com"
    sitemap_urls = ["https://www.cnbc.com/sitemap_news.xml"]
    feed_urls = [
        # CNBC's RSS feeds by section id: Top News (100003114), World News (100727362), 10001147,
        # Economy (20910258).
        "https://search.cnbc.com/rs/search/combinedcms/view.xml?partnerId=wrss01&id=100003114",
        "https://search.cnbc.com/rs/search/combinedcms/view.xml?partnerId=wrss01&id=100727362",
        "https://search.cnbc.com/rs/search/combinedcms/view.xml?partnerId=wrss01&id=10001147",
        "https://search.cnbc.com/rs/search/combinedcms/view.xml?partnerId=wrss01&id=20910258",
    ]
    # https://www.cnbc.com/2023/04/28/<slug>.html
    article_url_re = r"cnbc\.com/\d{4}/\d{2}/\d{2}/[\w-]+\.html"
    timezone = "America/New_York"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # CNBC Make It link lines between paragraphs: "Don't miss: The best credit cards of 2023",
        # "Check out: ...", "Like this story? Subscribe to CNBC Make It on YouTube!"; CNBC Pro
        # teasers: "Subscribe to CNBC PRO for exclusive insights and analysis ..."
        cnbc_promo=r"^(don['’]t miss|check out)\s*:.{0,200}$|^like this story\?.{0,200}$"
        r"|^subscribe to cnbc pro\b.{0,200}$",
    )

    # Headline, authors and dates come from JSON-LD NewsArticle.
    selectors = {
        "article_body": [_BODY],
    }
