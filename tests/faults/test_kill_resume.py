"""SIGKILL and SIGTERM at random points of a crawl with JOBDIR, each followed by a resume of the same job.

One job over a 150-page local site exported to a local directory store: the crawl is killed
(SIGKILL) or stopped (SIGTERM) at a random moment (seeded), resumed, killed again... then resumed
to the end. At every step the store + spool hold no duplicate and no torn line; at the end the
store holds every article exactly once and the spool is empty. SIGTERM ends a run with
``finish_reason: shutdown`` and exit status 4 (docs/exit-codes.md).
"""

from __future__ import annotations

import os
import random
import signal
import time

from crawler.runinfo import EXIT_CODES
from tests.faults.util import Run, check_no_loss, fault_crawl_args, local_store
from tests.support.export_site import make_site
from tests.support.site_server import serve

N = 150
SEED = 20261202


def test_kill_and_term_at_random_points_then_resume(tmp_path) -> None:
    rng = random.Random(SEED)
    with serve(make_site(tmp_path / "site", N)) as site:
        out, spool, jobdir = tmp_path / "out", tmp_path / "spool", tmp_path / "job"
        args = fault_crawl_args(site.base_url, str(out), spool, JOBDIR=str(jobdir), DOWNLOAD_DELAY="0.02",
                          CONCURRENT_REQUESTS="2", EXPORT_BATCH_ITEMS="10", EXPORT_RETRY_CLOSE_TIMEOUT="30")  # fmt: skip
        expected = {site.url(f"a{i}.html") for i in range(N)}
        steps = []
        for n, sig in enumerate([signal.SIGKILL, signal.SIGTERM, signal.SIGKILL]):
            run = Run(args, tmp_path / f"run{n}.log")
            # Wait until this run exports articles (the job's export ledger grows), then a random moment more.
            before = exported(jobdir)
            deadline = time.monotonic() + 60
            while exported(jobdir) <= before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.8))
            os.kill(run.proc.pid, sig)
            code, log = run.wait(120)
            counts = check_no_loss(local_store(out), spool)
            steps.append((sig.name, code, counts))
            if sig == signal.SIGTERM:
                assert code == EXIT_CODES["shutdown"], log[-3000:]
                assert "'finish_reason': 'shutdown'" in log
            else:
                assert code == -signal.SIGKILL
            done = counts["stored"] + counts["spooled"]
            if done >= N:
                break
        final = Run(args, tmp_path / "final.log")
        code, log = final.wait(120)
        assert code == 0, log[-3000:]
        assert check_no_loss(local_store(out), spool, expected=expected) == {"stored": N, "spooled": 0}
        assert not list(spool.iterdir())
        print("steps (signal, exit status, store/spool):", steps)


def exported(jobdir) -> int:
    """Articles the job has exported so far (lines of its JOBDIR export ledger)."""
    ledger = jobdir / "export-ledger.txt"
    return ledger.read_bytes().count(b"\n") if ledger.exists() else 0
