"""`python -m servq.webcheck URL [URL …]`: check a site's links; exit 0 all good, 1 broken links, 2 failed."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from urllib.parse import urlsplit

from servq.webcheck.crawler import Limits, Options, check_site
from servq.webcheck.crawler.output import FORMATS, baseline_of, compared_with


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m servq.webcheck", description=__doc__)
    parser.add_argument("urls", nargs="+", metavar="URL", help="start pages (http or https)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--exclude", action="append", default=[], metavar="REGEX", help="skip matching URLs")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight in total")
    parser.add_argument("--per-host", type=int, default=8, help="requests in flight per host")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--max-pages", type=int, default=5000)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--no-robots", action="store_true", help="ignore robots.txt")
    parser.add_argument(
        "--no-sitemaps", action="store_true", help="do not read sitemap.xml (and those robots.txt names)"
    )
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="follow links to private or loopback addresses (the start hosts are always allowed)",
    )
    parser.add_argument(
        "--ca-file", default="", help="also trust the certificate authorities in this PEM file"
    )
    parser.add_argument("-o", "--output", help="write the report to this file instead of standard output")
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="compare with this baseline (JSON): exit 1 only for broken links that are new since it",
    )
    parser.add_argument("--write-baseline", metavar="FILE", help="write this run's baseline (JSON) to FILE")
    return parser.parse_args(argv)


def invalid_input(args: argparse.Namespace) -> str | None:
    for url in args.urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"{url!r} is not an http(s) URL"
    for pattern in args.exclude:
        try:
            re.compile(pattern)
        except re.error as error:
            return f"--exclude {pattern!r}: {error}"
    if args.concurrency < 1 or args.per_host < 1:
        return "--concurrency and --per-host must be at least 1"
    return None


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    problem = invalid_input(args)
    if problem:
        print(f"servq.webcheck: {problem}", file=sys.stderr)
        return 2
    options = Options(
        concurrency=args.concurrency,
        per_host=args.per_host,
        delay=args.delay,
        max_pages=args.max_pages,
        max_seconds=args.max_seconds,
        excludes=args.exclude,
        respect_robots=not args.no_robots,
        use_sitemaps=not args.no_sitemaps,
        limits=Limits(timeout=args.timeout, allow_private=args.allow_private, ca_file=args.ca_file),
    )
    try:
        report = asyncio.run(check_site(args.urls, options))
    except Exception as error:  # the check itself failed: exit 2, as CI tools expect
        print(f"servq.webcheck: the check failed: {error.__class__.__name__}: {error}", file=sys.stderr)
        return 2
    text = FORMATS[args.format](report)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        print(text)
    if report.pages == 0:
        print("servq.webcheck: no page could be read at the start URLs", file=sys.stderr)
        return 2
    if args.write_baseline:
        with open(args.write_baseline, "w", encoding="utf-8") as stream:
            json.dump(baseline_of(report), stream, ensure_ascii=False, indent=2)
    if args.baseline:
        try:
            with open(args.baseline, encoding="utf-8") as stream:
                baseline = json.load(stream)
        except (OSError, ValueError) as error:
            print(f"servq.webcheck: --baseline {args.baseline}: {error}", file=sys.stderr)
            return 2
        difference = compared_with(report, baseline if isinstance(baseline, dict) else {})
        for state, change in difference.items():
            for url in change["new"]:
                print(f"NEW {state.upper()} {url}", file=sys.stderr)
            for url in change["fixed"]:
                print(f"FIXED {state.upper()} {url}", file=sys.stderr)
        return 1 if difference["broken"]["new"] else 0
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
