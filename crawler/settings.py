"""Scrapy settings of byline, grouped by feature (see README "Configuration")."""

BOT_NAME = "byline"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

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

# --- safety -----------------------------------------------------------------------------------
# Scrapy 2.19 opens a RemoteControl port that runs Python sent to it: keep it off.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- export -----------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
ADDONS = {"crawler.addon.StructuredExport": 0}

# --- components -------------------------------------------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"

# --- browser (JavaScript pages; BROWSER_* settings: see crawler/browser.py) ----------------------
# Registers scrapy-playwright for http/https; chromium starts only when a request asks for it.
ADDONS["crawler.browser.BrowserAddon"] = 0
# -s CLUSTER_URL=redis://host:port/db: a cluster worker on scrapy-redis (docs/cluster.md; off when unset).
ADDONS["crawler.cluster.addon.ClusterAddon"] = 0
# --- archive, replay, re-parse (crawler/archive.py, crawler/replay.py, crawler/reparse.py) -----
# Both components stay off until ARCHIVE_WARC_DIR / REPLAY_ARCHIVE is set (NotConfigured).
EXTENSIONS = {"crawler.archive.WarcArchive": 500}
DOWNLOADER_MIDDLEWARES = {"crawler.replay.ReplayMiddleware": 950}

# --- generic extraction (crawler/generic.py, spiders/generic.py) ------------------------------
# `scrapy reparse`: pages of hosts that no site spider owns go to the generic extractor (the
# generic spider's article callback). "" skips them instead (counted in news/reparse/no_spider).
REPARSE_FALLBACK = "spiders.generic.GenericSpider"
