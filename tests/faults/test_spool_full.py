"""The export spool's disk fills up mid-crawl: the run stops with a clear reason, keeps what it spooled
whole (no half line), loses nothing it counted as scraped, and ``export-flush`` delivers it later.

Two ways to fill the disk: a real 12 KiB tmpfs (when this process may mount one), and a quota
simulated at the write call (tests/faults/diskquota.py: a short write, then ENOSPC).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.faults.util import Run, check_no_loss, local_store, stat_of
from tests.test_export import crawl_args, scraped_count


def _mount_tmpfs(path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                              capture_output=True, timeout=10, check=False)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@pytest.mark.parametrize("how", ["quota", "tmpfs"])
def test_spool_disk_full(site, tmp_path, how) -> None:
    spool, out = tmp_path / "spool", tmp_path / "out"
    settings = {"EXPORT_BATCH_ITEMS": "5", "EXPORT_RETRY_CLOSE_TIMEOUT": "30"}
    if how == "quota":
        settings |= {"EXTENSIONS": json.dumps({"tests.faults.diskquota.SpoolQuota": 0}), "FAULT_SPOOL_QUOTA": "3000"}
    elif not _mount_tmpfs(spool, "12k"):
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated quota covers the case")
    try:
        _crawl_fill_flush(site, tmp_path, spool, out, settings, how)
    finally:
        if how == "tmpfs":
            subprocess.run(["umount", "-l", str(spool)], check=False)


def _crawl_fill_flush(site, tmp_path, spool, out, settings, how) -> None:
    try:
        code, log = Run(crawl_args(site.base_url, str(out), spool, **settings), tmp_path / "log").wait(120)
        assert code == 1, log[-3000:]
        assert "Run failed (spool_full)" in log and "No space left on device" in log
        assert stat_of(log, "news/export/not_spooled") >= 1
        scraped = scraped_count(log)
        assert 0 < scraped < 40
        # Nothing torn in the spool: every line of every open part is a whole article.
        for part in spool.glob("*/open/*.jsonl"):
            data = part.read_bytes()
            assert not data or data.endswith(b"\n"), f"torn line left in {part}"
            for line in data.splitlines():
                json.loads(line)
        counts = check_no_loss(local_store(out), spool, scraped=scraped)
        print(f"{how}: {scraped} scraped, {counts}, {stat_of(log, 'news/export/not_spooled')} not spooled")
    finally:
        if how == "tmpfs":
            subprocess.run(["mount", "-o", "remount,size=8m", str(spool)], check=False)
    flush = Run(["export-flush", "-s", f"EXPORT_SPOOL_DIR={spool}"], tmp_path / "flush.log")
    code, flog = flush.wait(120)
    assert code == 0, flog[-3000:]
    assert check_no_loss(local_store(out), spool, scraped=scraped) == {"stored": scraped, "spooled": 0}
