"""BBC News (bbc.com / bbc.co.uk): articles listed in its RSS feeds and news sitemaps."""

from crawler.extract.body_rules import BOLD_HEAD, HEADS, NOT_EMBED, NOT_IN_PROMO
from crawler.news_spider import NewsSpider

# The article is a sequence of blocks, each a <div data-component="...">: "text-block" (<p>s, or
# a <ul> list), "subheadline-block" (an <h2>). Other blocks stay out: headline, byline, image and
# video blocks with captions and credits ("Getty Images"), "links-block" and "tags"/"tag-list-block"
# ("Recession GDP UK economy ..."), ad slots. A text-block list whose items are each just one link
# ("How the government raises and spends £1 trillion a year") is a related-stories list, not text.
#
# Paragraphs and list items need text of their own: a <p>/<li> that is only a link or only bold is
# a promo or a related link - except the bold summary opening the first text block
# (<p><b>The Office for Budget Responsibility (OBR) monitors ...</b></p>).
_BLOCK = "//article//div[@data-component='{}']"
# Embeds pasted into a text block (a tweet's <blockquote>, a <figure> with its caption, an <aside>)
# and newsletter/related/promo boxes there are not the story.
# Quoted passages (<blockquote> without an embed's class) are read whole, so their paragraphs are not
# read again on their own. Also read: sub-headings h2-h4, bold-only heads without a link, tables and
# preformatted text inside a text block (crawler/extract/body_rules.py).
_NOT_EMBED = "[not(ancestor::blockquote or ancestor::figure or ancestor::aside)][" + NOT_IN_PROMO + "]"
_TEXT = _BLOCK.format("text-block")
_BODY = " | ".join(
    [
        "(" + _TEXT + ")[1]//p[b]" + _NOT_EMBED,
        _TEXT + "//p[text()[normalize-space()] or " + BOLD_HEAD + "]" + _NOT_EMBED,
        _TEXT + "//li[text()[normalize-space()]]" + _NOT_EMBED,
        _TEXT + "//*[" + HEADS + " or self::table or self::pre]" + _NOT_EMBED,
        _TEXT + "//blockquote[" + NOT_EMBED + "]" + _NOT_EMBED,
        _BLOCK.format("subheadline-block"),
    ]
)
# Before the block layout (pages up to ~2020): <div class="story-body__inner"> with <p>, <h2> and
# <ul> children; figures, "Media playback is unsupported on your device" players and related-link
# boxes there are <figure>/<div>s.
_BODY_LEGACY = "div.story-body__inner > p, div.story-body__inner > h2, div.story-body__inner > ul > li"


class BbcSpider(NewsSpider):
    name = "bbc"
    # feeds.bbci.co.uk serves the RSS feeds.
    allowed_domains = ["bbc.com", "bbc.co.uk", "bbci.co.uk"]
    default_base_url = "https://www.bbc.com"
    feed_urls = [
        "https://feeds.bbci.co.uk/news/rss.xml",
        "https://feeds.bbci.co.uk/news/world/rss.xml",
        "https://feeds.bbci.co.uk/news/uk/rss.xml",
        "https://feeds.bbci.co.uk/news/business/rss.xml",
    ]
    sitemap_urls = ["https://www.bbc.com/sitemaps/https-index-com-news.xml"]
    # https://www.bbc.com/news/articles/clymn8zyrp9o, https://www.bbc.co.uk/news/explainers-63159607,
    # https://www.bbc.com/news/world-europe-68359756 (not /news/live/, /news/videos/, /news/topics/)
    article_url_re = r"bbc\.(?:com|co\.uk)/news/(?:articles/\w+|(?!live|videos|topics|av/)[\w-]+-\d{6,})"
    timezone = "Europe/London"
    language = "en"

    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # player placeholder left in old pages' text: "Media playback is unsupported on your device"
        bbc_media_playback=r"^media playback is (unsupported|not supported) on your device$",
        # regional sign-offs: "Follow BBC Sussex on Facebook, on X, and on Instagram. Send your
        # story ideas to southeasttoday@bbc.co.uk or WhatsApp us on 08081 002250."
        bbc_follow=r"^follow bbc\b.{0,300}$",
    )

    # Headline, authors and dates: JSON-LD NewsArticle.
    selectors = {
        "article_body": [_BODY, _BODY_LEGACY],
    }
