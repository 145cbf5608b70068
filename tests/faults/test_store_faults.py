"""The S3 store (moto on loopback) failing in every way a store fails; nothing scraped is ever lost.

Every scenario crawls the 40-page local site (parts of 5 articles) through its own front to the one
moto server; the scenarios run at the same time (the suite must stay fast), then each test checks
one of them with :func:`tests.faults.util.check_no_loss`: records in the store + records in the
spool == records scraped, no duplicates, no torn lines.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crawler.export.store import StoreError, StorePermanentError
from tests.faults.util import Flaky500Proxy, Run, check_no_loss, fault_crawl_args
from tests.support.export_site import scraped_count
from tests.support.moto_server import DelayProxy, free_port

N = 40
NO_AWS_ENV = {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
              "AWS_EC2_METADATA_DISABLED": "true"}  # fmt: skip


@dataclass
class Scenario:
    bucket: str
    spool: Path
    code: int = -1
    log: str = ""
    seconds: float = 0.0
    flush_code: int = -1
    flush_log: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def flush_args(spool: Path, settings: dict[str, str]) -> list[str]:
    return ["export-flush", "-s", f"EXPORT_SPOOL_DIR={spool}", "-s", "EXPORT_RETRY_BACKOFF=0.2",
            *[a for k, v in settings.items() for a in ("-s", f"{k}={v}")]]  # fmt: skip


@pytest.fixture(scope="module")
def scenarios(site, moto, tmp_path_factory) -> dict[str, Scenario]:
    root = tmp_path_factory.mktemp("store-faults")
    names = ["down", "flaky500", "slow", "gone", "no_such_bucket", "no_credentials"]
    out = {n: Scenario(f"faults-{n.replace('_', '-')}", root / n / "spool") for n in names}
    for n, s in out.items():
        if n != "no_such_bucket":
            moto.client.create_bucket(Bucket=s.bucket)
    flaky = Flaky500Proxy(moto.port, share=0.5, seed=17)
    slow = DelayProxy(moto.port, delay=0.3, slow=10_000)
    gone = DelayProxy(moto.port)
    endpoints = {"down": f"http://127.0.0.1:{free_port()}", "flaky500": flaky.endpoint, "slow": slow.endpoint,
                 "gone": gone.endpoint}  # fmt: skip
    env_of: dict[str, dict[str, str]] = {}
    runs: dict[str, Run] = {}
    started = time.monotonic()
    for n, s in out.items():
        settings = {**moto.settings, "AWS_ENDPOINT_URL": endpoints.get(n, moto.endpoint)}
        # Transient failures may be retried until the close timeout; permanent ones must not wait for it.
        extra = {"EXPORT_RETRY_CLOSE_TIMEOUT": "60" if n in ("no_such_bucket", "no_credentials") else "30",
                 "EXPORT_RETRY_BACKOFF": "0.3"}  # fmt: skip
        if n == "down":
            extra["EXPORT_RETRY_CLOSE_TIMEOUT"] = "1"
        if n == "gone":
            extra |= {"DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS": "1"}
        if n == "no_credentials":
            settings = {"AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION_NAME": "us-east-1"}
            # No credentials anywhere (the CA bundle stays: an empty one is a configuration error of its own).
            env_of[n] = {k: "" for k in os.environ if k.startswith("AWS_") and k != "AWS_CA_BUNDLE"} | NO_AWS_ENV
        s.extra["settings"] = settings
        (root / n).mkdir(exist_ok=True)
        runs[n] = Run(fault_crawl_args(site.base_url, f"s3://{s.bucket}/", s.spool, **extra, **settings), root / n / "log",
                      env_of.get(n))  # fmt: skip

    def cut_and_restore() -> None:
        """ "gone": the store's front dies once the first part is stored, and is back 1.5 s later."""
        deadline = time.monotonic() + 60
        while not any("part-" in k for k in moto.objects(out["gone"].bucket)) and time.monotonic() < deadline:
            time.sleep(0.05)
        gone.cut()
        out["gone"].extra["cut_at_items"] = len(moto.objects(out["gone"].bucket))
        time.sleep(1.5)
        gone.restore()

    cutter = threading.Thread(target=cut_and_restore, daemon=True)
    cutter.start()
    while not all([run.poll() for run in runs.values()]) and time.monotonic() - started < 180:  # noqa: C419 - poll every run
        time.sleep(0.05)
    for n, run in runs.items():
        out[n].code, out[n].log = run.wait(10)
        out[n].seconds = run.seconds
    print("store scenarios, seconds each:", {n: round(s.seconds, 1) for n, s in out.items()})
    cutter.join(5)
    for proxy in (flaky, slow, gone):
        proxy.close()
    out["flaky500"].extra["faults"] = flaky.faults
    print(f"flaky500: {flaky.faults} connections answered 500, {flaky.forwarded} forwarded")
    # Then what the runs left in their spools goes up with one `scrapy export-flush`, the causes fixed:
    # a run directory is self-contained, so the three runs move into one spool (one process, not three).
    moto.client.create_bucket(Bucket=out["no_such_bucket"].bucket)
    flushed = root / "flush-spool"
    flushed.mkdir()
    for n in ("down", "no_such_bucket", "no_credentials"):
        out[n].extra["spooled_before_flush"] = check_no_loss({}, out[n].spool)["spooled"]
        for run_dir in out[n].spool.iterdir():
            run_dir.rename(flushed / run_dir.name)
    code, log = Run(flush_args(flushed, moto.settings), root / "flush.log").wait(120)
    for n in ("down", "no_such_bucket", "no_credentials"):
        out[n].flush_code, out[n].flush_log, out[n].spool = code, log, flushed
    return out


def expected(site) -> set[str]:
    return {site.url(f"a{i}.html") for i in range(N)}


def test_s3_down_from_the_start_then_flushed(scenarios, site, moto) -> None:
    s = scenarios["down"]
    assert s.code == 1, s.log[-3000:]
    assert "'finish_reason': 'export_pending'" in s.log
    assert s.extra["spooled_before_flush"] == scraped_count(s.log) == N
    assert s.flush_code == 0, s.flush_log[-3000:]
    assert check_no_loss(moto.objects(s.bucket), s.spool, expected=expected(site)) == {"stored": N, "spooled": 0}


def test_s3_answering_500_at_random(scenarios, site, moto) -> None:
    s = scenarios["flaky500"]
    assert s.extra["faults"] > 0, "no 500 was injected"
    assert s.code == 0, s.log[-3000:]
    assert "InternalError" in s.log  # the 500s were seen, and retried
    check_no_loss(moto.objects(s.bucket), s.spool, scraped=scraped_count(s.log), expected=expected(site))


def test_s3_slow_on_every_reply(scenarios, site, moto) -> None:
    s = scenarios["slow"]
    assert s.code == 0, s.log[-3000:]
    check_no_loss(moto.objects(s.bucket), s.spool, scraped=scraped_count(s.log), expected=expected(site))


def test_s3_gone_mid_run_then_back(scenarios, site, moto) -> None:
    s = scenarios["gone"]
    assert s.code == 0, s.log[-3000:]
    assert 0 < s.extra["cut_at_items"], "the store was cut before it stored anything"
    check_no_loss(moto.objects(s.bucket), s.spool, scraped=scraped_count(s.log), expected=expected(site))


@pytest.mark.parametrize(("name", "reason"), [("no_such_bucket", "NoSuchBucket"), ("no_credentials", "no credentials")])
def test_permanent_store_errors_fail_fast_and_keep_the_parts(scenarios, site, moto, name, reason) -> None:
    s = scenarios[name]
    assert s.code == 1, s.log[-3000:]
    # A transient failure is retried until EXPORT_RETRY_CLOSE_TIMEOUT (60 s here); a permanent one is not.
    assert "Export upload failed" not in s.log
    refused = [line for line in s.log.splitlines() if "refused for good" in line]
    assert len(refused) == 1 and reason in refused[0], refused
    assert "'finish_reason': 'export_pending'" in s.log
    assert s.extra["spooled_before_flush"] == scraped_count(s.log) == N
    assert s.flush_code == 0, s.flush_log[-3000:]
    assert check_no_loss(moto.objects(s.bucket), s.spool, expected=expected(site)) == {"stored": N, "spooled": 0}


@pytest.mark.parametrize(
    ("code", "permanent"),
    [("NoSuchBucket", True), ("AccessDenied", True), ("InvalidAccessKeyId", True), ("SignatureDoesNotMatch", True),
     ("InvalidBucketName", True), ("InternalError", False), ("SlowDown", False), ("ServiceUnavailable", False),
     ("RequestTimeout", False)],
)  # fmt: skip
def test_s3_error_codes_are_sorted_into_permanent_and_transient(tmp_path, code, permanent) -> None:
    from botocore.exceptions import ClientError
    from scrapy.settings import Settings

    from crawler.export.config import ExportConfig
    from crawler.export.store import S3Store

    config = ExportConfig.from_settings(Settings({"EXPORT_URI": "s3://b/", "EXPORT_SPOOL_DIR": str(tmp_path)}))
    store = S3Store(Settings({"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION_NAME": "us-east-1"}),
                    config)  # fmt: skip

    def fail(**_kw: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "x"}}, "PutObject")

    store.client.put_object = fail
    part = tmp_path / "p"
    part.write_bytes(b"{}\n")
    with pytest.raises(StoreError) as info:
        store.put("s3://b/part-1.jsonl", part, "0" * 64)
    assert isinstance(info.value, StorePermanentError) is permanent
