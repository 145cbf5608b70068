"""``scrapy export-flush --list``: says "nothing pending" when so, and never lists a run still crawling."""

from __future__ import annotations

from crawler.export.config import normalise_uri
from crawler.export.spool import RunSpool
from tests.faults.util import Run


def _run(spool, run_id: str, out) -> RunSpool:
    root = normalise_uri(str(out))
    run = RunSpool(spool, run_id)
    run.create({"run_id": run_id, "spider": "x", "uri": root, "root": root, "format": "jsonlines", "gzip": False,
                "gzip_level": 1, "extension": "jsonl", "encoding": "utf-8", "started_at": "2026-01-01T00:00:00+00:00"})  # fmt: skip
    with run.open_part(1, root, "") as f:
        f.write(b'{"url": "u1"}\n{"url": "u2"}\n')
    return run


def test_list_skips_live_runs_and_says_nothing_pending(tmp_path) -> None:
    out = tmp_path / "out"
    live = _run(tmp_path / "busy", "R-live", out)  # this process holds its lock: a crawl still running
    left = _run(tmp_path / "busy", "R-left", out)
    left.unlock()  # its crawl died: pending
    (tmp_path / "empty").mkdir()
    runs = {
        "busy": Run(["export-flush", "--list", "-s", f"EXPORT_SPOOL_DIR={tmp_path / 'busy'}"], tmp_path / "busy.log"),
        "empty": Run(["export-flush", "--list", "-s", f"EXPORT_SPOOL_DIR={tmp_path / 'empty'}"], tmp_path / "e.log"),
    }
    results = {name: run.wait(60) for name, run in runs.items()}
    live.unlock()
    code, text = results["busy"]
    assert code == 0, text[-2000:]
    assert "R-left\tx\t" in text and "\t2 article(s)" in text
    assert "R-live" not in text.replace("1 run(s) still crawling", "")
    assert "1 run(s) still crawling (not listed)" in text
    code, text = results["empty"]
    assert code == 0 and "export-flush: nothing pending in" in text, text[-2000:]
