"""Fakes for the OAuth tests: a small OAuth2 provider and an adjustable clock.

The fake provider is a real HTTP server on 127.0.0.1 (stdlib http.server in a thread) with a
token endpoint (Basic client auth, form body, rotating refresh tokens) and a Smartcar-like
``/v2.0/vehicles`` API that checks bearer tokens. It keeps its own clock so tests can expire
tokens on the server side independently of carman's clock.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tui.core.model import Environment, OAuth2Settings

CLIENT_ID = "test-client-0001"
CLIENT_SECRET = "test-client-secret-0001"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A deep backlog: ten concurrent sends must not wait for SYN retransmits.
    request_queue_size = 64


class FakeProvider:
    """A token endpoint plus a tiny vehicle API, counting what it is asked."""

    def __init__(self, *, vehicles: int = 2, refresh_delay: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.offset = 0.0  # the provider's clock = time.time() + offset
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.access: dict[str, float] = {}  # access token -> expires at (provider clock)
        self.refresh: set[str] = set()
        self.issued: list[str] = []  # every token ever issued (for leak scans)
        self.refresh_calls = 0
        self.exchange_calls = 0
        self.token_requests: list[dict[str, Any]] = []
        self.vehicle_ids = [str(uuid.uuid4()) for _ in range(vehicles)]
        self.refresh_delay = refresh_delay
        self.rotate = True
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    # -- controls --------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.offset

    def issue_code(self, redirect_uri: str) -> str:
        code = str(uuid.uuid4())
        with self.lock:
            self.codes[code] = redirect_uri
        return code

    def revoke_access(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke_refresh(self) -> None:
        with self.lock:
            self.refresh.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- behaviour -------------------------------------------------------------------------
    def _tokens(self) -> dict[str, Any]:
        access, refresh = str(uuid.uuid4()), str(uuid.uuid4())
        self.access[access] = self.now() + 7200
        self.refresh.add(refresh)
        self.issued += [access, refresh]
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 7200,
            "refresh_token": refresh,
        }

    def token(self, auth: str | None, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        with self.lock:
            self.token_requests.append({"auth": auth, "form": dict(form)})
            if auth != expected:
                return 401, {"error": "invalid_client", "error_description": "Bad credentials."}
            grant = form.get("grant_type")
            if grant == "authorization_code":
                self.exchange_calls += 1
                code = form.get("code", "")
                if self.codes.pop(code, None) != form.get("redirect_uri"):
                    return 400, {
                        "error": "invalid_request",
                        "error_description": f"Invalid code: {code}.",
                    }
                return 200, self._tokens()
            if grant == "refresh_token":
                self.refresh_calls += 1
                old = form.get("refresh_token", "")
                if old not in self.refresh:
                    return 400, {
                        "error": "invalid_request",
                        "error_description": f"Invalid refresh_token: {old}.",
                    }
                body = self._tokens()
                if self.rotate:
                    self.refresh.discard(old)
                else:
                    self.refresh.discard(body["refresh_token"])
                    body["refresh_token"] = old
                return 200, body
            return 400, {"error": "unsupported_grant_type", "error_description": str(grant)}

    def api(self, path: str, auth: str | None) -> tuple[int, dict[str, Any]]:
        token = (auth or "").removeprefix("Bearer ")
        with self.lock:
            expires = self.access.get(token)
            if expires is None or expires <= self.now():
                return 401, {
                    "type": "AUTHENTICATION",
                    "code": None,
                    "description": "The authorization header is missing or malformed.",
                }
        if path.rstrip("/") == "/v2.0/vehicles":
            return 200, {
                "vehicles": self.vehicle_ids,
                "paging": {"count": len(self.vehicle_ids), "offset": 0},
            }
        if path.endswith("/odometer"):
            return 200, {"distance": 1234.5}
        return 404, {"type": "RESOURCE_NOT_FOUND", "code": "PATH"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                if urlsplit(self.path).path != "/oauth/token":
                    self._send(404, {"error": "not_found"})
                    return
                if form.get("grant_type") == "refresh_token" and provider.refresh_delay:
                    time.sleep(provider.refresh_delay)  # widen the window for racing callers
                self._send(*provider.token(self.headers.get("Authorization"), form))

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                self._send(*provider.api(path, self.headers.get("Authorization")))

        return Handler


def fake_settings(provider: FakeProvider, redirect_uri: str) -> OAuth2Settings:
    return OAuth2Settings(
        client_id=CLIENT_ID,
        authorize_url=f"{provider.base_url}/oauth/authorize",
        token_url=f"{provider.base_url}/oauth/token",
        redirect_uri=redirect_uri,
        scope=["read_vehicle_info", "required:read_odometer"],
    )


def fake_environment(provider: FakeProvider, redirect_uri: str) -> Environment:
    return Environment(
        name="fake",
        variables={"api_url": provider.base_url, "client_id": CLIENT_ID},
        oauth2=OAuth2Settings(
            client_id="{{client_id}}",
            authorize_url="{{api_url}}/oauth/authorize",
            token_url="{{api_url}}/oauth/token",
            redirect_uri=redirect_uri,
            scope=["read_vehicle_info", "required:read_odometer"],
        ),
    )


class Clock:
    """carman's injectable clock: real time plus an offset the test moves."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
