"""Generic extraction, the story: trafilatura's main content, the page's own blocks matched to JSON-LD
``articleBody``, story HTML in inline script data, then :func:`trim_story`."""

from __future__ import annotations

from crawler.items import Provenance

JSONLD = Provenance.JSONLD.value

import html as html_lib
import json
import logging
import re
import weakref
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from copy import deepcopy
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract import clean as processors
from crawler.extract.generic.common import GENERIC, block_text, norm_text, per_page, text_index, text_key
from crawler.extract.generic.headline import title_variants

logger = logging.getLogger(__name__)

# Blocks of the page that can hold one paragraph of a story, for matching against articleBody.
_TEXT_BLOCKS = etree.XPath(
    "//body//*[self::p or self::h2 or self::h3 or self::h4 or self::li or self::blockquote or self::pre]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_BLOCK_NAMES = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre", "div", "ul", "ol", "table"})
_MARKDOWN_LINK = re.compile(r"\]\((?:https?:)?//[^)\s]*\)|https?://\S+")
# Posts embedded from social platforms (the classes are the platforms' own embed code): quoted, not the story.
_EMBEDS = etree.XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'twitter-video') or "
    "contains(@class, 'instagram-media') or contains(@class, 'tiktok-embed')]"
)
_MIN_MATCH_CHARS = 12
"""A block shorter than this is not matched against articleBody (a word like "Politics" occurs anywhere)."""
_LD_COVERAGE = 0.8
"""Share of articleBody's text the matched blocks must cover to be used as the body."""


_MAIN_CONTENT: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()
"""trafilatura's paragraphs per parsed page: the generic spider asks twice (is it an article? its body)."""


def trafilatura_paragraphs(root: Any, url: str | None = None) -> list[str]:
    """lxml tree of a page -> the main content's paragraphs (and sub-headings) via trafilatura; [] if none."""
    try:
        return list(_MAIN_CONTENT[root])
    except (KeyError, TypeError):
        pass
    paragraphs = _trafilatura_paragraphs(root, url)
    try:
        _MAIN_CONTENT[root] = paragraphs
    except TypeError:
        pass
    return list(paragraphs)


_PRUNE = ["//comment()", "//processing-instruction()"]
"""Nodes trafilatura drops from its own copy of our tree (its own parser never keeps them)."""


_READABILITY: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
"""The readability summary trafilatura computed during the precision run, per parsed page (when it computed one)."""
_READABILITY_SINK: ContextVar[list[Any] | None] = ContextVar("byline_readability_sink", default=None)


def _trafilatura_paragraphs(root: Any, url: str | None) -> list[str]:
    # trafilatura's defaults (tables kept: rows of a story's table), formatting kept (sub-headings come back as heads).
    sink: list[Any] = []
    token = _READABILITY_SINK.set(sink if _tap_readability() else None)
    try:
        paragraphs = run_trafilatura(root, url, include_tables=True, include_formatting=True)
    finally:
        _READABILITY_SINK.reset(token)
    if sink:
        try:
            _READABILITY[root] = sink[0]
        except TypeError:
            pass
    return paragraphs


def trafilatura_readability(root: Any) -> tuple[bool, Any]:
    """The readability summary trafilatura's precision run computed on the page (its stage comparing itself
    with readability): ``(True, element)`` when it computed one, ``(False, None)`` when it did not (it stopped
    earlier, or the run was not watched)."""
    try:
        return True, _READABILITY[root]
    except (KeyError, TypeError):
        return False, None


def _tap_readability() -> bool:
    """Watch the readability summary trafilatura computes anyway (``trafilatura.external.try_readability``)
    so that the body vote need not run readability a second time on the same page. False when this
    trafilatura has no such function (the vote then runs readability-lxml itself)."""
    try:
        from trafilatura import external
    except ImportError:  # pragma: no cover
        return False
    original = getattr(external, "try_readability", None)
    if original is None:  # pragma: no cover - another trafilatura version
        return False
    if getattr(original, "_byline_tap", False):
        return True

    def try_readability(htmlinput: Any) -> Any:
        result = original(htmlinput)
        sink = _READABILITY_SINK.get()
        if sink is not None and not sink:  # the main stage's call; a recall retry may call again
            sink.append(deepcopy(result))  # trafilatura may go on to rewrite the summary it chose
        return result

    try_readability._byline_tap = True  # type: ignore[attr-defined]
    external.try_readability = try_readability
    return True


def run_trafilatura(root: Any, url: str | None, **options: Any) -> list[str]:
    """trafilatura on the page's tree with ``options`` (``favor_recall``, ``include_tables``...) -> paragraphs; [] if none."""
    from trafilatura import bare_extraction

    root = without_control_chars(root)
    # Our tree comes from the response's selector, which keeps comments; React pages write text as
    # "borrowing costs <!-- -->are" and trafilatura drops what follows a comment. trafilatura copies the
    # tree it is given and prunes ``prune_xpath`` on that copy (keeping the text after a comment), so the
    # response's tree stays untouched and the page is copied once, as trafilatura alone would parse it once.
    try:
        doc = bare_extraction(
            root,
            url=url,
            include_comments=False,
            with_metadata=False,
            prune_xpath=_PRUNE,
            output_format="xml",  # any format but "python": the body tree only, without its text rendering
            **options,
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:  # trafilatura raises on odd trees
        logger.debug("trafilatura (%s) failed on %s: %s", options, url, exc)
        return []
    body = getattr(doc, "body", None) if doc is not None else None
    if body is None:
        return []
    out: list[str] = []
    for el in body:
        for block in _blocks(el):
            out += [t for t in (norm_text(line) for line in _lines(block)) if t]
    return _drop_embeds(out, root)


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_TABLE = dict.fromkeys(range(32), None) | {9: 9, 10: 10, 13: 13}
_CLEANED: weakref.WeakKeyDictionary[Any, Any | None] = weakref.WeakKeyDictionary()


def without_control_chars(root: Any) -> Any:
    """The page's tree, or a copy of it without C0 control characters ("WWF\\x07 (2020)") when it has any:
    trafilatura discards the whole page on them (its own parser strips them from the string it reads)."""
    try:
        found = _CLEANED[root]
        return root if found is None else found
    except (KeyError, TypeError):
        pass
    if not _CONTROL_CHARS.search(text_index(root).text):
        try:
            _CLEANED[root] = None  # the same page is checked once (precision and recall runs)
        except TypeError:
            pass
        return root
    clean = deepcopy(root)
    for el in clean.iter():
        if el.text:
            el.text = el.text.translate(_CONTROL_TABLE)
        if el.tail:
            el.tail = el.tail.translate(_CONTROL_TABLE)
    try:
        _CLEANED[root] = clean
    except TypeError:
        pass
    return clean


# trafilatura's own block names, and the page's HTML ones it returns from its fallback extractors.
_OUT_BLOCKS = ("p", "head", "item", "quote", "code", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


def _blocks(el: Any) -> list[Any]:
    """An element of trafilatura's output -> its paragraph blocks: a table's rows; list items; the innermost
    blocks of a container (a fallback extractor returns the page's own ``<div>`` with its ``<p>``); else itself."""
    if el.tag in _OUT_BLOCKS and el.tag not in ("quote", "blockquote"):
        return [el]
    if el.tag == "table":  # every row, also those whose cells hold paragraphs
        return [row for row in el.iter("row") if next(row.iterancestors("row"), None) is None] or [el]
    inner = [b for b in el.iterdescendants(*_OUT_BLOCKS) if next(b.iterdescendants(*_OUT_BLOCKS), None) is None]
    return inner or [el]


_LINE_BREAK = "\u2029"


def _lines(el: Any) -> list[str]:
    """A trafilatura output block -> its text split at its line breaks (``<lb/>``: the page's ``<br>``).

    Pages that separate paragraphs with ``<br><br>`` inside one element give one block with breaks.
    """
    if el.tag == "row":  # one line, its cells joined as crawler.extract.clean.html_to_text joins a row's
        return [" · ".join(t for c in el.iterchildren("cell") if (t := norm_text("".join(c.itertext()))))]
    if el.find(".//lb") is None:
        return ["".join(el.itertext())]
    parts: list[str] = []

    def walk(e: Any) -> None:
        if e.tag == "lb":
            parts.append(_LINE_BREAK)
        elif e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts).split(_LINE_BREAK)


def _drop_embeds(paragraphs: list[str], root: Any) -> list[str]:
    """Main-content paragraphs -> without those that are the text of a post embedded from a social platform.

    Removed after extraction rather than before: a shorter page makes trafilatura retry in recall mode.
    """
    # Compared without spaces: a <br> inside the post joins words in one text and not in the other.
    embeds = [k.replace(" ", "") for el in _EMBEDS(root) if (k := text_key(block_text(el)))]
    if not embeds:
        return paragraphs
    out = []
    for text in paragraphs:
        k = text_key(text).replace(" ", "")
        if k and any(k == e or (len(k) >= _MIN_MATCH_CHARS and k in e) for e in embeds):
            continue
        out.append(text)
    return out


def article_body_paragraphs(root: Any, article_body: str | None) -> list[str] | None:
    """The page's text blocks that JSON-LD ``articleBody`` contains, in page order; None when they do not cover it."""
    if not article_body:
        return None
    text = html_lib.unescape(article_body)
    if "<" in text and ">" in text:
        text = " ".join(processors.html_to_text(text) or [])
    # Some CMSs write articleBody as Markdown: "[the pandemic](https://site/tag/covid)", "+++dropcap".
    text = _MARKDOWN_LINK.sub("", text)
    ref = text_key(text)
    if len(ref) < 200:
        return None
    chosen: list[Any] = []
    for el in _TEXT_BLOCKS(root):
        # The innermost block holding the text: skip a block whose child blocks will be visited.
        if any(isinstance(c.tag, str) and c.tag in _BLOCK_NAMES for c in el.iterdescendants()):
            continue
        t = block_text(el)
        k = text_key(t)
        if len(k) < _MIN_MATCH_CHARS or k not in ref:
            continue
        if chosen and any(a is el for a in chosen[-1].iterancestors()):
            continue
        chosen.append(el)
    paragraphs: list[str] = []
    seen: set[str] = set()
    covered = 0
    for el in chosen:
        t = block_text(el)
        k = text_key(t)
        if k in seen:  # the same paragraph in a teaser, a print version, a slideshow
            continue
        seen.add(k)
        covered += len(k)
        paragraphs.append(t)
    if covered < _LD_COVERAGE * len(ref) or _story_goes_on(chosen[-1], ref):
        return None
    return paragraphs


def _story_goes_on(last: Any, ref: str) -> bool:
    """After the last block articleBody contains, do more long paragraphs follow in the same container?

    Paywalled sites cut articleBody to a teaser: the page (or its trafilatura extract) has the rest.
    """
    more = 0
    for sibling in last.itersiblings():
        if isinstance(sibling.tag, str) and sibling.tag == "p":
            k = text_key(block_text(sibling))
            if len(k) >= 80 and k not in ref:
                more += 1
                if more >= 2:
                    return True
    return False


def body_paragraphs(
    root: Any,
    url: str | None = None,
    article_body: str | None = None,
    titles: Sequence[str] = (),
    authors: Sequence[str] = (),
) -> tuple[str, list[str]]:
    """The story's paragraphs: ``(source, paragraphs)``, source ``jsonld`` or ``generic``, cleaned by :func:`trim_story`."""
    teasers = link_teasers(root, url) | caption_keys(root)
    from_ld = article_body_paragraphs(root, article_body)
    if from_ld:
        return JSONLD, trim_story([p for p in from_ld if text_key(p) not in teasers], titles, authors)
    paragraphs = trafilatura_paragraphs(root, url)
    if sum(len(p) for p in paragraphs) < _SHORT_BODY:
        embedded = script_html_paragraphs(root)
        if sum(len(p) for p in embedded) > sum(len(p) for p in paragraphs):
            paragraphs = embedded
    if teasers:
        paragraphs = [p for p in paragraphs if text_key(p) not in teasers]
    return GENERIC, trim_story(paragraphs, titles, authors)


_TEASER_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})


def _linked_blocks(root: Any) -> list[Any]:
    """The paragraphs and headings holding a link, in page order."""
    found: dict[Any, None] = {}
    for a in root.iter("a"):
        if a.get("href") is None:
            continue
        for anc in a.iterancestors():
            if anc.tag in _TEASER_BLOCKS:
                found[anc] = None
            elif anc.tag == "body":
                break
    return list(found)


_LINKS = etree.XPath(".//a[@href]")


@per_page
def link_teasers(root: Any, url: str | None = None) -> frozenset[str]:
    """Keys of the page's paragraphs and headings whose whole text is a link to another page: a teaser of another
    story ("2 RESIDENTS ARRESTED AT SECRET POLICE STATION", "CLICK HERE TO GET THE APP") set between the story's
    paragraphs, not a sentence of it. A link to the page itself (its own title), to an e-mail address or phone,
    or whose text is the address it points to (a cited source) is no teaser."""
    own = _page_path(url) if url else None
    out: set[str] = set()
    for el in _linked_blocks(root):
        key = text_key(block_text(el))
        if not key or _URL_TEXT.match(key):
            continue
        links = [a for a in _LINKS(el) if not a.get("href", "").lstrip().lower().startswith(_NOT_A_PAGE)]
        if not links or text_key(" ".join(block_text(a) for a in links)) != key:
            continue
        if own and any(_page_path(urljoin(url or "", a.get("href", "").strip())) == own for a in links):
            continue
        out.add(key)
    return frozenset(out)


_CAPTIONS_DOM = etree.XPath(
    "//body//figcaption | //body//*[contains(@class, 'caption') or contains(@class, 'Caption')]"
    "[not(self::body or self::main or self::article)]"
)
_CAPTION_PARTS = etree.XPath(".//p | .//span | .//div")
_CAPTION_MAX = 600


@per_page
def caption_keys(root: Any) -> frozenset[str]:
    """Keys of the page's picture captions and credits (``<figcaption>``, an element classed ``caption``) and
    of their parts: a caption read as a paragraph of the story ("Фото: ...", "The victim, 19, ...") is not one."""
    out: set[str] = set()
    for el in _CAPTIONS_DOM(root):
        if el.tag != "figcaption" and "caption" not in el.get("class", "").lower():
            continue
        if len(block_text(el)) > _CAPTION_MAX:
            continue  # a container classed "with-caption" that holds the story, not a caption
        for part in (el, *_CAPTION_PARTS(el)):
            if k := text_key(block_text(part)):
                out.add(k)
    return frozenset(out)


_NOT_A_PAGE = ("#", "javascript:", "mailto:", "tel:")
_URL_TEXT = re.compile(r"(?:https?|www)\b")


def _page_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}"


_SHORT_BODY = 300
"""Below this many characters of main content, look for the story in the page's scripts."""
# A JSON/JS string literal of some length inside an inline script.
_JS_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')  # unrolled: one pass, no backtracking
_MIN_JS_STRING = 300
# An HTML paragraph inside script data, however the "<" is escaped: "<p>", "\u003cp\u003e", "\x3cbr".
_HTML_IN_SCRIPT = re.compile(r"(?:<|u003[cC]|x3[cC])(?:p[\s>\\]|br\b)")
_HTML_PARAGRAPH = re.compile(r"<p[\s>]|<br\s*/?>", re.IGNORECASE)
_SCRIPTS = etree.XPath("//script[not(@src)]/text()")


def script_html_paragraphs(root: Any) -> list[str]:
    """Client-rendered pages: the longest HTML string in the inline scripts' data -> its paragraphs; [] if none.

    Sites built with JavaScript frameworks ship the story as HTML inside a data blob
    (``{"contentHtml": "\\u003cp\\u003e..."}``), sometimes JSON inside a JSON string, and
    render it in the browser.
    """
    candidates: list[tuple[int, str]] = []
    for script in _SCRIPTS(root):
        if len(script) < 500 or not _HTML_IN_SCRIPT.search(script):
            continue
        for value in _js_strings(script, depth=2):
            if not value.lstrip().startswith("<") or len(_HTML_PARAGRAPH.findall(value)) < 2:
                continue
            # Ranked by their text length without tags (cheap); only the longest is turned into paragraphs.
            html = _CAPTIONS.sub("", value)
            candidates.append((len(_TAG.sub("", html).strip()), html))
    for _, html in sorted(candidates, key=lambda c: -c[0]):
        paragraphs = [p for p in processors.html_to_text(html) or [] if not _PLACEHOLDER.fullmatch(p)]
        if paragraphs:
            return paragraphs
    return []


_TAG = re.compile(r"<[^>]*>")
_CAPTIONS = re.compile(r"<(figure|figcaption)\b.*?</\1>|<div class=\"caption\".*?</div>", re.DOTALL | re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\$\$\w+\$\$|\W*")  # "$$ARTICLEAD$$": where the site inserts an ad


def _js_strings(text: str, depth: int) -> Iterable[str]:
    """The long string literals of a script, decoded; and those inside them (JSON in a JSON string)."""
    for m in _JS_STRING.finditer(text):
        if len(m.group(1)) < _MIN_JS_STRING:
            continue
        try:
            value = json.loads(f'"{m.group(1)}"')
        except ValueError:
            continue
        yield value
        if depth > 1 and '"' in value:
            yield from _js_strings(value, depth - 1)


# The line that starts what follows a story: related links, comments, "more from" lists.
_STORY_END = re.compile(
    r"^(?:more from\b.{0,60}|more (?:stories|news|articles|coverage) (?:from|on|about)\b.{0,60}|"
    r"related (?:articles|stories|coverage|content|reading)|read next|recommended(?: for you| stories)?|"
    r"you (?:may|might) also (?:like|be interested in)|comments?(?: \(\d+\))?|\d+ comments?|"
    r"join (?:our commenting forum|the conversation|the discussion)|leave a comment|most (?:read|popular|viewed))"
    r"\s*:?$",
    re.IGNORECASE,
)
# The same headings in the languages of our development pages: "Notas relacionadas", "À lire aussi", "Auch interessant".
_STORY_END_INTL = re.compile(
    r"^(?:(?:contenidos?|notas?|noticias?|art[ií]culos?) relacionad[oa]s|te puede interesar|le puede interesar|"
    r"(?:à )?lire aussi|sur le même sujet|auch interessant|das könnte (?:sie|dich) auch interessieren|"
    r"mehr zum thema|schon gelesen\??|leia (?:também|mais)|veja também|leggi anche|czytaj (?:też|także)|"
    r"zobacz (?:też|także)|lees ook)\s*:?$",
    re.IGNORECASE,
)
# A line that only points to another story: "Lea también: <title>", "VEA TAMBIÉN: <title>", "Lesen Sie auch: <title>".
_TEASER_LINE = re.compile(
    r"^(?:lea (?:también|más)|lee (?:también|más)|mire|mira|vea también|ver también|puedes ver|te puede interesar|"
    r"le puede interesar|(?:à )?lire aussi|voir aussi|lesen sie auch|auch interessant|mehr zum thema|siehe auch|"
    r"leia (?:também|mais)|veja também|leggi anche|czytaj (?:też|także)|zobacz (?:też|także)|lees ook)\s*:\s*\S.{0,200}$",
    re.IGNORECASE,
)
# A line asking the reader to subscribe or follow the outlet, not the story: "Follow The Gleaner on Twitter and
# Instagram @JamaicaGleaner", "Síguenos en Telegram, Instagram...", "To view the full story, please subscribe".
_PLATFORMS = r"(?:twitter|facebook|instagram|telegram|whatsapp|youtube|tiktok|linkedin|google news)"
_PROMO_LINE = re.compile(
    r"^(?:(?:follow|join)\b.{0,40}\bon " + _PLATFORMS + r"|(?:síguenos|siguenos|suivez-nous|folgen sie uns|"
    r"folge uns|seguici)\b.{0,20}\b(?:en|sur|auf|su) " + _PLATFORMS + r"|"
    r"(?:to (?:view|read) the (?:full|rest of the) (?:story|article)|subscribe (?:now|today)\b.{0,60}\bfull "
    r"(?:story|article)))\b.{0,200}$",
    re.IGNORECASE,
)
# Sentence-final punctuation in the scripts of our sites (Latin, CJK, Arabic, Devanagari...).
_SENTENCE_END = re.compile(r"[.!?…。！？؟।\"'”’»)\]]\s*$")
_SHORT_LINE = 20
_TAG_LINE = 40
_TEASER_MAX = 60
"""Lines after a "Related" heading shorter than this, or without sentence punctuation, are teaser titles."""


def trim_story(paragraphs: Sequence[str], titles: Sequence[str] = (), authors: Sequence[str] = ()) -> list[str]:
    """A main-content extract -> the story only.

    - leading lines that repeat the headline (any of the page's titles) or only name the authors;
    - everything from a "More from ...", "Related articles", "Comments" line on (after the story began);
    - lines that only point to another story ("Lea también: <title>", "Lesen Sie auch: <title>"), and the titles
      under a "Notas relacionadas", "Auch interessant" heading (up to the next sentence of the story);
    - lines asking the reader to follow the outlet on a platform or to subscribe for the full story;
    - short trailing lines without sentence punctuation ("Share", "Comments", "关注").
    """
    drop_keys = {k for t in titles for v in title_variants(t) if (k := text_key(v))}
    author_keys = {text_key(a) for a in authors if a} | {text_key(" ".join(authors))} if authors else set()
    out: list[str] = []
    teasers = False
    for i, text in enumerate(paragraphs):
        if not any(ch.isalnum() for ch in text):
            continue
        if not out and i < 4 and ((k := text_key(text)) in drop_keys or k in author_keys):
            continue
        if len(out) >= 2 and _STORY_END.match(text.strip()):
            break
        if _TEASER_LINE.match(text.strip()) or _PROMO_LINE.match(text.strip()):
            continue
        if _STORY_END_INTL.match(text.strip()):
            # Also a box of teasers inside the story: its titles are dropped, the story's next sentence resumes.
            teasers = True
            continue
        if teasers:
            if len(text) < _TEASER_MAX or not _SENTENCE_END.search(text):
                continue
            teasers = False
        out.append(text)
    # Trailing labels: one shorter than _SHORT_LINE ("Share", "关注"), or a run of tags ("Unión Europea",
    # "Ursula von der Leyen") shorter than _TAG_LINE each.
    run = 0
    while run < len(out) and len(out[-1 - run]) < _TAG_LINE and not _SENTENCE_END.search(out[-1 - run]):
        run += 1
    if run >= 2:
        del out[-run:]
    while out and (
        len(out[-1]) < _SHORT_LINE
        and not _SENTENCE_END.search(out[-1])
        or len(out[-1]) < _SIGNATURE_MAX
        and _EMAIL.search(out[-1])
        or _PAYWALL_LINE.search(out[-1])
    ):
        out.pop()
    # Credit lines among the last ones: "Reporting by ...; Editing by ...", "Additional reporting from PA".
    tail = len(out) - _CREDIT_TAIL
    out = [t for i, t in enumerate(out) if i < tail or not _CREDIT_LINE.search(t)]
    return _without_pull_quotes(out)


def _without_pull_quotes(paragraphs: list[str]) -> list[str]:
    """Short paragraphs that repeat a sentence of another paragraph word for word: pull quotes set in the story."""
    keys = [text_key(t) for t in paragraphs]
    out = []
    for i, (text, key) in enumerate(zip(paragraphs, keys, strict=True)):
        if _PULL_QUOTE_MIN <= len(key) <= _PULL_QUOTE_MAX and any(
            j != i and len(other) > len(key) + 20 and key in other for j, other in enumerate(keys)
        ):
            continue
        out.append(text)
    return out


_PULL_QUOTE_MIN = 30
_PULL_QUOTE_MAX = 300
_SIGNATURE_MAX = 80
"""A last line this short with an e-mail address is the writer's signature ("Jane Doe jdoe@paper.example")."""
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# A last line telling the reader the rest is for subscribers ("Il vous reste 57% de cet article à lire...").
_PAYWALL_LINE = re.compile(
    r"r[ée]serv[ée]e? aux abonn[ée]s|(?:reserved|available) (?:for|to) (?:paying )?subscribers|"
    r"for subscribers only|nur für abonnenten|exclusivo para (?:suscriptores|assinantes)|riservato agli abbonati",
    re.IGNORECASE,
)
_CREDIT_TAIL = 3
_CREDIT_LINE = re.compile(
    r"^\(?(?:additional )?reporting (?:by|from)\b|^(?:writing|editing|compiled|produced) by\b|"
    r"\bcontributed (?:to )?(?:this )?report(?:ing)?\b|^[\w.' -]{2,60} reported from [\w ,.'-]{2,60}\.",
    re.IGNORECASE,
)
