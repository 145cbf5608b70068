"""``byline-schedule``: start crawls on a Scrapyd server (``schedule.json``), for cron or a systemd timer.

Scrapyd has no timer of its own; run this on an interval::

    byline-schedule                          # every spider of the project on $SCRAPYD_URL
    byline-schedule trend example_times      # chosen spiders
    byline-schedule --skip-running -a since=2026-11-01 -s HEALTH_MIN_SAMPLE=10

Configuration (argument, else environment variable, else default):
``--url`` / ``SCRAPYD_URL`` (``http://127.0.0.1:6800``), ``--project`` / ``BYLINE_SCRAPYD_PROJECT``
(``byline``), ``--auth user:password`` / ``SCRAPYD_USERNAME`` + ``SCRAPYD_PASSWORD``,
spiders / ``BYLINE_SPIDERS`` (comma- or space-separated; none = all that ``listspiders.json`` gives).
Prints one line per spider; exits 1 when any spider could not be scheduled, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_URL = "http://127.0.0.1:6800"
DEFAULT_PROJECT = "byline"


class ScrapydError(Exception):
    """Scrapyd answered with an error, or could not be reached."""


@dataclass(frozen=True)
class Scrapyd:
    """A Scrapyd server's JSON API (the few endpoints scheduling needs)."""

    url: str
    auth: tuple[str, str] | None = None
    timeout: float = 30.0

    def _call(self, endpoint: str, params: Sequence[tuple[str, str]], post: bool) -> dict[str, Any]:
        """Endpoint and parameters -> the decoded JSON answer; ScrapydError when status is not "ok"."""
        query = urllib.parse.urlencode(list(params))
        url = self.url.rstrip("/") + "/" + endpoint
        data = query.encode("utf-8") if post else None
        if not post and query:
            url += "?" + query
        request = urllib.request.Request(url, data=data)
        if self.auth:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ScrapydError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ScrapydError(f"{endpoint}: {exc}") from exc
        if answer.get("status") != "ok":
            raise ScrapydError(f"{endpoint}: {answer.get('message', answer)}")
        return dict(answer)

    def list_spiders(self, project: str) -> list[str]:
        return list(self._call("listspiders.json", [("project", project)], post=False)["spiders"])

    def active_spiders(self, project: str) -> set[str]:
        """Spiders with a pending or running job in ``project``."""
        jobs = self._call("listjobs.json", [("project", project)], post=False)
        return {job["spider"] for state in ("pending", "running") for job in jobs.get(state, [])}

    def schedule(self, project: str, spider: str, settings: Sequence[str] = (), args: Sequence[str] = ()) -> str:
        """Schedule one job -> its job id. ``settings``/``args`` are ``KEY=VALUE`` strings."""
        params = [("project", project), ("spider", spider)]
        params += [("setting", s) for s in settings]
        for arg in args:
            key, _, value = arg.partition("=")
            params.append((key, value))
        return str(self._call("schedule.json", params, post=True)["jobid"])


def _key_value(text: str) -> str:
    if "=" not in text or text.startswith("="):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return text


def parse_args(argv: Sequence[str] | None, environ: dict[str, str]) -> argparse.Namespace:
    """Command line and environment -> options (``url``, ``project``, ``auth``, ``spiders``, ...)."""
    parser = argparse.ArgumentParser(prog="byline-schedule", description=__doc__.split("\n\n")[0])
    parser.add_argument("spiders", nargs="*", help="spiders to schedule (default: $BYLINE_SPIDERS, else all)")
    parser.add_argument("--url", default=environ.get("SCRAPYD_URL") or DEFAULT_URL, help="Scrapyd URL")
    parser.add_argument("--project", default=environ.get("BYLINE_SCRAPYD_PROJECT") or DEFAULT_PROJECT)
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="HTTP basic auth (default: $SCRAPYD_USERNAME/PASSWORD)")
    parser.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        type=_key_value,
        metavar="NAME=VALUE",
        help="Scrapy setting for the jobs (repeatable)",
    )
    parser.add_argument(
        "-a",
        dest="args",
        action="append",
        default=[],
        type=_key_value,
        metavar="NAME=VALUE",
        help="spider argument, e.g. since=2026-11-01 (repeatable)",
    )
    parser.add_argument(
        "--skip-running", action="store_true", help="do not schedule a spider that already has a pending or running job"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="HTTP timeout in seconds")
    opts = parser.parse_args(argv)
    if not opts.spiders and environ.get("BYLINE_SPIDERS"):
        opts.spiders = [s for s in re.split(r"[\s,]+", environ["BYLINE_SPIDERS"]) if s]
    if opts.auth:
        user, sep, password = opts.auth.partition(":")
        if not sep:
            parser.error("--auth needs USER:PASSWORD")
        opts.auth = (user, password)
    elif environ.get("SCRAPYD_USERNAME"):
        opts.auth = (environ["SCRAPYD_USERNAME"], environ.get("SCRAPYD_PASSWORD", ""))
    return opts


def main(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """Schedule the spiders; print ``<spider> <job id>`` per job. Returns the exit status."""
    opts = parse_args(argv, dict(os.environ if environ is None else environ))
    server = Scrapyd(opts.url, opts.auth, opts.timeout)
    try:
        spiders = opts.spiders or server.list_spiders(opts.project)
        active = server.active_spiders(opts.project) if opts.skip_running else set()
    except ScrapydError as exc:
        print(f"byline-schedule: {exc}", file=sys.stderr)
        return 1
    if not spiders:
        print(f"byline-schedule: project {opts.project!r} has no spiders (deployed?)", file=sys.stderr)
        return 1
    failed = 0
    for spider in spiders:
        if spider in active:
            print(f"{spider} skipped: a job is pending or running")
            continue
        try:
            job = server.schedule(opts.project, spider, opts.settings, opts.args)
        except ScrapydError as exc:
            failed += 1
            print(f"{spider} FAILED: {exc}", file=sys.stderr)
            continue
        print(f"{spider} {job}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
