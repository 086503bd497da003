"""Capture rules: after a response, set variables from its body, a header or the status."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tui.core.exchange import Exchange
from tui.core.jsonpath_query import JsonPathError, query
from tui.core.model import Capture, CaptureSource


@dataclass(frozen=True)
class CaptureResult:
    captured: dict[str, str]
    problems: list[str]  # one line per rule that found nothing or failed, naming the rule


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def apply_captures(captures: list[Capture], exchange: Exchange) -> CaptureResult:
    """Evaluate the enabled rules. Only successful (2xx) responses are captured from."""
    captured: dict[str, str] = {}
    problems: list[str] = []
    response = exchange.response
    rules = [c for c in captures if c.enabled and c.variable]
    if response is None or not rules or not exchange.ok:
        return CaptureResult(captured, problems)
    document: object = None
    parsed = False
    for rule in rules:
        if rule.source == CaptureSource.STATUS:
            captured[rule.variable] = str(response.status)
        elif rule.source == CaptureSource.HEADER:
            value = response.header(rule.path)
            if value is None:
                problems.append(f"{rule.variable}: no header {rule.path!r} in the response")
            else:
                captured[rule.variable] = value
        else:
            if not parsed:
                parsed = True
                try:
                    document = response.json()
                except ValueError:
                    document = None
            if document is None:
                problems.append(f"{rule.variable}: the body is not JSON")
                continue
            try:
                matches = query(rule.path, document)
            except JsonPathError as exc:
                problems.append(f"{rule.variable}: {exc}")
                continue
            if not matches:
                problems.append(f"{rule.variable}: {rule.path} matched nothing")
                continue
            captured[rule.variable] = _as_text(matches[0])
            if rule.keep_all:
                captured[f"{rule.variable}_all"] = json.dumps(matches, ensure_ascii=False)
    return CaptureResult(captured, problems)
