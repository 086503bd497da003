"""Concurrency, injected faults, the per-vehicle throttle, and JSON on every error path."""

from __future__ import annotations

import json
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.sandbox import Sandbox


def test_fifty_concurrent_clients(login, sandbox: Sandbox, tls: ssl.SSLContext) -> None:
    session = login("5-vehicles@smartcar.com", brand="CHEVROLET")

    def client_work(index: int) -> list[tuple[int, str, dict]]:
        vehicle = session.vehicles[index % len(session.vehicles)]
        with httpx.Client(
            base_url=sandbox.base_url, headers=session.headers, timeout=30, verify=tls
        ) as client:
            answers = [
                client.get(f"/v2.0/vehicles/{vehicle}/odometer"),
                client.post(
                    f"/v2.0/vehicles/{vehicle}/security",
                    json={"action": "LOCK" if index % 2 else "UNLOCK"},
                ),
                client.post(
                    f"/v2.0/vehicles/{vehicle}/batch",
                    json={"requests": [{"path": "/location"}, {"path": "/"}]},
                ),
                client.post(
                    "/_sandbox/approve",
                    json={
                        "authorize_url": f"{sandbox.connect_url}?response_type=code&client_id="
                        f"{sandbox.client_id}&mode=test",
                        "email": f"user{index}@example.com",
                    },
                ),
            ]
            return [(a.status_code, a.headers["content-type"], a.json()) for a in answers]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client_work, range(50)))
    for answers in results:
        assert [status for status, _, _ in answers] == [200, 200, 200, 200]
        assert all(kind == "application/json" for _, kind, _ in answers)
        odometer, command, batch, approved = (body for _, _, body in answers)
        assert odometer["distance"] > 0 and command["status"] == "success"
        assert [item["code"] for item in batch["responses"]] == [200, 200]
        assert "code=" in approved["location"]
    state = json.loads((Path(sandbox.state_dir) / "state.json").read_text())
    assert len(state["users"]) == 51  # the five-vehicle owner and fifty new users


@pytest.fixture
def session_url(login) -> tuple[str, dict[str, str]]:
    session = login()
    return f"/v2.0/vehicles/{session.vehicle}/odometer", session.headers


def test_fault_slow(sandbox: Sandbox, http: httpx.Client, session_url) -> None:
    url, headers = session_url
    sandbox.faults.inject("slow", delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        http.get(url, headers=headers, timeout=0.05)
    assert http.get(url, headers=headers).status_code == 200


def test_fault_drop(sandbox: Sandbox, http: httpx.Client, session_url) -> None:
    url, headers = session_url
    sandbox.faults.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(url, headers=headers)
    assert http.get(url, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("kind", "status", "error_type"), [("status500", 500, "SERVER"), ("status502", 502, "UPSTREAM")]
)
def test_fault_error_statuses(
    sandbox: Sandbox,
    http: httpx.Client,
    session_url,
    expect_error,
    kind: str,
    status: int,
    error_type: str,
) -> None:
    url, headers = session_url
    sandbox.faults.inject(kind, count=2)
    for _ in range(2):
        expect_error(
            http.get(url, headers=headers),
            status,
            error_type,
            "INTERNAL" if status == 500 else "NO_RESPONSE",
        )
    assert http.get(url, headers=headers).status_code == 200


def test_fault_not_json_and_empty(sandbox: Sandbox, http: httpx.Client, session_url) -> None:
    url, headers = session_url
    sandbox.faults.inject("not_json")
    broken = http.get(url, headers=headers)
    assert broken.status_code == 200 and broken.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    sandbox.faults.inject("empty")
    empty = http.get(url, headers=headers)
    assert empty.status_code == 200 and empty.content == b""


def test_fault_gzip(sandbox: Sandbox, http: httpx.Client, session_url) -> None:
    url, headers = session_url
    sandbox.faults.inject("gzip")
    answer = http.get(url, headers=headers)
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.json()["distance"] > 0  # httpx decodes it


def test_faults_admin_endpoint_and_path_filter(
    http: httpx.Client, session_url, expect_error
) -> None:
    url, headers = session_url
    answer = http.post(
        "/_sandbox/faults", json={"kind": "status500", "count": 1, "path": "/oauth/token"}
    )
    assert answer.json()["pending"] == [
        {"kind": "status500", "count": 1, "delay": 1.0, "path": "/oauth/token"}
    ]
    assert http.get(url, headers=headers).status_code == 200  # other paths unaffected
    assert http.post("/oauth/token").status_code == 500
    http.post("/_sandbox/faults", json={"kind": "empty", "count": 5})
    assert http.delete("/_sandbox/faults").json() == {"pending": []}
    assert http.get(url, headers=headers).content != b""
    for bad in (
        {"kind": "meteor"},
        {"kind": "slow", "count": 0},
        {"kind": "slow", "delay": -1},
        {},
        {"kind": "slow", "delay": "soon"},
    ):
        expect_error(http.post("/_sandbox/faults", json=bad), 400, "VALIDATION")


def test_injecting_bad_faults_in_python_is_a_value_error(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sandbox.faults.inject("meteor")
    with pytest.raises(ValueError):
        sandbox.faults.inject("slow", count=-2)


def test_rate_limit(login, http: httpx.Client, sandbox: Sandbox, expect_error) -> None:
    session = login("2-vehicles@smartcar.com")
    first, second = session.vehicles
    url = f"/v2.0/vehicles/{first}/vin"
    for _ in range(5):
        assert http.get(url, headers=session.headers).status_code == 200  # off by default
    answer = http.post("/_sandbox/rate_limit", json={"enabled": True, "per_minute": 3})
    assert answer.json() == {"enabled": True, "per_minute": 3}
    for _ in range(3):
        assert http.get(url, headers=session.headers).status_code == 200
    limited = http.get(url, headers=session.headers)
    expect_error(limited, 429, "RATE_LIMIT", "VEHICLE")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert http.get(f"/v2.0/vehicles/{second}/vin", headers=session.headers).status_code == 200
    sandbox.clock.advance(61)
    assert http.get(url, headers=session.headers).status_code == 200
    sandbox.set_rate_limit(False)
    expect_error(http.post("/_sandbox/rate_limit", json={"per_minute": 0}), 400, "VALIDATION")


def test_clock_admin_endpoint(http: httpx.Client, sandbox: Sandbox, expect_error) -> None:
    answer = http.post("/_sandbox/clock", json={"advance": 3600})
    assert answer.json()["offset"] == 3600 and sandbox.clock.offset == 3600
    expect_error(http.post("/_sandbox/clock", json={"advance": -5}), 400, "VALIDATION")
    expect_error(http.post("/_sandbox/clock", content=b"nope"), 400, "VALIDATION")
    with pytest.raises(ValueError):
        sandbox.clock.advance(-1)


def test_redirect_uri_admin_endpoint(http: httpx.Client, expect_error) -> None:
    answer = http.post("/_sandbox/redirect_uris", json={"uri": "http://127.0.0.1:9999/cb"})
    assert "http://127.0.0.1:9999/cb" in answer.json()["redirect_uris"]
    expect_error(
        http.post("/_sandbox/redirect_uris", json={"uri": "relative/path"}), 400, "VALIDATION"
    )
    expect_error(
        http.post("/_sandbox/redirect_uris", json={"uri": "http://x/#frag"}), 400, "VALIDATION"
    )
    expect_error(http.get("/_sandbox/nothing"), 404, "RESOURCE_NOT_FOUND", "PATH")


def raw_exchange(sandbox: Sandbox, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as conn:
        conn.sendall(payload)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(
    "payload",
    [
        b"GARBAGE\r\n\r\n",
        b"BREW /v2.0/user HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /v2.0/user HTTP/9.9\r\nHost: x\r\n\r\n",
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        b"GET /v2.0/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ],
)
def test_malformed_http_gets_json(sandbox: Sandbox, payload: bytes) -> None:
    status, headers, body = raw_exchange(sandbox, payload)
    assert 400 <= status < 600
    assert headers["content-type"] == "application/json"
    parsed = json.loads(body)
    assert parsed["statusCode"] == status and parsed["type"]
    assert "Traceback" not in body.decode("utf-8", "replace")


def test_internal_errors_become_json_500(
    http: httpx.Client, login, expect_error, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.sandbox import vehicles

    session = login()

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(vehicles, "get_user", explode)
    body = expect_error(http.get("/v2.0/user", headers=session.headers), 500, "SERVER", "INTERNAL")
    assert "boom" not in json.dumps(body)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    path=st.lists(
        st.sampled_from(
            [
                "v2.0",
                "v3",
                "vehicles",
                "user",
                "odometer",
                "batch",
                "compatibility",
                "management",
                "connections",
                "tesla",
                "signals",
                "x",
                "%00",
                "..",
                "vX",
                "_sandbox",
                "clock",
                "webhooks",
                "application",
                "charge",
                "limit",
            ]
        ),
        max_size=5,
    ),
    body=st.one_of(
        st.none(),
        st.binary(max_size=64),
        st.dictionaries(
            st.sampled_from(["action", "limit", "requests"]),
            st.one_of(st.integers(), st.text(max_size=5), st.none()),
            max_size=2,
        ).map(lambda d: json.dumps(d).encode()),
    ),
    auth=st.sampled_from([None, "Bearer nope", "Basic !!", "Bearer"]),
)
def test_fuzzed_api_requests_always_get_smartcar_json(
    http: httpx.Client, method: str, path: list[str], body: bytes | None, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    answer = http.request(method, "/" + "/".join(path), content=body, headers=headers)
    assert answer.status_code < 500
    assert answer.headers["content-type"] == "application/json"
    parsed = answer.json()
    assert isinstance(parsed, dict)
    if answer.status_code >= 400:
        assert "type" in parsed or "errors" in parsed


def test_head_is_answered_like_get_without_a_body(http: httpx.Client, login) -> None:
    session = login()
    head = http.head("/v2.0/user", headers=session.headers)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(
        http.get("/v2.0/user", headers=session.headers).content
    )


def test_stop_hangs_up_on_kept_alive_clients(isolated_dirs, tls) -> None:
    from tui.sandbox import start_sandbox

    sandbox = start_sandbox(state_dir=isolated_dirs / "short-lived")
    with httpx.Client(base_url=sandbox.base_url, verify=tls) as client:
        assert client.get("/").status_code == 200
        sandbox.stop()
        sandbox.stop()  # stopping twice is harmless
        with pytest.raises(httpx.TransportError):
            client.get("/")
