"""byline-schedule: options from arguments and environment, and its exit status when Scrapyd is unreachable."""

from __future__ import annotations

import socket

import pytest

from crawler.schedule import DEFAULT_PROJECT, DEFAULT_URL, main, parse_args


def test_defaults_then_environment_then_arguments():
    opts = parse_args([], {})
    assert (opts.url, opts.project, opts.auth, opts.spiders) == (DEFAULT_URL, DEFAULT_PROJECT, None, [])
    env = {"SCRAPYD_URL": "http://10.0.0.5:6800", "SCRAPYD_USERNAME": "u", "SCRAPYD_PASSWORD": "p",
           "BYLINE_SPIDERS": "trend, example_times  other", "BYLINE_SCRAPYD_PROJECT": "news"}
    opts = parse_args(["-s", "LOG_LEVEL=INFO", "-a", "since=2026-11-01"], env)
    assert (opts.url, opts.project, opts.auth) == ("http://10.0.0.5:6800", "news", ("u", "p"))
    assert opts.spiders == ["trend", "example_times", "other"]
    assert (opts.settings, opts.args) == (["LOG_LEVEL=INFO"], ["since=2026-11-01"])
    opts = parse_args(["--url", "http://h:1", "--auth", "a:b:c", "trend"], env)
    assert (opts.url, opts.auth, opts.spiders) == ("http://h:1", ("a", "b:c"), ["trend"])


@pytest.mark.parametrize("argv", [["-s", "NOVALUE"], ["-a", "=x"], ["--auth", "nopassword"]])
def test_bad_arguments_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        parse_args(argv, {})
    assert exc.value.code == 2


def test_unreachable_scrapyd_exits_1(capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["--url", f"http://127.0.0.1:{port}", "--timeout", "5", "trend"], {}) == 1
    assert "FAILED" in capsys.readouterr().err
    assert main(["--url", f"http://127.0.0.1:{port}", "--timeout", "5"], {}) == 1  # listing the spiders fails
