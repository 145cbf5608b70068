"""The Redis backends of a cluster worker, in process: dedupe claims and the seen-store (against the SQLite one)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.cluster.config import Keys
from crawler.cluster.dedupe import RedisDedupePipeline, digest_fields
from crawler.cluster.seen_store import RedisSeenStore
from crawler.items import Article
from crawler.state.store import MEMORY, SeenStore


def fake_worker(server: Any, worker_id: str, alive: bool = True) -> Any:
    """What the backends use of a ClusterWorker: client, keys, id, lost, guard, config.url."""
    keys = Keys("byline", "crawl", "spider")
    client = server.client
    if alive:
        client.set(keys.lease(worker_id), "1")
    return SimpleNamespace(client=client, keys=keys, id=worker_id, lost=False, guard=lambda exc: False,
                           config=SimpleNamespace(url=server.url))  # fmt: skip


def article(url: str, body: str = "The story.", canonical: str | None = None) -> Article:
    return Article(url=url, canonical_url=canonical, headline="H", article_body=body)


def test_dedupe_claims_once_across_workers_and_frees_a_dead_workers_claim(redis_server) -> None:
    crawler = get_crawler()
    a = RedisDedupePipeline(crawler, fake_worker(redis_server, "a"))
    b = RedisDedupePipeline(crawler, fake_worker(redis_server, "b"))
    first = a.process_item(article("https://x.test/1?utm_source=rss", "Story one."))
    with pytest.raises(DropItem, match="duplicate url"):  # same page (tracking stripped), a live claim
        b.process_item(article("https://x.test/1", "Story one, updated."))
    with pytest.raises(DropItem, match="duplicate body"):  # same words under another URL
        b.process_item(article("https://x.test/copy", "story ONE"))
    with pytest.raises(DropItem, match="duplicate url"):  # the same worker meets it again
        a.process_item(article("https://x.test/other", "Other.", canonical="https://x.test/1"))
    a.item_done(first)  # exported: settled for good (with a's next claim, or shortly after), even once "a" is gone
    a.flush()
    redis_server.client.delete(a.worker.keys.lease("a"))
    with pytest.raises(DropItem):
        b.process_item(article("https://x.test/1", "Story one."))
    # A claim whose worker died before exporting is free again: its page is being fetched once more.
    redis_server.client.set(a.worker.keys.lease("a"), "1")
    a.process_item(article("https://x.test/2", "Story two."))
    with pytest.raises(DropItem):
        b.process_item(article("https://x.test/2", "Story two."))
    redis_server.client.delete(a.worker.keys.lease("a"))
    assert b.process_item(article("https://x.test/2", "Story two.")).url == "https://x.test/2"
    # An exported item's claims are marked done with the same worker's next claim (one round trip).
    third = a.process_item(article("https://x.test/3", "Story three."))
    a.item_done(third)
    a.process_item(article("https://x.test/4", "Story four."))
    assert redis_server.client.hget(a.key, digest_fields(ItemAdapter(third))[0][0]) == b"="
    assert crawler.stats.get_value("news/dedupe/url") == 4 and crawler.stats.get_value("news/dedupe/body") == 1


def test_seen_store_in_redis_answers_like_the_sqlite_one(redis_server) -> None:
    redis_store, sqlite_store = RedisSeenStore(fake_worker(redis_server, "a")), SeenStore(MEMORY)
    url, other = "https://x.test/a?utm_medium=feed", "https://x.test/b"
    for store in (redis_store, sqlite_store):
        assert store.get(url) is None
        store.record_listed(url, 100.0)
        store.record_listed(url, 50.0)  # the newest listed date is kept
        store.record_fetch(url, etag='"e1"', last_modified="Mon", listed_at=120.0, fetched_at=200.0)
        store.record_fetch(url, keep_validators=True, fetched_at=300.0)  # a 304
        store.record_export(url, "h1", "2026-01-01", 1)
        store.record_fetch(other, etag=None, fetched_at=310.0)
        store.record_export(other, "h2", None, 0)  # settled as a copy: not in the body index
    for name in ("url", "etag", "last_modified", "fetched_at", "listed_at", "body_hash", "date_modified", "revision"):
        assert getattr(redis_store.get(url), name) == getattr(sqlite_store.get(url), name), name
        assert getattr(redis_store.get(other), name) == getattr(sqlite_store.get(other), name), name
    for store in (redis_store, sqlite_store):
        assert store.exported_body("h1", "https://x.test/c") == url
        assert store.exported_body("h1", url) is None
        assert store.exported_body("h2", "https://x.test/c") is None
        assert store.count() == 2 and store.count(exported_only=True) == 2


def test_one_revision_is_claimed_by_one_live_worker(redis_server) -> None:
    a, b = RedisSeenStore(fake_worker(redis_server, "a")), RedisSeenStore(fake_worker(redis_server, "b"))
    url = "https://x.test/story"
    assert a.claim_revision(url, 1) and a.claim_revision(url, 1)
    assert not b.claim_revision(url, 1)  # "a" is alive and exporting it
    a.record_export(url, "h1", None, 1)
    assert not b.claim_revision(url, 1)  # exported already
    assert b.claim_revision(url, 2) and not a.claim_revision(url, 2)
    redis_server.client.delete(b.worker.keys.lease("b"))  # "b" died before exporting revision 2
    assert a.claim_revision(url, 2)


def test_seeding_lock_resumes_a_crashed_crawl_and_restarts_a_finished_one(redis_server) -> None:
    from scrapy import Spider

    from crawler.cluster.config import ClusterConfig
    from crawler.cluster.worker import ClusterWorker

    class Site(Spider):
        name = "site"

    def worker(worker_id: str) -> ClusterWorker:
        crawler = get_crawler(Site, {"CLUSTER_URL": redis_server.url, "CLUSTER_WORKER_ID": worker_id})
        w = ClusterWorker(crawler, ClusterConfig.from_settings(crawler.settings))
        w._stop.set()  # no heartbeat thread needed here
        return w

    c = redis_server.client
    first, second = worker("first"), worker("second")
    assert first.try_seed() and not second.try_seed()  # one seeder per crawl
    # Every worker gone: requests left in the queue -> a new worker resumes that crawl (no seeding) ...
    c.delete("byline:site:lease:first", "byline:site:lease:second")
    c.zadd("byline:site:requests", {b"request": 0})
    assert not worker("third").try_seed()
    # ... nothing left -> the crawl had ended without its keys cleared: start over, with a fresh dupefilter.
    c.delete("byline:site:requests", "byline:site:lease:third")
    c.sadd("byline:site:dupefilter", "fp")
    assert worker("fourth").try_seed()
    assert not c.exists("byline:site:dupefilter") and c.get("byline:site:seeded") == b"fourth"
