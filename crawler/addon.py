"""The byline add-on: the one place that plugs byline's components into Scrapy.

Every component is set with ``setdefault`` at the add-on priority (15), so project settings (20), a
spider's ``custom_settings`` (30) and the command line (40) still win. Components that a setting
turns on (``ARCHIVE_WARC_DIR``, ``REPLAY_ARCHIVE``, ``EXPORT_URI``) raise ``NotConfigured`` when it is
not set, or are added only when it is.
"""

from __future__ import annotations

from typing import Any, cast

from scrapy.settings import BaseSettings

from crawler.archive.replay import isolate_replay_state
from crawler.browser.policy import BrowserAddon
from crawler.cluster.addon import ClusterAddon

ITEM_PIPELINES: dict[str, int] = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    # Lightly edited copies of one story share a cluster_id (DEDUPE_NEAR=mark|drop|off).
    "pipelines.near_dupes.NearDupePipeline": 250,
    # After validation and de-duplication, before any exporter.
    "pipelines.revisions.IncrementalPipeline": 300,
}
SPIDER_MIDDLEWARES: dict[str, int] = {
    # Judges article requests as the spider yields them, before the scheduler's duplicate filter.
    "crawler.state.requests.IncrementalSpiderMiddleware": 500,
}
DOWNLOADER_MIDDLEWARES: dict[str, int] = {
    # 50: sees the final response (after redirects and retries) to record validators and 304s.
    "crawler.state.requests.IncrementalMiddleware": 50,
    # REPLAY_ARCHIVE: answers every request from WARC files (NotConfigured without it).
    "crawler.archive.replay.ReplayMiddleware": 950,
    # A page over DOWNLOAD_MAXSIZE is skipped and counted (news/download/too_large), not logged with a traceback.
    "crawler.sizecap.SizeCapMiddleware": 560,
}
EXTENSIONS: dict[str, int] = {
    "crawler.state.extension.SeenStoreExtension": 0,
    "crawler.health.HealthExtension": 500,
    # ARCHIVE_WARC_DIR: every download to rotating WARC files (NotConfigured without it).
    "crawler.archive.warc_writer.WarcArchive": 500,
    # One summary line at the end of a run: pages, articles, drops by reason, exported and where.
    "crawler.summary.RunSummary": 0,
}


def _setdefault(settings: BaseSettings, name: str, components: dict[str, int]) -> None:
    for path, priority in components.items():
        # Scrapy takes import paths as well as classes (typed for classes only).
        settings.setdefault_in_component_priority_dict(name, cast(Any, path), priority)


class Byline:
    """Validation, de-duplication, revisions, seen-store, health, archive/replay, browser, cluster and export."""

    def update_settings(self, settings: BaseSettings) -> None:
        _setdefault(settings, "ITEM_PIPELINES", ITEM_PIPELINES)
        _setdefault(settings, "SPIDER_MIDDLEWARES", SPIDER_MIDDLEWARES)
        _setdefault(settings, "DOWNLOADER_MIDDLEWARES", DOWNLOADER_MIDDLEWARES)
        _setdefault(settings, "EXTENSIONS", EXTENSIONS)
        isolate_replay_state(settings)
        BrowserAddon().update_settings(settings)
        # CLUSTER_URL=redis://...: scrapy-redis scheduler and dupefilter, Redis seen-store and dedupe.
        ClusterAddon().update_settings(settings)
        self.enable_export(settings)

    @staticmethod
    def enable_export(settings: BaseSettings) -> None:
        """EXPORT_URI set -> the spooled export pipeline (900) and, with JOBDIR, the crash guard."""
        if not settings.get("EXPORT_URI"):
            return
        _setdefault(settings, "ITEM_PIPELINES", {"pipelines.export.ExportPipeline": 900})
        if settings.get("JOBDIR"):
            _setdefault(settings, "EXTENSIONS", {"crawler.export.jobdir.JobdirCrashGuard": 0})
