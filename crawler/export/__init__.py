"""The structured export: settings and URI templates (config), stores (local, S3) and the local spool.

The pipeline is ``pipelines.export.ExportPipeline``; ``scrapy export-flush`` uploads what a run left
in the spool.
"""
