"""byline: a Scrapy news crawler. The library API (see docs/python-api.md)::

    from crawler import extract_article, iter_articles

Both names are imported on first use (module ``__getattr__``), so ``import crawler`` stays cheap:
Scrapy and the spiders load only when one is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.api import extract_article, iter_articles

__all__ = ["extract_article", "iter_articles"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from crawler import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
