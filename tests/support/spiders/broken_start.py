"""A spider whose start() fails: the run ends with finish_reason ``start_error`` (exit status 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Spider


class BrokenStartSpider(Spider):
    name = "broken_start"

    async def start(self) -> AsyncIterator[Any]:
        raise RuntimeError("the start of this spider is broken on purpose")
        yield  # pragma: no cover - makes this an async generator
