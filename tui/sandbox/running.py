"""Finding a standalone sandbox that already runs on this data directory, and talking to it.

``carman sandbox`` writes ``running.json`` (host, port, pid, client credentials) into the state
directory while it runs. ``ensure_sandbox`` trusts that file only when the pid is alive and the
port answers as a sandbox on the same directory; otherwise it starts one in this process.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from tui.core.paths import sandbox_dir
from tui.sandbox import config
from tui.sandbox.runtime import Sandbox, start_sandbox
from tui.sandbox.webhooks import definitions


class SandboxUnavailable(RuntimeError):
    """The running sandbox did not answer an admin request."""


def _call(
    base_url: str,
    method: str,
    path: str,
    payload: dict[str, Any] | None = None,
    timeout: float = 5.0,
) -> dict[str, Any]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        f"{base_url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read() or b"{}")
        except ValueError:
            body = {}
        message = body.get("detail", [{}])[0].get("message") if body.get("detail") else None
        raise ValueError(message or body.get("description") or f"HTTP {error.code}") from None
    except (OSError, ValueError) as error:
        raise SandboxUnavailable(f"the sandbox at {base_url} did not answer: {error}") from None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return False
    return True


def find_running(state_dir: Path | None = None) -> dict[str, Any] | None:
    """The running.json of a live, answering sandbox on ``state_dir``, else None."""
    directory = Path(state_dir) if state_dir is not None else sandbox_dir()
    try:
        info = json.loads((directory / config.RUNNING_FILE).read_text(encoding="utf-8"))
        pid, base_url = int(info["pid"]), str(info["base_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not pid_alive(pid):
        return None
    try:
        health = _call(base_url, "GET", "/_sandbox/health", timeout=2.0)
    except (SandboxUnavailable, ValueError):
        return None
    with contextlib.suppress(OSError):
        if Path(health.get("state_dir", "")).resolve() != directory.resolve():
            return None
    return info


class RemoteClock:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url

    def advance(self, seconds: float) -> float:
        answer = _call(self._base_url, "POST", "/_sandbox/clock", {"advance": seconds})
        return time.time() + float(answer["offset"])

    def now(self) -> float:
        answer = _call(self._base_url, "GET", "/_sandbox/clock")
        return time.time() + float(answer["offset"])


class RemoteFaults:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url

    def inject(
        self, kind: str, count: int = 1, delay: float | None = None, path: str = "/"
    ) -> None:
        payload: dict[str, Any] = {"kind": kind, "count": count, "path": path}
        if delay is not None:
            payload["delay"] = delay
        _call(self._base_url, "POST", "/_sandbox/faults", payload)

    def clear(self) -> None:
        _call(self._base_url, "DELETE", "/_sandbox/faults")

    def pending(self) -> list[dict[str, Any]]:
        return list(_call(self._base_url, "GET", "/_sandbox/faults")["pending"])


class RunningSandbox:
    """A handle to a sandbox served by another process (the same attributes as ``Sandbox``)."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.host = str(info["host"])
        self.port = int(info["port"])
        self.pid = int(info["pid"])
        self.base_url = str(info["base_url"])
        self.connect_url = f"{self.base_url}/oauth/authorize"
        self.token_url = f"{self.base_url}/oauth/token"
        self.app_token_url = f"{self.base_url}/oauth2/token"  # v3 client credentials
        self.api_url = self.base_url
        self.client_id = str(info.get("client_id") or config.DEFAULT_CLIENT_ID)
        self.client_secret = str(info.get("client_secret") or config.DEFAULT_CLIENT_SECRET)
        self.amt = str(info.get("amt") or config.DEFAULT_AMT)
        self.webhook_ids = tuple(config.WEBHOOK_IDS)
        self.state_dir = Path(info.get("state_dir") or sandbox_dir())
        self.clock = RemoteClock(self.base_url)
        self.faults = RemoteFaults(self.base_url)

    def register_redirect_uri(self, uri: str, client_id: str | None = None) -> None:
        _call(
            self.base_url,
            "POST",
            "/_sandbox/redirect_uris",
            {"uri": uri, "client_id": client_id or self.client_id},
        )

    def approve(
        self, authorize_url: str, email: str, *, deny: bool = False, brand: str | None = None
    ) -> str:
        answer = _call(
            self.base_url,
            "POST",
            "/_sandbox/approve",
            {"authorize_url": authorize_url, "email": email, "deny": deny, "brand": brand},
        )
        return str(answer["location"])

    def set_rate_limit(self, enabled: bool = True, per_minute: int | None = None) -> None:
        payload: dict[str, Any] = {"enabled": enabled}
        if per_minute is not None:
            payload["per_minute"] = per_minute
        _call(self.base_url, "POST", "/_sandbox/rate_limit", payload)

    def configure_v3(self, **changes: object) -> dict[str, Any]:
        """Change v3 switches of the running sandbox; the settings now in force."""
        return _call(self.base_url, "POST", "/_sandbox/v3_settings", dict(changes))

    def define_webhook(self, callback_uri: str, **fields: object) -> dict[str, Any]:
        """Define a v3 webhook in the running sandbox (as ``Sandbox.define_webhook``)."""
        spelled = definitions.from_python(callback_uri=callback_uri, **fields)
        return _call(self.base_url, "POST", "/_sandbox/webhooks", spelled)

    def stop(self) -> None:
        """Nothing to do: the sandbox belongs to another process."""

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RunningSandbox {self.base_url} pid={self.pid}>"


def _preferred_ports(directory: Path) -> list[int]:
    """The port this directory's in-process sandbox had last time, then 8700 and the next ones:
    anything stored with a sandbox URL keeps working from one run to the next."""
    ports: list[int] = []
    with contextlib.suppress(OSError, ValueError):
        ports.append(int((directory / config.PORT_FILE).read_text(encoding="utf-8").strip()))
    span = range(config.DEFAULT_PORT, config.DEFAULT_PORT + config.PORT_SEARCH)
    return list(dict.fromkeys([*ports, *span]))


def _start_on_a_stable_port(seed: int | None, directory: Path) -> Sandbox:
    for port in _preferred_ports(directory):
        try:
            sandbox = start_sandbox(seed=seed, state_dir=directory, port=port)
        except OSError:
            continue  # taken (often by a standalone sandbox or another carman): the next one
        break
    else:
        sandbox = start_sandbox(seed=seed, state_dir=directory)  # every one taken: any port
    with contextlib.suppress(OSError):
        (directory / config.PORT_FILE).write_text(f"{sandbox.port}\n", encoding="utf-8")
    return sandbox


def ensure_sandbox(
    seed: int | None = None, *, state_dir: Path | str | None = None
) -> Sandbox | RunningSandbox:
    """The standalone sandbox running on this data directory, or a new in-process one on the
    port it had last time (8700 or the next free one the first time)."""
    directory = Path(state_dir) if state_dir is not None else sandbox_dir()
    info = find_running(directory)
    if info is not None:
        return RunningSandbox(info)
    directory.mkdir(parents=True, exist_ok=True)
    return _start_on_a_stable_port(seed, directory)
