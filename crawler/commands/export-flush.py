# ruff: noqa: N999 - Scrapy names a command after its module
"""``scrapy export-flush`` (the command's name comes from this module's name; code in export_flush.py)."""

from scrapy.commands import ScrapyCommand

from crawler.commands.export_flush import ExportFlush


class Command(ExportFlush, ScrapyCommand):
    """Uploads export parts still pending in EXPORT_SPOOL_DIR."""
