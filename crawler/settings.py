"""Scrapy settings of byline, grouped by feature (see docs/configuration.md).

Components are plugged in by one add-on, :class:`crawler.addon.Byline`.
"""

BOT_NAME = "byline"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- politeness -------------------------------------------------------------------------------
USER_AGENT = "byline/0.1 (news crawler built on Scrapy; obeys robots.txt)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 60
# A page is at most what a re-parse takes (REPARSE_MAX_SIZE, 10 MiB): a larger one is skipped and counted
# (crawler/sizecap.py) instead of held whole in memory (Scrapy's default cap is 1 GiB).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# --- safety -----------------------------------------------------------------------------------
# Scrapy 2.19 opens a RemoteControl port that runs Python sent to it: keep it off.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- export -----------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
ADDONS = {"crawler.addon.Byline": 0}

# --- components -------------------------------------------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"
# A dropped item is one INFO line with its URL and reason, never the item (crawler/logformatter.py).
LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"

# --- re-parse (crawler/archive/, spiders/generic.py) ------------------------------
# `scrapy reparse`: pages of hosts that no site spider owns go to the generic extractor (the
# generic spider's article callback). "" skips them instead (counted in news/reparse/no_spider).
REPARSE_FALLBACK = "spiders.generic.GenericSpider"
