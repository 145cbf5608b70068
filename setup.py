"""Kept for ``scrapyd-deploy``, which builds eggs with ``python setup.py bdist_egg`` (and would otherwise
write its own setup.py here). Everything - name, packages, the ``scrapy`` settings entry point - is in
pyproject.toml."""

from setuptools import setup

setup()
