"""The byline add-on: turns on validation and de-duplication for every crawl."""

from __future__ import annotations

from scrapy.settings import BaseSettings


class StructuredExport:
    """Enables our pipelines. Project settings (priority 20) can override what is set here."""

    def update_settings(self, settings: BaseSettings) -> None:
        settings.setdefault_in_component_priority_dict(
            "ITEM_PIPELINES", "pipelines.validate.ValidatePipeline", 100
        )
        settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", "pipelines.dedupe.DedupePipeline", 200)
        self.enable_export(settings)

    @staticmethod
    def enable_export(settings: BaseSettings) -> None:
        """EXPORT_URI set -> the spooled export pipeline (900) and, with JOBDIR, the crash guard."""
        if not settings.get("EXPORT_URI"):
            return
        settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", "pipelines.export.ExportPipeline", 900)
        if settings.get("JOBDIR"):
            settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.jobdir.JobdirCrashGuard", 0)
