"""Browser rendering, in one place: ``BROWSER_*`` settings, the add-on wiring scrapy-playwright, spider helpers.

Most news pages are plain HTML and stay on Scrapy's HTTP downloader. A page goes through the
browser (Debian's chromium driven by scrapy-playwright) only when its request carries
``meta["playwright"] = True``, which :class:`crawler.news_spider.NewsSpider` sets according to the
site's ``use_browser`` (``"never"``, ``"fallback"``, ``"listings"``, ``"always"``) and for the
one-time fallback of an article page whose plain HTML lacks the story.

Settings (all optional)::

    BROWSER_ENABLED = True                 # False: never render, every page is fetched plainly
    BROWSER_EXECUTABLE = ""                # default: Debian's chromium (/usr/lib/chromium/chromium)
    BROWSER_HEADLESS = True
    BROWSER_ARGS = ["--disable-gpu", "--disable-dev-shm-usage"]
    BROWSER_JS_HEAP_MB = 512               # V8 heap cap per renderer (a runaway page crashes, not the host)
    BROWSER_MAX_PAGES = 4                  # pages open at once
    BROWSER_CONTEXT_PAGES = 100            # the browser context is replaced after this many pages (0: never)
    BROWSER_TIMEOUT = 30                   # seconds per page, navigation + scripts + reading the DOM
    BROWSER_SETTLE_TIMEOUT = 5             # seconds to wait for the story / listing links to be written
    BROWSER_LOAD_MORE_CLICKS = 3           # "load more" clicks on a listing
    BROWSER_BLOCK_RESOURCES = ["image", "font", "media"]

Explicit ``PLAYWRIGHT_*`` settings (project, spider or command line) win over the values derived
here. The download handler (:mod:`crawler.browser.handler`) starts Playwright and the browser on the
first browser request only: a crawl that never asks for one never starts one.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings

from crawler.extract.rules import is_xpath, select

if TYPE_CHECKING:
    from scrapy.http import Response, TextResponse

HANDLER = "crawler.browser.handler.LazyPlaywrightHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"
"""The binary of Debian's ``chromium`` package (``/usr/bin/chromium`` is a wrapper script around it)."""

USE_BROWSER_MODES = ("never", "fallback", "listings", "always")
META_BROWSER_FALLBACK = "news_browser_fallback"
"""Request meta key: this request is the one browser retry of a plain article response."""
META_BROWSER_KIND = "news_browser_kind"
"""Request meta key: ``"article"`` or ``"listing"`` for a browser request."""


def default_executable() -> str | None:
    """Debian's chromium binary, else the first ``chromium``/``chromium-browser`` on PATH, else None."""
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class BrowserConfig:
    """The ``BROWSER_*`` settings, read once."""

    enabled: bool
    executable: str | None
    headless: bool
    args: tuple[str, ...]
    js_heap_mb: int
    max_pages: int
    context_pages: int
    timeout: float
    settle_timeout: float
    load_more_clicks: int
    block_resources: frozenset[str]
    registered: bool
    """The add-on put our handler on http/https (it does not under a non-asyncio reactor, or reactorless)."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> BrowserConfig:
        """Settings -> config; defaults as in the module docstring."""
        args = settings.getlist("BROWSER_ARGS", ["--disable-gpu", "--disable-dev-shm-usage"])
        return cls(
            enabled=settings.getbool("BROWSER_ENABLED", True),
            executable=settings.get("BROWSER_EXECUTABLE") or default_executable(),
            headless=settings.getbool("BROWSER_HEADLESS", True),
            args=tuple(args),
            js_heap_mb=settings.getint("BROWSER_JS_HEAP_MB", 512),
            max_pages=max(1, settings.getint("BROWSER_MAX_PAGES", 4)),
            context_pages=max(0, settings.getint("BROWSER_CONTEXT_PAGES", 100)),
            timeout=settings.getfloat("BROWSER_TIMEOUT", 30.0),
            settle_timeout=settings.getfloat("BROWSER_SETTLE_TIMEOUT", 5.0),
            load_more_clicks=max(0, settings.getint("BROWSER_LOAD_MORE_CLICKS", 3)),
            block_resources=frozenset(settings.getlist("BROWSER_BLOCK_RESOURCES", ["image", "font", "media"])),
            registered=_object_path(settings.getdict("DOWNLOAD_HANDLERS").get("http")) == HANDLER,
        )

    @property
    def available(self) -> bool:
        """Enabled, our handler registered, and an executable browser is there."""
        return self.enabled and self.registered and bool(self.executable) and os.access(str(self.executable), os.X_OK)

    def launch_options(self) -> dict[str, Any]:
        """``PLAYWRIGHT_LAUNCH_OPTIONS`` for this config (Playwright adds ``--no-sandbox`` itself)."""
        args = list(self.args)
        if self.js_heap_mb > 0 and not any(a.startswith("--js-flags") for a in args):
            args.append(f"--js-flags=--max-old-space-size={self.js_heap_mb}")
        return {"executable_path": self.executable, "headless": self.headless, "args": args}


def _object_path(value: Any) -> str:
    """A class or its import path -> the import path."""
    if isinstance(value, str) or value is None:
        return value or ""
    return f"{value.__module__}.{value.__qualname__}"


def browser_config(settings: BaseSettings | None) -> BrowserConfig:
    """The config of a crawl's settings; no settings (a spider without a crawler): off."""
    if settings is None:
        return BrowserConfig.from_settings(BaseSettings({"BROWSER_ENABLED": False}))
    return BrowserConfig.from_settings(settings)


class BrowserAddon:
    """Registers the lazy scrapy-playwright handler for http/https and derives ``PLAYWRIGHT_*`` from ``BROWSER_*``."""

    def update_settings(self, settings: BaseSettings) -> None:
        config = BrowserConfig.from_settings(settings)
        if not config.enabled:
            return
        # scrapy-playwright needs Twisted's asyncio reactor (Scrapy's default); elsewhere, no browser.
        if not settings.getbool("TWISTED_REACTOR_ENABLED", True) or settings.get("TWISTED_REACTOR") != ASYNCIO_REACTOR:
            return
        handlers = settings["DOWNLOAD_HANDLERS"]
        for scheme in ("http", "https"):
            handlers.set(scheme, HANDLER, "addon")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", config.launch_options(), "addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", config.max_pages, "addon")
        # One context in use, plus one being retired (closed when its last page is done).
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", config.timeout * 1000, "addon")


# --- page methods (run in the browser after navigation; module-level so requests stay picklable) ---


_PSEUDO = re.compile(r"::(text|attr\([^)]*\))")


def browser_rules(rules: list[str] | str) -> list[dict[str, str]]:
    """Parsel rules -> rules the browser evaluates: ``{"css": ...}`` (``::text``/``::attr()`` dropped) or ``{"xpath": ...}``."""
    rules = [rules] if isinstance(rules, str) else rules
    return [{"xpath": r} if is_xpath(r) else {"css": _PSEUDO.sub("", r).strip()} for r in rules if r]


# The nodes a rule selects in the page (XPath 1.0 in the browser, as in parsel/lxml).
_NODES_JS = """(r) => {
    if (r.css) return Array.from(document.querySelectorAll(r.css));
    const snap = document.evaluate(r.xpath, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let i = 0; i < snap.snapshotLength; i++) out.push(snap.snapshotItem(i));
    return out;
}"""
_HAS_TEXT_JS = f"""(rules) => rules.some((r) => {{
    try {{ return ({_NODES_JS})(r).some((e) => (e.textContent || "").trim()); }} catch (e) {{ return false; }}
}})"""
_COUNT_JS = f"(r) => {{ try {{ return ({_NODES_JS})(r).length; }} catch (e) {{ return 0; }} }}"


async def wait_for_content(page: Any, rules: list[dict[str, str]], timeout_ms: float) -> bool:
    """Wait until one of ``rules`` selects something with text (the story / links written by the page's scripts).

    Returns False (and leaves the page as it is) when nothing appears in time.
    """
    from playwright.async_api import Error as PlaywrightError

    if not rules:
        return False
    try:
        await page.wait_for_function(_HAS_TEXT_JS, arg=rules, timeout=timeout_ms)
    except PlaywrightError:  # includes Playwright's TimeoutError
        return False
    return True


async def click_load_more(page: Any, button: str, links: dict[str, str], times: int, timeout_ms: float) -> int:
    """Click a listing's "load more" ``button`` (CSS) up to ``times`` times, each time waiting for more ``links``.

    Returns the number of clicks that brought new links; stops when the button is gone or nothing new comes.
    """
    from playwright.async_api import Error as PlaywrightError

    done = 0
    for _ in range(times):
        target = page.locator(button).first
        if not await target.count() or not await target.is_visible():
            break
        before = int(await page.evaluate(_COUNT_JS, links))
        try:
            await target.click(timeout=timeout_ms)
            await page.wait_for_function(f"(r) => ({_COUNT_JS})(r) > {before}", arg=links, timeout=timeout_ms)
        except PlaywrightError:  # includes Playwright's TimeoutError
            break
        done += 1
    return done


# --- spider side (NewsSpider's browser methods call these) --------------------------------------


def listing_meta(config: BrowserConfig, links: list[dict[str, str]], load_more: str) -> dict[str, Any]:
    """Meta rendering a listing: wait for its article links, click "load more" (``load_more`` CSS) if any."""
    from scrapy_playwright.page import PageMethod  # type: ignore[import-untyped]

    timeout_ms = config.settle_timeout * 1000
    methods: list[Any] = [PageMethod(wait_for_content, links, timeout_ms)]
    if load_more and links and config.load_more_clicks:
        methods.append(PageMethod(click_load_more, load_more, links[0], config.load_more_clicks, timeout_ms))
    return {"playwright": True, "playwright_page_methods": methods, META_BROWSER_KIND: "listing"}


def article_meta(config: BrowserConfig, body: list[dict[str, str]]) -> dict[str, Any]:
    """Meta rendering an article page: wait until the story's rules (``body``) select text."""
    from scrapy_playwright.page import PageMethod

    methods = [PageMethod(wait_for_content, body, config.settle_timeout * 1000)]
    return {"playwright": True, "playwright_page_methods": methods, META_BROWSER_KIND: "article"}


def rendered(response: Response) -> bool:
    """Was this response rendered by the browser (or is it already the browser retry)?"""
    return (
        "playwright" in response.flags
        or bool(response.meta.get("playwright"))
        or bool(response.meta.get(META_BROWSER_FALLBACK))
    )


def container_rules(body: list[str]) -> list[str]:
    """The body rules, then each CSS body rule minus its last step (where the story's container is)."""
    parents = []
    for rule in body:
        if is_xpath(rule):
            continue
        for part in _PSEUDO.sub("", rule).split(","):
            steps = part.split()
            if len(steps) > 1:
                parents.append(" ".join(steps[:-1]).rstrip(" >+~"))
    return body + parents


def _text(found: Any) -> str:
    out = []
    for sel in found:
        if isinstance(sel.root, str):  # ::text / ::attr() / text() results
            out.append(sel.root)
        else:
            out += sel.xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]").getall()
    return "".join(out).strip()


def empty_container(rules: list[str], response: TextResponse) -> bool:
    """The story's place is on the page but holds no text (the first of ``rules`` that matches)."""
    for rule in rules:
        found = select(response, rule)
        if found:
            return not _text(found)
    return False


def runs_scripts(response: TextResponse) -> bool:
    """Does the page carry any script (JSON-LD and other data blocks aside)? Without one, rendering changes nothing."""
    for kind in response.xpath("//script/@type").getall() + [""] * len(response.xpath("//script[not(@type)]")):
        kind = kind.strip().lower()
        if not kind or "javascript" in kind or "ecmascript" in kind or kind == "module":
            return True
    return False
