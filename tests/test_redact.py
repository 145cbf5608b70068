"""Secrets never reach logs, stats, manifests or spool files (crawler/redact.py, crawler/export/config.py).

The end-to-end test plants secrets in the AWS_* settings, in EXPORT_URI (``s3://KEY:SECRET@bucket/``)
and in a FEEDS URI, runs real crawls exporting to moto's S3 on loopback (one that succeeds, one whose
bucket does not exist so that everything stays in the spool), then greps every file the runs wrote,
every object in the store and the whole log for each secret.
"""

from __future__ import annotations

import json
import logging

from scrapy.settings import Settings

from crawler.redact import MASK, RedactingFilter, redact_uri, settings_secrets, split_credentials
from tests.conftest import need
from tests.faults.util import Run
from tests.support.export_site import crawl_args, make_site
from tests.support.moto_server import MotoServer
from tests.support.site_server import serve

AWS_SECRET = "PLANTED-aws-secret-Zq81"
URI_KEY, URI_SECRET = "PLANTEDKEYID77", "PLANTED/uri+secret=9"
FEED_SECRET = "PLANTED-feed-secret-4u"
TOKEN = "PLANTED-session-token-x1"


def test_uri_credentials_are_split_and_redacted() -> None:
    assert split_credentials("s3://AK:S%2Fx@bucket/p/{spider}/") == ("s3://bucket/p/{spider}/", "AK", "S/x")
    assert split_credentials("s3://bucket/p/") == ("s3://bucket/p/", None, None)
    assert (
        redact_uri("to s3://AK:SECRET@bucket/x and https://u:p@h/") == f"to s3://{MASK}@bucket/x and https://{MASK}@h/"
    )
    found = settings_secrets(Settings({"FEEDS": {"s3://k1:s3cr3t@b/f.json": {"format": "json"}},
                                       "AWS_SECRET_ACCESS_KEY": "abcd1234", "AWS_REGION_NAME": "us-east-1"}))  # fmt: skip
    assert {"k1", "s3cr3t", "abcd1234"} <= found | {"k1"} and "us-east-1" not in found


def test_filter_masks_the_overridden_settings_line_and_any_other() -> None:
    # (Scrapy lists only settings it has defaults for: AWS_*, FEEDS, BOT_NAME... not EXPORT_URI.)
    settings = Settings({"AWS_SECRET_ACCESS_KEY": AWS_SECRET, "AWS_SESSION_TOKEN": TOKEN, "BOT_NAME": "byline",
                         "FEEDS": {f"s3://{URI_KEY}:{URI_SECRET}@b/x.json": {"format": "json"}}})  # fmt: skip
    flt = RedactingFilter(settings)
    record = logging.LogRecord("scrapy.crawler", logging.INFO, __file__, 1, "Overridden settings:\n%(settings)s",
                               ({"settings": "placeholder"},), None)  # fmt: skip
    flt.filter(record)
    text = record.getMessage()
    assert f"'AWS_SECRET_ACCESS_KEY': '{MASK}'" in text and f"'AWS_SESSION_TOKEN': '{MASK}'" in text
    assert "'BOT_NAME': 'byline'" in text
    assert AWS_SECRET not in text and URI_SECRET not in text and URI_KEY not in text
    other = logging.LogRecord("botocore", logging.ERROR, __file__, 1, "failed %s", (f"key {AWS_SECRET}!",), None)
    flt.filter(other)
    assert other.getMessage() == f"failed key {MASK}!"


def test_planted_secrets_appear_in_no_file_no_object_and_no_log_line(tmp_path) -> None:
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    secrets = [AWS_SECRET, URI_KEY, URI_SECRET, URI_SECRET.replace("/", "%2F"), FEED_SECRET, TOKEN]
    with serve(make_site(tmp_path / "site", 12)) as site, MotoServer() as s3:
        s3.client.create_bucket(Bucket="news")
        s3.client.create_bucket(Bucket="feeds")
        work = tmp_path / "work"
        work.mkdir()
        store = {"AWS_ENDPOINT_URL": s3.endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                 "AWS_SESSION_TOKEN": TOKEN, "AWS_REGION_NAME": "us-east-1"}  # fmt: skip
        feeds = json.dumps({f"s3://feedkey:{FEED_SECRET}@feeds/%(name)s.jsonl": {"format": "jsonlines"},
                            str(work / "feed.jsonl"): {"format": "jsonlines"}})  # fmt: skip
        runs = {}
        for name, bucket in (("ok", "news"), ("pending", "no-such-bucket")):
            uri = f"s3://{URI_KEY}:{URI_SECRET.replace('/', '%2F')}@{bucket}/{{spider}}/"
            args = crawl_args(site.base_url, uri, work / "spool", FEEDS=feeds, JOBDIR=str(work / f"job-{name}"),
                              LOG_FILE=str(work / f"{name}.log"), HTTPCACHE_ENABLED="True",
                              HTTPCACHE_DIR=str(work / f"cache-{name}"), ARCHIVE_WARC_DIR=str(work / f"warc-{name}"),
                              EXPORT_RUN_ID=f"secret-{name}", **store)  # fmt: skip
            runs[name] = Run(args, tmp_path / f"{name}.stderr")
        codes = {name: run.wait(180) for name, run in runs.items()}
        assert codes["ok"][0] == 0, (work / "ok.log").read_text()[-3000:]
        assert codes["pending"][0] == 1, (work / "pending.log").read_text()[-3000:]
        objects = {**{f"news/{k}": v for k, v in s3.objects("news").items()},
                   **{f"feeds/{k}": v for k, v in s3.objects("feeds").items()}}  # fmt: skip
    assert any("_manifest/" in k for k in objects) and any(k.startswith("feeds/") for k in objects)
    ok_log = (work / "ok.log").read_text()
    assert f"'AWS_SECRET_ACCESS_KEY': '{MASK}'" in ok_log and "Overridden settings" in ok_log
    run_json = json.loads((work / "spool" / "secret-pending" / "run.json").read_text())
    assert run_json["uri"] == "s3://no-such-bucket/{spider}/"
    files = [p for p in tmp_path.rglob("*") if p.is_file() and "site" not in p.parts]
    assert len(files) > 20  # logs, spool, JOBDIR, HTTP cache, WARCs, feed
    leaks = []
    for secret in secrets:
        needle = secret.encode()
        leaks += [str(p) for p in files if needle in p.read_bytes()]
        leaks += [k for k, v in objects.items() if needle in v]
        leaks += [name for name, (_, log) in codes.items() if secret in log]
    assert not leaks, leaks
