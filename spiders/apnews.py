"""AP News (apnews.com): articles listed in its Google News sitemap."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider

# The story body, as direct children of the story container, in page order:
#   2024 layout: <div class="RichTextStoryBody RichTextBody"> with <p> and <h2> sub-headings;
#   2023 layout: <div class="Article" data-key="article"> (React build, hashed class names).
# AP closes many stories with a "___" rule followed by a contributor note ("Peoples reported from
# New York ... contributed to this report."): the paragraph right after a rule is end matter, also when an ad <div> sits between the two. (The
# rule also separates the parts of multi-story roundups, so what follows later is kept.) Ads
# ("SovrnAd"), "RELATED COVERAGE" boxes and info boxes are <div>s, so selecting only <p>/<h2>
# children leaves them out; the rule itself has no letters and is dropped as empty.
# Lists, quotes, tables and h3/h4 heads of the story are read too (crawler/extract/body_rules.py).
_AFTER_RULE = "not(preceding-sibling::*[self::p or self::h2][1][normalize-space(.)='___'])"
_BODY = story_children(
    ["//div[contains(concat(' ', normalize-space(@class), ' '), ' RichTextStoryBody ') or @data-key='article']"],
    where=_AFTER_RULE,
)


class ApNewsSpider(NewsSpider):
    name = "apnews"
    allowed_domains = ["apnews.com"]
    default_base_url = "https://apnews.com"
    # The news sitemap (last two days), as listed in apnews.com/robots.txt.
    sitemap_urls = ["https://apnews.com/news-sitemap-content.xml"]
    # https://apnews.com/article/<slug>-<32 hex digits>
    article_url_re = r"apnews\.com/article/[\w-]+"
    # Brightspot writes <meta property="article:published_time" content="2024-09-03T04:03:19"> in
    # UTC without saying so (JSON-LD: "2024-09-03T04:03:19Z"); AP pages show no other date text.
    timezone = "UTC"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # end notes that are not always behind the "___" rule: "Follow AP's coverage of the
        # elections at https://apnews.com/hub/election-2024.", "The Associated Press receives support
        # from several private foundations ... AP is solely responsible for all content."
        ap_follow=r"^follow (the )?ap['’]?s\b.{0,200}$",
        ap_support=r"^the associated press receives (financial )?support from\b.{0,400}$",
    )

    # Headline and dates: JSON-LD NewsArticle (its headline is the story's, while <h1>/og:title
    # carry later SEO rewrites). Authors: the visible byline, since JSON-LD lists only some writers;
    # AP prints names in capitals ("By STEVE PEOPLES, THOMAS BEAUMONT and AMELIA THOMSON-DEVEAUX"),
    # kept as written.
    selectors = {
        "authors": [
            "div.Page-authors",  # 2024: "By STEVE PEOPLES, THOMAS BEAUMONT and ..."
            "div.CardHeadline [class*='Component-bylines']",  # 2023: "Associated Press"
        ],
        "article_body": [_BODY],
    }
