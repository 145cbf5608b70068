"""scrapy-playwright's download handler, made lazy and bounded for news crawls.

* Playwright (its driver process) and chromium start on the first request with ``meta["playwright"]``;
  the stock handler starts the driver when the engine starts, in every crawl.
* Each browser page gets an overall deadline (``BROWSER_TIMEOUT``): a page whose scripts loop
  forever after ``load`` would otherwise hang reading the DOM. Its page is closed whatever happens.
* A timed-out or crashed page is counted (``news/browser/timeout``, ``news/browser/crashed``) and
  its request dropped (no retry: a page that hung once hangs again); the crawl goes on.
* Images, fonts and media are not fetched (``BROWSER_BLOCK_RESOURCES``).
* The browser context is replaced every ``BROWSER_CONTEXT_PAGES`` pages, bounding its memory.
* One handler per crawler: it is registered for ``http`` and ``https``, and Scrapy builds one
  handler per scheme, which started two Playwright drivers and closed (and logged "Closing
  download handler") twice per run.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as PlaywrightRequest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler  # type: ignore[import-untyped]

from crawler.browser.policy import browser_config

logger = logging.getLogger(__name__)

CONTEXT_PREFIX = "news-"
"""Names of the contexts this handler rotates; a request naming another context keeps it."""


class BrowserPageError(IgnoreRequest):
    """A browser page timed out or crashed: the request is dropped (never retried)."""


_SHARED: weakref.WeakKeyDictionary[Crawler, LazyPlaywrightHandler] = weakref.WeakKeyDictionary()
"""crawler -> its one handler (shared by the http and https schemes)."""


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """Plain requests -> Scrapy's HTTP/1.1 handler; ``meta["playwright"]`` requests -> chromium, started on first use."""

    _closing: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LazyPlaywrightHandler:
        """The crawler's one handler, whichever scheme asks first."""
        handler = _SHARED.get(crawler)
        if handler is None:
            handler = _SHARED[crawler] = cls(crawler)
        return handler

    async def close(self) -> None:
        """Close once, though Scrapy calls it once per scheme the handler serves."""
        if self._closing:
            return
        self._closing = True
        await super().close()

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._closing = False
        self.browser_config = browser_config(crawler.settings)
        self._launched = False
        self._launch_lock_lazy = asyncio.Lock()
        self._pages: dict[int, Page] = {}
        self._slots = asyncio.Semaphore(self.browser_config.max_pages)
        self._context_gen = 0
        self._context_used = 0
        self._context_open: Counter[str] = Counter()
        self._retiring: set[str] = set()
        # A crashed renderer surfaces as TargetClosedError, which the stock handler retries 3 times.
        self.config.target_closed_max_retries = 0
        if getattr(self, "abort_request", None) is None and self.browser_config.block_resources:
            self.abort_request = self._blocked

    # The stock handler launches Playwright on engine_started; we wait for a browser request.
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self) -> None:  # Scrapy < 2.14 signal
        return None

    async def _ensure_launched(self) -> None:
        async with self._launch_lock_lazy:
            if not self._launched:
                await self._maybe_future_from_coro(self._launch())
                self._launched = True

    def _blocked(self, request: PlaywrightRequest) -> bool:
        return request.resource_type in self.browser_config.block_resources

    async def _create_page(self, request: Request, spider: Spider) -> Page:
        page: Page = await super()._create_page(request, spider)
        self._pages[id(request)] = page
        return page

    # --- context rotation -------------------------------------------------------------------

    def _pick_context(self, request: Request) -> str | None:
        name = request.meta.get("playwright_context")
        if name and not str(name).startswith(CONTEXT_PREFIX):
            return None
        limit = self.browser_config.context_pages
        if limit and self._context_used >= limit:
            self._retiring.add(f"{CONTEXT_PREFIX}{self._context_gen}")
            self._context_gen += 1
            self._context_used = 0
        name = f"{CONTEXT_PREFIX}{self._context_gen}"
        request.meta["playwright_context"] = name
        self._context_used += 1
        self._context_open[name] += 1
        return name

    async def _release_context(self, name: str | None) -> None:
        if name is None:
            return
        self._context_open[name] -= 1
        if name in self._retiring and self._context_open[name] <= 0:
            self._retiring.discard(name)
            del self._context_open[name]
            wrapper = self.context_wrappers.get(name)
            if wrapper is not None:
                with suppress(PlaywrightError, asyncio.TimeoutError):
                    await asyncio.wait_for(wrapper.context.close(), 10)
                self.stats.inc_value("news/browser/contexts_retired")

    # --- downloads --------------------------------------------------------------------------

    async def download_request(self, request: Request, spider: Spider | None = None) -> Response:
        if not request.meta.get("playwright"):
            plain: Response = await super().download_request(request)
            return plain
        await self._ensure_launched()
        # The deadline runs from when the page gets one of the BROWSER_MAX_PAGES slots, not while it queues.
        async with self._slots:
            return await self._render(request)

    async def _render(self, request: Request) -> Response:
        context = self._pick_context(request)
        self.stats.inc_value("news/browser/requests")
        try:
            response: Response = await asyncio.wait_for(super().download_request(request), self.browser_config.timeout)
        except (asyncio.TimeoutError, PlaywrightTimeout) as exc:
            self._count_failure("timeout", request, exc)
            raise BrowserPageError(f"browser page timed out: {request.url}") from exc
        except PlaywrightError as exc:
            if "crash" in str(exc).lower():
                self._count_failure("crashed", request, exc)
                raise BrowserPageError(f"browser page crashed: {request.url}") from exc
            self._count_failure("error", request, exc)
            raise
        finally:
            await self._close_page(request)
            await self._release_context(context)
        self.stats.inc_value("news/browser/rendered")
        return response

    def _count_failure(self, kind: str, request: Request, exc: BaseException) -> None:
        self.stats.inc_value(f"news/browser/{kind}")
        logger.warning(
            "Browser page %s: %s (%s)", kind, request.url, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        )

    async def _close_page(self, request: Request) -> None:
        """Close the request's page if the stock handler left it open (deadline hit mid-way)."""
        page = self._pages.pop(id(request), None)
        if page is None or page.is_closed() or request.meta.get("playwright_include_page"):
            return
        try:
            await asyncio.wait_for(page.close(), 10)
            self.stats.inc_value("playwright/page_count/closed")
        except (PlaywrightError, asyncio.TimeoutError):
            # A renderer that does not even close: drop its whole context (a new one is made on demand).
            logger.warning("Could not close a browser page, closing its context: %s", request.url)
            with suppress(PlaywrightError, asyncio.TimeoutError):
                await asyncio.wait_for(page.context.close(), 10)
