"""Site health per run: what a run fetched, exported and dropped, field coverage, and a verdict against thresholds.

At the end of every run the extension builds one report (:meth:`HealthExtension.report`), logs it,
writes it as JSON to ``<STATE_DIR>/health/<spider>/<run_id>.json`` (not with ``STATE_DIR=:memory:``)
and, when the export plugin is on, beside its manifest as ``_health/<run_id>.json``, then checks it:

- coverage: the share of parsed articles (exported or dropped) that have each field, against
  ``HEALTH_MIN_COVERAGE`` (field -> share; defaults below, merged with the setting, so a spider's
  ``custom_settings`` changes one field) - a redesign shows as headlines or bodies going missing;
- yield: parsed articles per fetched article page, against ``HEALTH_MIN_ARTICLE_YIELD`` - a
  redesign can also make pages stop looking like articles at all;
- fallback: the share of parsed articles whose field came from the generic extractor although their
  spider has site rules (``selectors``) for it (the rules missed), against ``HEALTH_MAX_FALLBACK``
  (field -> share, defaults below, merged like coverage; 1 turns a field's check off) - with the
  generic fallback a redesign no longer empties the records, so this is where it shows. Only the
  articles whose spider has rules for the field count, in the share and in its sample: a field the
  generic extractor fills because the host has no spider (records of the ``generic`` spider, also
  ``scrapy reparse``'s fallback for unknown hosts) or because the spider declares no rule for it is
  the expected path, not a fallback;
- blocked: HTTP 403 and 429 are counted apart; their share of responses above
  ``HEALTH_MAX_BLOCKED_SHARE`` fails the run as ``blocked`` (not a layout problem);
- unreachable: no response at all, only download errors, fails the run as ``unreachable``.

Pages fetched again because they gave no article in an earlier run are reported
(``article_pages_retried``) but left out of the verdict, which is about what is new on the site.

Checks run only on ``HEALTH_MIN_SAMPLE`` pages / articles or more: an incremental run that found
nothing new is healthy. A failed check ends the run through :func:`crawler.runinfo.fail_run`
with finish reason ``unhealthy`` (or ``blocked``, ``unreachable``), which Scrapyd's job log shows.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler import runinfo
from crawler.export import write_sidecar
from crawler.items import ARTICLE_FIELDS
from crawler.state.requests import META_RETRY, is_article_request
from crawler.state.store import MEMORY, state_dir

logger = logging.getLogger(__name__)

# A redesign takes a field to (near) zero; a few odd pages (galleries, truncated pages) must not alarm.
DEFAULT_MIN_COVERAGE: dict[str, float] = {
    "headline": 0.8,
    "article_body": 0.8,
    "date_published": 0.7,
}
BLOCKED_STATUSES = (403, 429)
GENERIC_SPIDER = "generic"
"""``spider`` of the records of the generic spider and of ``scrapy reparse``'s fallback: no site rules at all."""


DEFAULT_MAX_FALLBACK: dict[str, float] = {"headline": 0.5, "article_body": 0.5, "date_published": 0.5}


@dataclass(frozen=True)
class HealthConfig:
    """``HEALTH_*`` settings."""

    min_coverage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_COVERAGE))
    max_fallback: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MAX_FALLBACK))
    min_article_yield: float = 0.5
    max_blocked_share: float = 0.5
    min_sample: int = 3

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HealthConfig:
        coverage = dict(DEFAULT_MIN_COVERAGE)
        coverage.update({k: float(v) for k, v in settings.getdict("HEALTH_MIN_COVERAGE").items()})
        fallback = dict(DEFAULT_MAX_FALLBACK)
        fallback.update({k: float(v) for k, v in settings.getdict("HEALTH_MAX_FALLBACK").items()})
        return cls(
            min_coverage={k: v for k, v in coverage.items() if v > 0},
            max_fallback={k: v for k, v in fallback.items() if v < 1},
            min_article_yield=settings.getfloat("HEALTH_MIN_ARTICLE_YIELD", 0.5),
            max_blocked_share=settings.getfloat("HEALTH_MAX_BLOCKED_SHARE", 0.5),
            min_sample=settings.getint("HEALTH_MIN_SAMPLE", 3),
        )


def drop_reason(exception: BaseException) -> str:
    """A DropItem -> its reason: the message up to ``:`` (pipelines raise ``"<reason>: <url>"``)."""
    text = str(exception).split(":", 1)[0].strip()
    return text[:60] or type(exception).__name__


class HealthExtension:
    """Collects per-run health facts from signals; reports, writes and judges them when the spider closes."""

    def __init__(self, crawler: Crawler, config: HealthConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.article_pages = 0
        self.retried = 0
        self.parsed = 0
        self.present: Counter[str] = Counter()
        self.fallback: Counter[str] = Counter()
        self.ruled: Counter[str] = Counter()
        """Parsed articles per field whose spider has site rules for the field (the fallback share's base)."""
        self._rule_fields: dict[str | None, frozenset[str] | None] = {}
        self._spider_loader: Any = None
        self.drops: Counter[str] = Counter()
        self.started = datetime.now(timezone.utc)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthExtension:
        if not crawler.settings.getbool("HEALTH_ENABLED", True):
            raise NotConfigured("HEALTH_ENABLED is off")
        return cls(crawler, HealthConfig.from_settings(crawler.settings))

    # --- collecting ---------------------------------------------------------------------------

    def response_received(self, response: Response, request: Request) -> None:
        if is_article_request(request) and 200 <= response.status < 300:
            if request.meta.get(META_RETRY):
                self.retried += 1
            else:
                self.article_pages += 1

    def _count_fields(self, item: Any, response: Response | None) -> None:
        # Pages that gave no article in an earlier run are fetched again (a fixed parser gets its
        # chance) but are not judged again: the run's verdict is about what is new on the site.
        if response is not None and response.meta.get(META_RETRY):
            return
        self.parsed += 1
        for name, value in ItemAdapter(item).items():
            if value not in (None, "", [], {}):
                self.present[name] += 1
        adapter = ItemAdapter(item)
        rules = self.rule_fields(adapter.get("spider"))
        extraction = adapter.get("extraction") or {}
        for name in {*extraction, *self.config.max_fallback}:
            if rules is not None and name not in rules:
                continue  # no site rule for the field: the generic extractor is its expected path
            self.ruled[name] += 1
            if extraction.get(name) == "generic":
                self.fallback[name] += 1

    def rule_fields(self, spider_name: str | None) -> frozenset[str] | None:
        """The fields a record's spider has site rules (``selectors``) for; None when unknown (all count).

        The running spider itself, else (``scrapy reparse`` runs many) the project's spider of that name.
        """
        if spider_name in self._rule_fields:
            return self._rule_fields[spider_name]
        rules: frozenset[str] | None = None
        if spider_name == GENERIC_SPIDER:
            rules = frozenset()
        else:
            running = getattr(self.crawler, "spider", None)
            cls: Any = None
            if running is not None and (spider_name is None or running.name == spider_name):
                cls = type(running)
            elif spider_name:
                try:
                    if self._spider_loader is None:
                        from scrapy.spiderloader import get_spider_loader

                        self._spider_loader = get_spider_loader(self.crawler.settings)
                    cls = self._spider_loader.load(spider_name)
                except Exception:  # noqa: BLE001 - an unknown spider: count every field (the strict old way)
                    logger.debug("health: no spider %r to read site rules from", spider_name)
            selectors = getattr(cls, "selectors", None) if cls is not None else None
            if isinstance(selectors, dict):
                rules = frozenset(f for f, r in selectors.items() if r)
        self._rule_fields[spider_name] = rules
        return rules

    def item_scraped(self, item: Any, response: Response | None = None) -> None:
        self._count_fields(item, response)

    def item_dropped(self, item: Any, exception: BaseException, response: Response | None = None) -> None:
        self._count_fields(item, response)
        self.drops[drop_reason(exception)] += 1

    # --- reporting ----------------------------------------------------------------------------

    def report(self, spider: Spider, reason: str | None = None) -> dict[str, Any]:
        """This run's health as a JSON-ready dict (see README "Site health")."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        prefix = "downloader/response_status_count/"
        statuses = {int(k[len(prefix) :]): v for k, v in stats.items() if k.startswith(prefix)}
        errors = {str(code): n for code, n in sorted(statuses.items()) if code >= 400}
        blocked = sum(statuses.get(code, 0) for code in BLOCKED_STATUSES)
        responses = int(stats.get("downloader/response_count", 0))
        # Timeouts, refused connections, DNS...; not the IgnoreRequest of skipped or robots-forbidden pages.
        exc_prefix = "downloader/exception_type_count/"
        errors_total = sum(
            int(v) for k, v in stats.items() if k.startswith(exc_prefix) and not k.endswith("IgnoreRequest")
        )
        fields = [
            f for f in ARTICLE_FIELDS if f not in ("spider", "fetched_at", "extraction", "revision", "cluster_id")
        ]
        coverage = {f: round(self.present[f] / self.parsed, 4) for f in fields} if self.parsed else {}
        # news/recall_guard/<site> (a re-parse covers several sites); news/recall_guard/<site>/<source> too.
        recall = {
            k.removeprefix("news/recall_guard/"): int(v)
            for k, v in sorted(stats.items())
            if k.startswith("news/recall_guard/") and k.count("/") == 2
        }
        incremental = {
            k.removeprefix("news/incremental/"): v for k, v in stats.items() if k.startswith("news/incremental/")
        }
        return {
            "spider": spider.name,
            "run_id": runinfo.run_id(self.crawler),
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "close_reason": reason,
            "pages_fetched": responses,
            "article_pages_fetched": self.article_pages,
            "article_pages_retried": self.retried,
            "articles_parsed": self.parsed,
            "articles_exported": int(stats.get("item_scraped_count", 0)),
            "drops": dict(sorted(self.drops.items())),
            "http_errors": errors,
            "blocked": blocked,
            "download_errors": errors_total,
            "coverage": coverage,
            "fallback": {f: round(self.fallback[f] / n, 4) for f, n in sorted(self.ruled.items()) if n},
            "fallback_sample": dict(sorted(self.ruled.items())),
            "incremental": dict(sorted(incremental.items())),
            # Site bodies the recall guard replaced (the page's JSON-LD or generic body held clearly more of
            # the story): a share that grows means the site's body rule no longer covers its layout.
            "recall_guard": {
                "replaced": sum(recall.values()),
                "share": round(sum(recall.values()) / self.parsed, 4) if self.parsed else 0.0,
                "by_site": recall,
            },
            "thresholds": {
                "min_coverage": self.config.min_coverage,
                "max_fallback": self.config.max_fallback,
                "min_article_yield": self.config.min_article_yield,
                "max_blocked_share": self.config.max_blocked_share,
                "min_sample": self.config.min_sample,
            },
        }

    def judge(self, report: dict[str, Any]) -> tuple[str | None, list[str]]:
        """A report -> (failure reason or None, problems found)."""
        cfg = self.config
        problems: list[str] = []
        responses = report["pages_fetched"]
        if responses == 0 and report["download_errors"]:
            problems.append(f"no page fetched: {report['download_errors']} download errors")
            return "unreachable", problems
        if responses >= cfg.min_sample and report["blocked"] / responses > cfg.max_blocked_share:
            problems.append(f"blocked: {report['blocked']} of {responses} responses were 403/429")
            return "blocked", problems
        if report["article_pages_fetched"] >= cfg.min_sample:
            yield_ = report["articles_parsed"] / report["article_pages_fetched"]
            if yield_ < cfg.min_article_yield:
                problems.append(
                    f"article yield {yield_:.2f} < {cfg.min_article_yield}: {report['articles_parsed']} articles"
                    f" from {report['article_pages_fetched']} article pages"
                )
        if report["articles_parsed"] >= cfg.min_sample:
            for name, minimum in sorted(cfg.min_coverage.items()):
                share = report["coverage"].get(name, 0.0)
                if share < minimum:
                    problems.append(f"coverage of {name} {share:.2f} < {minimum}")
        sample = report.get("fallback_sample")
        for name, maximum in sorted(cfg.max_fallback.items()):
            # Judged on the articles whose spider has site rules for the field, when there are enough.
            if (sample.get(name, 0) if sample is not None else report["articles_parsed"]) < cfg.min_sample:
                continue
            share = report.get("fallback", {}).get(name, 0.0)
            if share > maximum:
                problems.append(
                    f"{name} from the generic extractor on {share:.0%} of articles with site rules for it"
                    f" (> {maximum:.0%}): the site's selectors no longer match"
                )
        return ("unhealthy" if problems else None), problems

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = self.report(spider, reason)
        failure, problems = self.judge(report)
        report["healthy"] = failure is None
        report["problems"] = problems
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("news/health/healthy", failure is None)
            for name, share in report["coverage"].items():
                stats.set_value(f"news/health/coverage/{name}", share)
        logger.info(
            "Site health of %s (run %s): %s",
            spider.name,
            report["run_id"],
            json.dumps(report, ensure_ascii=False, sort_keys=True),
        )
        self._write(report)
        if failure:
            runinfo.fail_run(self.crawler, failure, f"{spider.name}: " + "; ".join(problems))

    def _write(self, report: dict[str, Any]) -> None:
        data = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        name = f"{report['run_id']}.json"
        directory = state_dir(self.crawler.settings)
        if directory != MEMORY:
            path = Path(directory) / "health" / report["spider"] / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".json.tmp")
                tmp.write_bytes(data)
                os.replace(tmp, path)
                report_path = str(path)
                if self.crawler.stats is not None:
                    self.crawler.stats.set_value("news/health/report", report_path)
            except OSError as exc:
                logger.error("Cannot write the health report %s: %s", path, exc)
        # A remote store's failure must not hide the verdict: logged (by the signal) and counted.
        if write_sidecar(self.crawler, f"_health/{name}", data):
            logger.error("Cannot write the health report beside the export manifest")
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("news/health/sidecar_failed")
