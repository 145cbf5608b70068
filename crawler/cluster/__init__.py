"""Crawl and re-parse as a cluster of workers sharing one Redis (scrapy-redis), each article exported once.

``-s CLUSTER_URL=redis://host:port/db`` turns any run into a cluster worker (:mod:`crawler.cluster.addon`):

- :mod:`crawler.cluster.config` - ``CLUSTER_*`` settings, Redis keys, the connection check;
- :mod:`crawler.cluster.scheduler` - scrapy-redis's scheduler with a reliable queue (requests a worker
  took are kept in its in-flight hash until the engine is done with them; a dead worker's are re-queued);
- :mod:`crawler.cluster.worker` - worker lease (heartbeat thread), seeding lock, idle timeout, Redis loss,
  the run summary;
- :mod:`crawler.cluster.dedupe` and :mod:`crawler.cluster.seen_store` - the dedupe digests and the
  incremental seen-store in Redis, with atomic claims;
- :mod:`crawler.cluster.reparse` - the distributed ``scrapy reparse --queue``.

See docs/cluster.md.
"""
