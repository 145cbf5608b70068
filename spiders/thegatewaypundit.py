"""The Gateway Pundit (thegatewaypundit.com): its news sitemap and RSS feed (WordPress)."""

from crawler.news_spider import NewsSpider

# The story is the <p> children of <div class="entry-content"> (and the <p>s of quoted
# <blockquote>s). Left out:
# - photo paragraphs, an <img> with its caption in <em> ("Bryan Kohberger enters Idaho courtroom"),
#   and <figure class="wp-caption"> (2026);
# - embedded tweets (<blockquote class="twitter-tweet">) and embedded posts of the site itself
#   (<blockquote class="wp-embedded-content">), share bars, ad blocks, polls (all <div>s).
_CONTENT = "//div[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"
_BODY = (
    _CONTENT + "/*[self::p or self::h2 or self::h3][not(.//img) and not(.//script)]"
    " | " + _CONTENT + "/blockquote[not(contains(@class, 'twitter-tweet'))"
    " and not(contains(@class, 'wp-embedded-content')) and not(contains(@class, 'instagram-media'))]/p"
)


class TheGatewayPunditSpider(NewsSpider):
    name = "thegatewaypundit"
    allowed_domains = ["thegatewaypundit.com"]
    default_base_url = "https://www.thegatewaypundit.com"
    sitemap_urls = ["https://www.thegatewaypundit.com/news-sitemap.xml"]
    feed_urls = ["https://www.thegatewaypundit.com/feed/"]
    # https://www.thegatewaypundit.com/2026/07/<slug>/
    article_url_re = r"thegatewaypundit\.com/\d{4}/\d{2}/[\w-]+"
    timezone = "America/Chicago"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # links to documents: "Click here to read the probable cause affidavit and read through ..."
        tgp_click_here=r"^click here\b.{0,200}$",
        # lead-ins to an embedded video: "Watch: Kiev overrun by protesting crowds.", "WATCH:"
        tgp_watch=r"^watch\b[^:]{0,20}:.{0,160}$",
    )

    # Headline: og:title without " | The Gateway Pundit"; authors: JSON-LD; dates:
    # article:published_time / JSON-LD.
    selectors = {
        "article_body": [_BODY],
    }
