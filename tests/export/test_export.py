"""The structured export against a real store: local directories and moto_server's S3 on 127.0.0.1.

Fault tests end with every scraped article either in S3 or in the spool, never lost, never twice.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.export.config import UriTemplate, normalise_uri
from tests.conftest import need, run_scrapy, scrapy_env
from tests.support.export_site import SPIDER, crawl_args, make_site, records_of, scraped_count, spool_records
from tests.support.moto_server import DelayProxy, MotoServer, free_port, s3_client
from tests.support.site_server import serve

REPO = Path(__file__).resolve().parents[2]
def urls(records: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["url"] for r in records)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve(make_site(tmp_path_factory.mktemp("site"), 30)) as s:
        yield s


@pytest.fixture(scope="module")
def moto():
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    with MotoServer() as server:
        yield server


@pytest.fixture
def bucket(moto, request) -> str:
    name = "news-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    moto.client.create_bucket(Bucket=name)
    return name


def test_uri_template_partitions_by_article_date_and_finds_the_root() -> None:
    t = UriTemplate("s3://news/{spider}/{date_published:%Y/%m/%d}/", "trend", "R1")
    assert t.root == "s3://news/trend/"
    assert t.render({"date_published": "2014-06-18T14:32:00+04:00"}) == "s3://news/trend/2014/06/18/"
    assert t.render({"date_published": None}) == "s3://news/trend/unknown/"
    assert t.render({"date_published": "not a date"}) == "s3://news/trend/unknown/"
    assert UriTemplate("s3://b/{run_id}/x/", "s", "R1").render({}) == "s3://b/R1/x/"
    assert UriTemplate("s3://b/{section}/", "s", "R").render({"section": "World / Europe"}) == "s3://b/World_Europe/"
    assert normalise_uri("out/dir").startswith("file:///") and normalise_uri("out/dir").endswith("/out/dir/")


# --- local directory ------------------------------------------------------------------------------


def test_local_export_partitioned_gzip_matches_dash_O(site, tmp_path) -> None:
    out, spool = tmp_path / "out", tmp_path / "spool"
    proc = run_scrapy(
        *crawl_args(site.base_url, str(out) + "/{spider}/{date_published:%Y/%m/%d}/", spool, EXPORT_GZIP="True"),
        "-O",
        str(tmp_path / "o.jsonl"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    parts = sorted(k for k in files if "/part-" in k)
    assert {k.split("/part-")[0] for k in parts} == {f"{SPIDER}/2014/06/{d}" for d in (10, 11, 12)}
    exported = sorted(line for k in parts for line in gzip.decompress(files[k]).splitlines(keepends=True))
    assert exported == sorted((tmp_path / "o.jsonl").read_bytes().splitlines(keepends=True))
    assert len(exported) == 30
    [manifest_key] = [k for k in files if k.startswith(f"{SPIDER}/_manifest/")]
    manifest = json.loads(files[manifest_key])
    assert manifest["status"] == "finished" and manifest["items"] == 30
    assert sorted(p["path"] for p in manifest["parts"]) == sorted(k.removeprefix(f"{SPIDER}/") for k in parts)
    import hashlib

    for p in manifest["parts"]:
        assert hashlib.sha256(files[f"{SPIDER}/" + p["path"]]).hexdigest() == p["sha256"]
    assert manifest["stats"]["item_scraped_count"] == 30
    assert not list(spool.iterdir())


# --- S3 -------------------------------------------------------------------------------------------


def test_s3_json_multipart_feeds_and_sidecar(site, moto, bucket, tmp_path) -> None:
    spool = tmp_path / "spool"
    feeds = json.dumps({str(tmp_path / "feed.json"): {"format": "json"}})
    proc = run_scrapy(
        *crawl_args(
            site.base_url,
            f"s3://{bucket}/{{spider}}/",
            spool,
            EXPORT_FORMAT="json",
            EXPORT_BATCH_ITEMS="12",
            EXPORT_MULTIPART_THRESHOLD="2000",
            EXPORT_MULTIPART_CHUNK="1500",
            FEEDS=feeds,
            **moto.settings,
        )
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    objects = moto.objects(bucket)
    exported = records_of(objects)
    assert sorted(map(json.dumps, exported)) == sorted(
        map(json.dumps, json.loads((tmp_path / "feed.json").read_bytes()))
    )
    assert len(exported) == 30
    heads = [moto.client.head_object(Bucket=bucket, Key=k) for k in objects if "/part-" in k]
    assert any("-" in h["ETag"] for h in heads), "a part above the threshold goes up in several pieces"
    [manifest_key] = [k for k in objects if "/_manifest/" in k]
    manifest = json.loads(objects[manifest_key])
    run_id = manifest["run_id"]
    health = json.loads(objects[f"{SPIDER}/_health/{run_id}.json"])
    # The site-health extension (crawler/health.py) writes its report beside the manifest.
    assert (health["articles_exported"], health["close_reason"], health["run_id"]) == (30, "finished", run_id)
    assert [s["path"] for s in manifest["sidecars"]] == [f"_health/{run_id}.json"]
    assert sum(p["items"] for p in manifest["parts"]) == 30 == manifest["items"]


def test_s3_down_from_start_keeps_everything_then_export_flush(site, moto, bucket, tmp_path) -> None:
    spool = tmp_path / "spool"
    dead = {**moto.settings, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    proc = run_scrapy(*crawl_args(site.base_url, f"s3://{bucket}/", spool, EXPORT_GZIP="True", **dead))
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "'finish_reason': 'export_pending'" in proc.stderr and str(spool) in proc.stderr
    assert scraped_count(proc.stderr) == 30
    assert urls(spool_records(spool)) == Counter({site.url(f"a{i}.html"): 1 for i in range(30)})
    assert moto.objects(bucket) == {}
    listing = run_scrapy("export-flush", "--list", "-s", f"EXPORT_SPOOL_DIR={spool}")
    assert listing.returncode == 0 and "\t30 article(s)" in listing.stdout, listing.stdout + listing.stderr[-2000:]

    flush = run_scrapy(
        "export-flush",
        "-s",
        f"EXPORT_SPOOL_DIR={spool}",
        *[a for k, v in moto.settings.items() for a in ("-s", f"{k}={v}")],
    )
    assert flush.returncode == 0, flush.stderr[-3000:]
    objects = moto.objects(bucket)
    assert urls(records_of(objects)) == Counter({site.url(f"a{i}.html"): 1 for i in range(30)})
    [manifest] = [json.loads(v) for k, v in objects.items() if k.startswith("_manifest/")]
    assert manifest["finish_reason"] == "finished" and manifest["items"] == 30
    assert not list(spool.iterdir())


def test_s3_missing_bucket_then_next_run_uploads_first(site, moto, tmp_path) -> None:
    spool, name = tmp_path / "spool", "news-created-later"
    first = run_scrapy(*crawl_args(site.base_url, f"s3://{name}/{{run_id}}/", spool, **moto.settings))
    assert first.returncode == 1 and "NoSuchBucket" in first.stderr
    assert len(spool_records(spool)) == scraped_count(first.stderr) == 30
    moto.client.create_bucket(Bucket=name)
    second = run_scrapy(*crawl_args(site.base_url, f"s3://{name}/{{run_id}}/", spool, **moto.settings))
    assert second.returncode == 0, second.stderr[-3000:]
    objects = moto.objects(name)
    assert len([k for k in objects if "/_manifest/" in k]) == 2
    assert sorted(urls(records_of(objects)).values()) == [2] * 30
    assert not list(spool.iterdir())


def test_s3_wrong_credentials_kept_then_flushed_with_right_ones(site, tmp_path) -> None:
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    # moto checks signatures only after its first N calls, which set up a user and the bucket.
    with MotoServer(env={"INITIAL_NO_AUTH_ACTION_COUNT": "4"}) as s3:
        import botocore.session

        iam = botocore.session.get_session().create_client(
            "iam", region_name="us-east-1", endpoint_url=s3.endpoint, aws_access_key_id="x", aws_secret_access_key="x"
        )
        iam.create_user(UserName="crawler")
        iam.put_user_policy(
            UserName="crawler",
            PolicyName="s3",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            ),
        )
        key = iam.create_access_key(UserName="crawler")["AccessKey"]
        good = s3_client(s3.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        good.create_bucket(Bucket="news")
        spool = tmp_path / "spool"
        wrong = {**s3.settings, "AWS_ACCESS_KEY_ID": "AKIAWRONGWRONGWRONG0", "AWS_SECRET_ACCESS_KEY": "nope"}
        proc = run_scrapy(*crawl_args(site.base_url, "s3://news/", spool, **wrong))
        assert proc.returncode == 1
        assert "InvalidAccessKeyId" in proc.stderr or "SignatureDoesNotMatch" in proc.stderr
        assert len(spool_records(spool)) == scraped_count(proc.stderr) == 30
        right = {
            **s3.settings,
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        flush = run_scrapy(
            "export-flush",
            "-s",
            f"EXPORT_SPOOL_DIR={spool}",
            *[a for k, v in right.items() for a in ("-s", f"{k}={v}")],
        )
        assert flush.returncode == 0, flush.stderr[-3000:]
        listed = good.list_objects_v2(Bucket="news")["Contents"]
        blobs = {o["Key"]: good.get_object(Bucket="news", Key=o["Key"])["Body"].read() for o in listed}
        assert urls(records_of(blobs)) == Counter({site.url(f"a{i}.html"): 1 for i in range(30)})


def test_s3_slow_server_times_out_then_stores_each_part_once(site, moto, bucket, tmp_path) -> None:
    proxy = DelayProxy(moto.port, delay=1.5, slow=2)  # two replies arrive after the 1 s timeout
    try:
        spool = tmp_path / "spool"
        slow = {**moto.settings, "AWS_ENDPOINT_URL": proxy.endpoint}
        proc = run_scrapy(
            *crawl_args(
                site.base_url, f"s3://{bucket}/", spool, EXPORT_S3_TIMEOUT="1", EXPORT_RETRY_CLOSE_TIMEOUT="20", **slow
            )
        )
    finally:
        proxy.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Export upload failed" in proc.stderr
    objects = moto.objects(bucket)
    assert urls(records_of(objects)) == Counter({site.url(f"a{i}.html"): 1 for i in range(30)})
    assert not list(spool.iterdir())


def test_s3_killed_mid_run_and_restarted(tmp_path) -> None:
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    with serve(make_site(tmp_path / "site", 40)) as site, MotoServer() as s3:
        s3.client.create_bucket(Bucket="news")
        # The crawl reaches the store through a proxy, so the test can cut it off, then read what the
        # store holds before killing it (moto keeps objects only in memory) and restore that on restart.
        front = DelayProxy(s3.port)
        spool = tmp_path / "spool"
        store = {**s3.settings, "AWS_ENDPOINT_URL": front.endpoint}
        # Parts roll by age here (every 0.5 s), not by count.
        args = crawl_args(site.base_url, "s3://news/", spool, DOWNLOAD_DELAY="0.05", CONCURRENT_REQUESTS="1",
                          EXPORT_BATCH_ITEMS="1000", EXPORT_BATCH_SECONDS="0.5", EXPORT_RETRY_CLOSE_TIMEOUT="30",
                          **store)  # fmt: skip
        crawl = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=REPO, env=scrapy_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 30
        while not any("part-" in k for k in s3.objects("news")) and time.monotonic() < deadline:
            time.sleep(0.1)
        front.cut()
        kept = s3.snapshot("news")
        s3.stop()
        time.sleep(1.0)
        s3.start()  # (on another port if its own was taken meanwhile)
        s3.restore("news", kept)
        front.restore(s3.port)
        try:
            _, stderr = crawl.communicate(timeout=90)
        finally:
            front.close()
        assert crawl.returncode == 0, stderr[-3000:]
        assert "Export upload failed" in stderr
        objects = s3.objects("news")
        assert urls(records_of(objects)) == Counter({site.url(f"a{i}.html"): 1 for i in range(40)})
        assert scraped_count(stderr) == 40
        assert len([k for k in objects if k.startswith("part-")]) > 1


def test_export_flush_recovers_a_crashed_part_dropping_the_torn_line(tmp_path) -> None:
    from crawler.export.spool import RunSpool

    spool, out = tmp_path / "spool", tmp_path / "out"
    run = RunSpool(spool, "R-crashed")
    run.create(
        {
            "run_id": "R-crashed",
            "spider": "x",
            "uri": normalise_uri(str(out)),
            "root": normalise_uri(str(out)),
            "format": "jsonlines",
            "gzip": True,
            "gzip_level": 6,
            "extension": "jsonl.gz",
            "encoding": "utf-8",
            "started_at": "2026-01-01T00:00:00+00:00",
        }
    )
    f = run.open_part(1, normalise_uri(str(out)), "")
    f.write(b'{"url": "u1"}\n{"url": "u2"}\n{"url": "u3"}\n{"url": "u')  # killed mid-write
    f.close()
    run.unlock()  # the process "died"
    proc = run_scrapy("export-flush", "-s", f"EXPORT_SPOOL_DIR={spool}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 torn line(s) dropped" in proc.stdout
    [part] = out.glob("part-R-crashed-00001.jsonl.gz")
    assert gzip.decompress(part.read_bytes()) == b'{"url": "u1"}\n{"url": "u2"}\n{"url": "u3"}\n'
    manifest = json.loads((out / "_manifest" / "R-crashed.json").read_bytes())
    assert (manifest["status"], manifest["items"], manifest["torn_lines_dropped"]) == ("recovered", 3, 1)
    assert not list(spool.iterdir())


def test_jobdir_kill9_then_resume_exports_every_article_once(moto, bucket, tmp_path) -> None:
    # Enough pages that Scrapy has flushed part of requests.seen to disk when the process is killed.
    N = 300
    with serve(make_site(tmp_path / "site", N)) as site:
        spool, jobdir = tmp_path / "spool", tmp_path / "job"
        args = crawl_args(
            site.base_url,
            f"s3://{bucket}/",
            spool,
            JOBDIR=str(jobdir),
            DOWNLOAD_DELAY="0.05",
            EXPORT_BATCH_ITEMS="25",
            CONCURRENT_REQUESTS="2",
            **moto.settings,
        )
        crawl = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *args],
            cwd=REPO,
            env=scrapy_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            written = sum(p.read_bytes().count(b"\n") for p in spool.glob("*/open/*.jsonl"))
            if any("part-" in k for k in moto.objects(bucket)) and written >= 2:
                break
            time.sleep(0.05)
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        before = len(records_of(moto.objects(bucket))) + len(spool_records(spool))
        assert 0 < before < N, "killed mid-crawl"
        resumed = run_scrapy(
            *[a.replace("DOWNLOAD_DELAY=0.05", "DOWNLOAD_DELAY=0") for a in args],
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        )
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        objects = moto.objects(bucket)
        assert urls(records_of(objects)) == Counter({site.url(f"a{i}.html"): 1 for i in range(N)})
        assert "news/jobdir/crash_reset" in resumed.stderr
        assert len([k for k in objects if k.startswith("_manifest/")]) == 2
        assert not list(spool.iterdir())


def test_trend_site_exported_to_s3_equals_dash_O_byte_for_byte(trend_site, moto, bucket, tmp_path) -> None:
    from tests.support.trend_site import CRAWL_SETTINGS, EXPECTED_STATS, crawl_stats

    out = tmp_path / "articles.jsonl"
    settings = {
        "EXPORT_URI": f"s3://{bucket}/{{spider}}/{{date_published:%Y/%m/%d}}/",
        "EXPORT_GZIP": "True",
        "EXPORT_SPOOL_DIR": str(tmp_path / "spool"),
        **moto.settings,
    }
    proc = run_scrapy(
        "crawl",
        "trend",
        "-a",
        f"base_url={trend_site.base_url}",
        "-O",
        str(out),
        *CRAWL_SETTINGS,
        *[a for k, v in settings.items() for a in ("-s", f"{k}={v}")],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    objects = moto.objects(bucket)
    lines = [line for k, v in objects.items() if "/part-" in k for line in gzip.decompress(v).splitlines(keepends=True)]
    expected = out.read_bytes().splitlines(keepends=True)
    assert len(expected) == EXPECTED_STATS["item_scraped_count"] == crawl_stats(proc.stderr)["news/export/items"]
    assert sorted(lines) == sorted(expected)
    # Partitioned by each article's own publication date (the site's local date).
    for key, data in objects.items():
        if "/part-" in key:
            for record in map(json.loads, gzip.decompress(data).splitlines()):
                assert key.startswith("trend/" + record["date_published"][:10].replace("-", "/") + "/")
    assert [k for k in objects if k.startswith("trend/_manifest/")]


def test_same_run_id_after_a_crash_continues_that_run(site, tmp_path) -> None:
    from crawler.export.spool import RunSpool

    spool, out = tmp_path / "spool", tmp_path / "out"
    root = normalise_uri(str(out))
    run = RunSpool(spool, "R7")
    run.create({"run_id": "R7", "spider": SPIDER, "uri": root, "root": root, "format": "jsonlines", "gzip": False,
                "gzip_level": 6, "extension": "jsonl", "encoding": "utf-8", "started_at": "2026-01-01T00:00:00+00:00"})  # fmt: skip
    f = run.open_part(1, root, "")
    f.write(b'{"url": "http://old/1"}\n{"url": "http://old/2"}\n{"url": "ht')
    f.close()
    run.unlock()
    # a local store is always reachable: give the close all the time it needs on a loaded machine
    proc = run_scrapy(*crawl_args(site.base_url, str(out), spool, EXPORT_RUN_ID="R7", EXPORT_RETRY_CLOSE_TIMEOUT="30"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((out / "_manifest" / "R7.json").read_bytes())
    assert [p["path"] for p in manifest["parts"]] == [f"part-R7-{i:05d}.jsonl" for i in range(1, 8)]
    assert (manifest["items"], manifest["torn_lines_dropped"]) == (32, 1)
    exported = records_of({p.name: p.read_bytes() for p in out.glob("part-*")})
    assert len(exported) == 32 and {"http://old/1", "http://old/2"} <= set(urls(exported))


def test_sidecar_written_after_the_run_closed_is_still_stored(site, tmp_path) -> None:
    spool, out = tmp_path / "spool", tmp_path / "out"
    extensions = json.dumps({"tests.support.sidecar.LateSidecar": 10})
    proc = run_scrapy(*crawl_args(site.base_url, str(out), spool, EXTENSIONS=extensions, EXPORT_RUN_ID="L1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "_late" / "L1.txt").read_bytes() == b"late\n"
    assert json.loads((out / "_manifest" / "L1.json").read_bytes())["items"] == 30
    assert not list(spool.iterdir())

    # The same, with the store unwritable: the sidecar stays in the spool and the run fails.
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the export directory should be")
    proc = run_scrapy(*crawl_args(site.base_url, str(blocked), spool, EXTENSIONS=extensions, EXPORT_RUN_ID="L2"))
    assert proc.returncode == 1
    assert "'finish_reason': 'export_pending'" in proc.stderr
    assert len(spool_records(spool)) == 30
    # (the site-health report, another sidecar, is kept there too)
    assert b"late\n" in [p.read_bytes() for p in spool.glob("L2/ready/sidecar-*") if not p.name.endswith(".json")]
