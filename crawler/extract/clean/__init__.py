"""Cleaning steps shared by all sites.

Input processors take one value and return a value, a list or None (None drops the value).
They never raise on odd input. Cross-field steps (pulling the dateline, byline and editor
lines out of the body) live in :func:`split_body`, which the loader runs once per article.

One module per topic; this package exports every processor (``from crawler.extract import clean as p``).
"""

from crawler.extract.clean.dates import *
from crawler.extract.clean.lists import *
from crawler.extract.clean.names import *
from crawler.extract.clean.text import *
