"""newspaper4k as a worker of bench/generic_quality.py, run with the Python of its own venv.

newspaper4k pins dependencies the project does not share (python-dateutil...), so it lives in a venv of
its own (see docs/generic-extraction.md). Standard library and newspaper only: this file must not import
the project.

Input (stdin): one JSON object a line, ``{"url": ..., "path": ...}`` where ``path`` holds the page's HTML
as UTF-8 text. Output (stdout): one JSON object a line, in the same order: ``text``, ``title``,
``authors``, ``date`` (ISO 8601 or null), ``seconds`` (CPU time of the parse), ``error``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import warnings


def main() -> int:
    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)
    from newspaper import Article  # type: ignore[import-not-found]

    for line in sys.stdin:
        job = json.loads(line)
        with open(job["path"], encoding="utf-8") as fh:
            html = fh.read()
        out: dict[str, object] = {"text": "", "title": None, "authors": [], "date": None, "error": None}
        t = time.process_time()
        try:
            article = Article(job["url"], fetch_images=False)
            article.download(input_html=html)
            article.parse()
            out["text"] = article.text or ""
            out["title"] = article.title or None
            out["authors"] = list(article.authors or [])
            out["date"] = article.publish_date.isoformat() if article.publish_date else None
        except Exception as exc:  # noqa: BLE001 - report the failure for the page, go on
            out["error"] = f"{type(exc).__name__}: {exc}"[:200]
        out["seconds"] = time.process_time() - t
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
