"""The export spool's disk fills up mid-crawl: the run stops with a clear reason, keeps what it spooled
whole (no half line), loses nothing it counted as scraped, and ``export-flush`` delivers it later.

Two ways to fill the disk: a real 12 KiB tmpfs (when this process may mount one), and a quota
simulated at the write call (tests/faults/diskquota.py: a short write, then ENOSPC).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.faults.util import Run, check_no_loss, fault_crawl_args, local_store, stat_of
from tests.support.export_site import scraped_count


def _mount_tmpfs(path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                              capture_output=True, timeout=10, check=False)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def test_spool_disk_full(site, tmp_path) -> None:
    """Both ways at once (the suite must stay fast), then `export-flush` once the disk has room."""
    hows = {"quota": {"EXTENSIONS": json.dumps({"tests.faults.diskquota.SpoolQuota": 0}), "FAULT_SPOOL_QUOTA": "3000"}}
    if _mount_tmpfs(tmp_path / "tmpfs" / "spool", "12k"):
        hows["tmpfs"] = {}
    try:
        runs = {}
        for how, extra in hows.items():
            spool, out = tmp_path / how / "spool", tmp_path / how / "out"
            args = fault_crawl_args(site.base_url, str(out), spool, EXPORT_BATCH_ITEMS="5",
                                    EXPORT_RETRY_CLOSE_TIMEOUT="30", **extra)  # fmt: skip
            runs[how] = Run(args, tmp_path / how / "log")
        scraped = {}
        for how, run in runs.items():
            spool, out = tmp_path / how / "spool", tmp_path / how / "out"
            code, log = run.wait(120)
            assert code == 1, (how, log[-3000:])
            assert "Run failed (spool_full)" in log and "No space left on device" in log, how
            assert stat_of(log, "news/export/not_spooled") >= 1
            scraped[how] = scraped_count(log)
            assert 0 < scraped[how] < 40
            # Nothing torn in the spool: every line of every open part is a whole article.
            for part in spool.glob("*/open/*.jsonl"):
                data = part.read_bytes()
                assert not data or data.endswith(b"\n"), f"torn line left in {part}"
                for line in data.splitlines():
                    json.loads(line)
            counts = check_no_loss(local_store(out), spool, scraped=scraped[how])
            print(f"{how}: {scraped[how]} scraped, {counts}, {stat_of(log, 'news/export/not_spooled')} not spooled")
        if "tmpfs" in hows:
            subprocess.run(["mount", "-o", "remount,size=8m", str(tmp_path / "tmpfs" / "spool")], check=False)
        flushes = {how: Run(["export-flush", "-s", f"EXPORT_SPOOL_DIR={tmp_path / how / 'spool'}"],
                            tmp_path / how / "flush.log") for how in hows}  # fmt: skip
        for how, flush in flushes.items():
            code, flog = flush.wait(120)
            assert code == 0, (how, flog[-3000:])
            spool, out = tmp_path / how / "spool", tmp_path / how / "out"
            assert check_no_loss(local_store(out), spool, scraped=scraped[how]) == {
                "stored": scraped[how],
                "spooled": 0,
            }
    finally:
        if "tmpfs" in hows:
            subprocess.run(["umount", "-l", str(tmp_path / "tmpfs" / "spool")], check=False)
    if "tmpfs" not in hows:
        pytest.skip("quota case passed; no tmpfs here (mounting needs root), so the real-disk case did not run")
