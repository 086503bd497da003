"""``[webhooks]`` in config.toml: where the receiver listens, the public URL Smartcar posts
to, and capture rules for deliveries.

    [webhooks]
    port = 8001                 # the receiver's port (the OAuth callback has 8000)
    host = "127.0.0.1"          # loopback only; "0.0.0.0" opens it to the network, on purpose
    path = "/webhooks"          # the one path it answers
    public_url = "https://hooks.example.com/webhooks"   # what Smartcar's Dashboard has

    [[webhooks.captures]]       # from deliveries with a valid signature only
    variable = "battery"
    path = "$.data.signals[?@.code=='tractionbattery-stateofcharge'].body.value"

A malformed value never stops carman: the default applies and ``issues`` names the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.config import save_setting
from tui.core.errors import LoadIssue
from tui.core.model import Capture, CaptureSource
from tui.core.serialize import SchemaError, capture_from_dict, capture_to_dict
from tui.core.tomlfile import TomlFileError, line_of_key, read_toml

# 8001: beside the OAuth callback's 8000, so both listeners are easy to remember and to
# forward together; clear of the sandbox (8700-8719). `kubectl proxy` also defaults to 8001:
# the port-in-use message says how to pick another.
DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PATH = "/webhooks"
SECTION = "webhooks"


@dataclass
class WebhookSettings:
    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    path: str = DEFAULT_PATH
    public_url: str = ""
    captures: list[Capture] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The table as written back (defaults left out, so the file stays short)."""
        out: dict[str, Any] = {}
        if self.port != DEFAULT_PORT:
            out["port"] = self.port
        if self.host != DEFAULT_HOST:
            out["host"] = self.host
        if self.path != DEFAULT_PATH:
            out["path"] = self.path
        if self.public_url:
            out["public_url"] = self.public_url
        if self.captures:
            out["captures"] = [capture_to_dict(c) for c in self.captures]
        return out


def _issue(path: Path, key: str, message: str) -> LoadIssue:
    return LoadIssue(path, f"{SECTION}.{key}: {message}", line_of_key(path, key))


def load_webhook_settings(path: Path | None = None) -> WebhookSettings:
    path = path or paths.config_file()
    settings = WebhookSettings()
    if not path.exists():
        return settings
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        settings.issues.append(exc.issue)
        return settings
    table = data.get(SECTION, {})
    if not isinstance(table, dict):
        settings.issues.append(_issue(path, SECTION, "expected a table"))
        return settings
    port = table.get("port", DEFAULT_PORT)
    if isinstance(port, int) and not isinstance(port, bool) and 0 <= port <= 65535:
        settings.port = port
    else:
        settings.issues.append(_issue(path, "port", "expected a port number (0-65535)"))
    host = table.get("host", DEFAULT_HOST)
    if isinstance(host, str) and host.strip():
        settings.host = host.strip()
    else:
        settings.issues.append(_issue(path, "host", "expected an address such as 127.0.0.1"))
    where = table.get("path", DEFAULT_PATH)
    if isinstance(where, str) and where.startswith("/") and " " not in where:
        settings.path = where
    else:
        settings.issues.append(_issue(path, "path", "expected a path starting with /"))
    public = table.get("public_url", "")
    if isinstance(public, str):
        settings.public_url = public.strip()
    else:
        settings.issues.append(_issue(path, "public_url", "expected a URL"))
    rules = table.get("captures", [])
    if not isinstance(rules, list):
        settings.issues.append(_issue(path, "captures", "expected a list of tables"))
        rules = []
    for index, rule in enumerate(rules):
        try:
            capture = capture_from_dict(rule, f"{SECTION}.captures[{index}]")
        except SchemaError as exc:
            settings.issues.append(LoadIssue(path, str(exc), line_of_key(path, "captures")))
            continue
        if capture.source != CaptureSource.BODY:
            settings.issues.append(
                LoadIssue(path, f"{SECTION}.captures[{index}]: only body captures apply here")
            )
            continue
        settings.captures.append(capture)
    return settings


def save_webhook_settings(settings: WebhookSettings, path: Path | None = None) -> None:
    """Write the ``[webhooks]`` table, keeping the rest of config.toml as it was. Raises
    TomlFileError when config.toml is broken (it is never overwritten then)."""
    save_setting(SECTION, settings.to_dict(), path)
