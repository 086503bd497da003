"""Python + requests."""

from __future__ import annotations

from tui.core.exporters.code import python_http
from tui.core.exporters.code.model import CodeRequest


def render(code: CodeRequest) -> str:
    return python_http.render(code, "requests")
