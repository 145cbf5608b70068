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
