"""Spiders used only by the export tests (``-s SPIDER_MODULES=tests.export_spiders``)."""
