"""The byline add-on: turns on validation and de-duplication for every crawl."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.archive.replay import isolate_replay_state


class StructuredExport:
    """Enables our pipelines. Project settings (priority 20) can override what is set here."""

    def update_settings(self, settings: BaseSettings) -> None:
        settings.setdefault_in_component_priority_dict(
            "ITEM_PIPELINES", "pipelines.validate.ValidatePipeline", 100
        )
        settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", "pipelines.dedupe.DedupePipeline", 200)
        enable_incremental_and_health(settings)
        isolate_replay_state(settings)
        self.enable_export(settings)

    @staticmethod
    def enable_export(settings: BaseSettings) -> None:
        """EXPORT_URI set -> the spooled export pipeline (900) and, with JOBDIR, the crash guard."""
        if not settings.get("EXPORT_URI"):
            return
        settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", "pipelines.export.ExportPipeline", 900)
        if settings.get("JOBDIR"):
            settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.export.jobdir.JobdirCrashGuard", 0)


def enable_incremental_and_health(settings: BaseSettings) -> None:
    """Seen-store (``STATE_*``, off with ``STATE_ENABLED=False``) and site health (``HEALTH_*``) for every crawl."""
    # Judges article requests as the spider yields them, before the scheduler's duplicate filter.
    settings.setdefault_in_component_priority_dict(
        "SPIDER_MIDDLEWARES", "crawler.state.requests.IncrementalSpiderMiddleware", 500
    )
    # 50: sees the final response (after redirects and retries) to record validators and 304s.
    settings.setdefault_in_component_priority_dict(
        "DOWNLOADER_MIDDLEWARES", "crawler.state.requests.IncrementalMiddleware", 50
    )
    # After validation and de-duplication, before any exporter.
    settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", "pipelines.revisions.IncrementalPipeline", 300)
    settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.health.HealthExtension", 500)
