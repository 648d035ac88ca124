"""Scrapy settings: polite defaults, plus the CRAWLER_* settings of PolicyRadar's own components."""

from scrapy.settings import default_settings as _scrapy

BOT_NAME = "policyradar"
SPIDER_MODULES = ["policyradar.spiders"]
NEWSPIDER_MODULE = "policyradar.spiders"

# -- politeness (per-source overrides come from sources.toml; crawl-wide ones from config.toml) --
USER_AGENT = "PolicyRadar/0.1 (+https://github.com/policyradar/policyradar)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False  # never a session: logged-in areas are out of bounds
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
RETRY_BACKOFF_MAX = 60.0
# A request that is given up becomes its source's reason in the run's summary: no ERROR line too.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
DNS_TIMEOUT = 10  # seconds for a host name to resolve (Scrapy's default: 60)
# Items of one response are processed one at a time (cheaper than starting 100 tasks per response).
CONCURRENT_ITEMS = 1
# Responses held at once between download and store (default 5 MB): enough to keep the workers
# busy; more only holds pages (and their decoded text) in memory.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
LOG_LEVEL = "INFO"

# -- PolicyRadar components --
CRAWLER_HOME = None  # the home folder; None means POLICYRADAR_HOME or ~/.policyradar
CRAWLER_RUN_ID = None  # set by `policyradar crawl`; a plain `scrapy crawl` opens its own run
CONDITIONALGET_ENABLED = True
CRAWLER_WORKERS = 1  # processes that extract (2 or more: and classify) beside the crawl; 0: none


def _without(base: dict[str, int], *removed: str) -> dict[str, int]:
    """Scrapy's components minus ``removed``. Listing one as None in DOWNLOADER_MIDDLEWARES or
    EXTENSIONS still imports it; left out of the *_BASE setting, it is never imported.
    """
    return {path: order for path, order in base.items() if path.rsplit(".", 1)[-1] not in removed}


# Replaced by ours (robots.txt, retry); never a login or a session (HTTP auth, cookies, which would
# also import tldextract and requests); sources set how far links are followed (depth).
DOWNLOADER_MIDDLEWARES_BASE = _without(
    _scrapy.DOWNLOADER_MIDDLEWARES_BASE,
    "RobotsTxtMiddleware",
    "RetryMiddleware",
    "HttpAuthMiddleware",
    "CookiesMiddleware",
)
SPIDER_MIDDLEWARES_BASE = _without(_scrapy.SPIDER_MIDDLEWARES_BASE, "DepthMiddleware")
# Scrapy's remote control runs Python code sent to a local HTTP server (its token in a file under
# ~/.local/state): no place in a cron job, and aiohttp is 10 MB. No telnet, no feed exports.
EXTENSIONS_BASE = _without(
    _scrapy.EXTENSIONS_BASE, "RemoteControl", "TelnetConsole", "FeedExporter"
)
DOWNLOADER_MIDDLEWARES = {
    "policyradar.crawler.middlewares.progress.DoneFailureMiddleware": 10,
    "policyradar.crawler.middlewares.lawful.LoggedInAreaMiddleware": 50,
    "policyradar.crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    "policyradar.crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "policyradar.crawler.middlewares.conditional.ConditionalGetMiddleware": 560,
}
SPIDER_MIDDLEWARES = {
    "policyradar.crawler.middlewares.progress.DoneOutputMiddleware": 10,
}
ITEM_PIPELINES = {
    "policyradar.crawler.pipelines.canonical.CanonicalUrlPipeline": 100,
    "policyradar.crawler.pipelines.shortcut.ShortcutPipeline": 200,
    "policyradar.crawler.pipelines.text.TextPipeline": 300,
    "policyradar.crawler.pipelines.version.VersionPipeline": 700,
    "policyradar.crawler.pipelines.tag.TagPipeline": 750,
    "policyradar.crawler.pipelines.store.StorePipeline": 800,
    "policyradar.crawler.pipelines.tag.RemovalTagPipeline": 900,
}
EXTENSIONS = {
    "policyradar.crawler.extensions.RunRecorder": 500,
}
