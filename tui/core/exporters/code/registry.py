"""Every "copy as code" target: id (what ``--lang`` takes), label, highlighting language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.core.exporters.code import (
    curl,
    go_http,
    httpie,
    js_fetch,
    js_sdk,
    python_httpx,
    python_requests,
    python_sdk,
)
from tui.core.exporters.code.model import CodeRequest


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    language: str  # a Pygments lexer name, for highlighting
    render: Callable[[CodeRequest], str]
    sdk: bool = False  # offered only for requests that map onto an SDK call
    runs_with: str = ""  # the program that runs the snippet


TARGETS: tuple[Target, ...] = (
    Target("curl", "curl", "bash", curl.render, runs_with="bash"),
    Target("httpie", "HTTPie", "bash", httpie.render, runs_with="bash"),
    Target("python-httpx", "Python + httpx", "python", python_httpx.render, runs_with="python"),
    Target(
        "python-requests", "Python + requests", "python", python_requests.render, runs_with="python"
    ),
    Target(
        "python-sdk",
        "Python + Smartcar SDK",
        "python",
        python_sdk.render,
        sdk=True,
        runs_with="python",
    ),
    Target(
        "js-fetch", "JavaScript fetch (Node 18+)", "javascript", js_fetch.render, runs_with="node"
    ),
    Target(
        "js-sdk",
        "JavaScript + Smartcar Node SDK",
        "javascript",
        js_sdk.render,
        sdk=True,
        runs_with="node",
    ),
    Target("go", "Go net/http", "go", go_http.render, runs_with="go"),
)
BY_ID = {target.id: target for target in TARGETS}
DEFAULT_TARGET = "curl"
