"""Feed files (``-o``/``-O``/``FEEDS`` to a path) written through per article on a cluster worker.

Scrapy's :class:`~scrapy.extensions.feedexport.FileFeedStorage` writes through a buffered file: a
worker killed with ``kill -9`` loses the last few articles it had already counted as exported - and
in a cluster the other workers do not export them again (the dedupe digests say they were). This
storage opens the file unbuffered, so each article's line is in the file (the OS page cache) the
moment the exporter writes it. The cluster add-on makes it the ``file`` feed storage.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class WriteThroughFileFeedStorage(FileFeedStorage):
    """FileFeedStorage without a write buffer."""

    def open(self, spider: Any) -> IO[bytes]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return Path(self.path).open(self.write_mode, buffering=0)
