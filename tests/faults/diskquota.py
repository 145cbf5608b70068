"""Test-only extension: the export spool's disk "fills" after FAULT_SPOOL_QUOTA bytes of articles.

Enabled with ``-s EXTENSIONS={"tests.faults.diskquota.SpoolQuota": 0} -s FAULT_SPOOL_QUOTA=N``. Article
writes to open parts go through :class:`QuotaFile`: the write that crosses the quota is short (only
the bytes that fit, as write(2) does on a full disk), every later one raises ``ENOSPC``.
"""

from __future__ import annotations

import errno
from typing import Any

from scrapy.crawler import Crawler

from crawler.export import spool


class QuotaFile:
    used = 0
    quota = 0

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, data: Any) -> int:
        room = QuotaFile.quota - QuotaFile.used
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device (simulated)")
        n = int(self.raw.write(bytes(data[:room])))
        QuotaFile.used += n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class SpoolQuota:
    def __init__(self, quota: int) -> None:
        QuotaFile.quota = quota
        original = spool.RunSpool.open_part

        def open_part(self: spool.RunSpool, *args: Any, **kwargs: Any) -> Any:
            return QuotaFile(original(self, *args, **kwargs))

        spool.RunSpool.open_part = open_part  # type: ignore[method-assign]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpoolQuota:
        return cls(crawler.settings.getint("FAULT_SPOOL_QUOTA"))
