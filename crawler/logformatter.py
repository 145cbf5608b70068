"""Quiet item logs: a dropped article is one INFO line with its URL and reason, never the article.

Scrapy's own formatter logs every drop at WARNING as ``Dropped: <reason>`` followed by the whole
item (a re-parse with thousands of duplicates writes tens of MB of article text). Enable with::

    LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"

- ``dropped``: ``Dropped (<reason>): <url>`` at INFO, or lower when the pipeline asked for it
  (``DropItem(..., log_level="DEBUG")``, e.g. unchanged articles of an incremental crawl).
- ``scraped``: ``Scraped <url> from <response>`` at DEBUG, without the item.
- ``item_error``: ``Error processing <url>`` at ERROR (the traceback follows as usual), without the item.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from crawler.health import drop_reason

MAX_MESSAGE = 300
"""Characters of a DropItem message kept in the log line (a message quoting the item cannot flood the log)."""


def item_url(item: Any) -> str:
    """An item -> its ``url`` (``?`` when it has none)."""
    if is_item(item):
        url = ItemAdapter(item).get("url")
        if url:
            return str(url)
    return "?"


def _level(exception: BaseException) -> int:
    """INFO, or the DropItem's own ``log_level`` when that is lower."""
    level = getattr(exception, "log_level", None)
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    return min(level, logging.INFO) if isinstance(level, int) else logging.INFO


class NewsLogFormatter(LogFormatter):
    """Item log lines name the article by URL; see the module docstring."""

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        url = item_url(item)
        detail = str(exception)
        # Pipelines raise "<reason>: <url>[ (more)]": keep what follows the URL, once.
        rest = detail.split(url, 1)[1].strip() if url != "?" and url in detail else ""
        return {
            "level": _level(exception),
            "msg": "Dropped (%(reason)s): %(url)s%(rest)s",
            "args": {
                "reason": drop_reason(exception),
                "url": url,
                "rest": (" " + rest[:MAX_MESSAGE]) if rest else ("" if url != "?" else f" [{detail[:MAX_MESSAGE]}]"),
            },
        }

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        src: Any = response.getErrorMessage() if isinstance(response, Failure) else response
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(url)s from %(src)s",
            "args": {"url": item_url(item), "src": src if src is not None else f"{type(spider).__name__}.start"},
        }

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "Error processing %(url)s", "args": {"url": item_url(item)}}
