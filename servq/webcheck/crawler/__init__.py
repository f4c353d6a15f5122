"""servq's link checker: a pure asyncio core, no Django; `python -m servq.webcheck URL`."""

from servq.webcheck.crawler.crawl import Crawler, Options, check_links, check_site, check_sites
from servq.webcheck.crawler.fetch import Limits
from servq.webcheck.crawler.model import LinkResult, Report, Source

__all__ = [
    "Crawler",
    "Limits",
    "LinkResult",
    "Options",
    "Report",
    "Source",
    "check_links",
    "check_site",
    "check_sites",
]
