"""v3 API Authentication: the client-credentials token endpoint, and who may call what."""

from __future__ import annotations

import httpx
import pytest
from sandbox_v3_support import V3, assert_oauth_error, assert_v3_error, query_of

from tui.sandbox import Sandbox, start_sandbox


def test_client_credentials_give_an_application_token(sandbox: Sandbox, http: httpx.Client) -> None:
    form = http.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
    )
    as_json = http.post(
        "/oauth2/token",
        json={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
    )
    for answer in (form, as_json):
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}  # no refresh token
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert form.json()["access_token"] != as_json.json()["access_token"]
    listing = http.get(
        "/v3/connections", headers={"Authorization": f"Bearer {form.json()['access_token']}"}
    )
    assert listing.status_code == 200 and listing.json()["data"] == []


@pytest.mark.parametrize(
    ("body", "as_json", "status", "error", "words"),
    [
        ({"client_id": "c", "client_secret": "s"}, False, 400, "invalid_request", "grant_type"),
        (
            {"grant_type": "authorization_code", "client_id": "c", "client_secret": "s"},
            False,
            400,
            "invalid_request",
            "client_credentials",
        ),
        (
            {"grant_type": "client_credentials", "client_secret": "s"},
            False,
            400,
            "invalid_request",
            "client_id",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "c"},
            True,
            400,
            "invalid_request",
            "client_secret",
        ),
        (
            {"grant_type": "client_credentials", "client_id": 5, "client_secret": "s"},
            True,
            400,
            "invalid_request",
            "client_id",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "s"},
            False,
            401,
            "invalid_client",
            "client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "SANDBOX", "client_secret": "wrong"},
            True,
            401,
            "invalid_client",
            "client",
        ),
    ],
)
def test_token_errors_are_oauth_shaped(
    sandbox: Sandbox,
    http: httpx.Client,
    body: dict[str, object],
    as_json: bool,
    status: int,
    error: str,
    words: str,
) -> None:
    body = {k: (sandbox.client_id if v == "SANDBOX" else v) for k, v in body.items()}
    answer = (
        http.post("/oauth2/token", json=body) if as_json else http.post("/oauth2/token", data=body)
    )
    assert words in assert_oauth_error(answer, status, error)


def test_malformed_bodies_and_basic_credentials_are_invalid_requests(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    headers = {"Content-Type": "application/json"}
    assert_oauth_error(
        http.post("/oauth2/token", content=b"{not json", headers=headers), 400, "invalid_request"
    )
    assert_oauth_error(
        http.post("/oauth2/token", content=b"[1, 2]", headers=headers), 400, "invalid_request"
    )
    # Credentials go in the body; a Basic header alone does not count.
    basic = http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(sandbox.client_id, sandbox.client_secret),
    )
    assert "body" in assert_oauth_error(basic, 400, "invalid_request")
    assert_oauth_error(http.get("/oauth2/token"), 405, "invalid_request")


def test_application_tokens_expire_after_an_hour_of_sandbox_time(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    v3 = V3(sandbox, http)
    token = v3.new_app_token()
    headers = {"Authorization": f"Bearer {token}"}
    sandbox.clock.advance(3590)
    assert http.get("/v3/connections", headers=headers).status_code == 200
    sandbox.clock.advance(20)
    entry = assert_v3_error(
        http.get("/v3/connections", headers=headers), 401, "AUTHENTICATION", "UNAUTHORIZED"
    )
    assert entry[0]["detail"] == "The Authorization token is missing or invalid."
    assert http.get("/v3/connections", headers=v3.headers(token=v3.new_app_token())).is_success


def test_application_tokens_survive_a_restart(isolated_dirs, tls) -> None:
    state = isolated_dirs / "persisting"
    with (
        start_sandbox(state_dir=state, seed=3) as first,
        httpx.Client(base_url=first.base_url, verify=tls) as client,
    ):
        token = V3(first, client).new_app_token()
    with (
        start_sandbox(state_dir=state, seed=3) as second,
        httpx.Client(base_url=second.base_url, verify=tls) as client,
    ):
        answer = client.get("/v3/connections", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc", "Bearer"])
def test_missing_or_unknown_bearer_is_unauthorized(
    sandbox: Sandbox, http: httpx.Client, authorization: str | None
) -> None:
    connected = V3(sandbox, http).connect()
    vehicle = connected.vehicle_ids[0]
    headers = {"sc-user-id": connected.user_id}
    if authorization is not None:
        headers["Authorization"] = authorization
    for method, path in (
        ("GET", f"/v3/vehicles/{vehicle}"),
        ("GET", f"/v3/vehicles/{vehicle}/signals"),
        ("POST", f"/v3/vehicles/{vehicle}/commands/security/lock"),
        ("GET", "/v3/connections"),
        ("DELETE", f"/v3/users/{connected.user_id}"),
    ):
        assert_v3_error(
            http.request(method, path, headers=headers), 401, "AUTHENTICATION", "UNAUTHORIZED"
        )


def test_sc_user_id_is_required_where_the_docs_say(sandbox: Sandbox, http: httpx.Client) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect()
    vehicle = connected.vehicle_ids[0]
    for method, path in (
        ("GET", f"/v3/vehicles/{vehicle}/signals"),
        ("GET", f"/v3/vehicles/{vehicle}/signals/odometer-traveleddistance"),
        ("POST", f"/v3/vehicles/{vehicle}/commands/security/lock"),
        ("POST", f"/v3/vehicles/{vehicle}/charge-schedules/daily"),
        ("DELETE", f"/v3/vehicles/{vehicle}/charge-schedules/sched_1"),
    ):
        answer = http.request(method, path, headers=v3.headers())
        entry = assert_v3_error(answer, 400, "VALIDATION", "MISSING_PARAMETER")[0]
        assert entry["source"] == {"parameter": "sc-user-id"} and "sc-user-id" in entry["detail"]
    # The vehicle itself needs no user, only a connection of the application.
    vehicle_answer = http.get(f"/v3/vehicles/{vehicle}", headers=v3.headers())
    assert vehicle_answer.status_code == 200
    assert vehicle_answer.json()["data"]["attributes"]["make"] == "TESLA"


def test_a_user_without_a_connection_to_the_vehicle_is_denied(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    v3 = V3(sandbox, http)
    mine = v3.connect("me@example.com")
    theirs = v3.connect("them@example.com")
    assert mine.user_id != theirs.user_id
    vehicle = mine.vehicle_ids[0]
    for method, path in (
        ("GET", f"/v3/vehicles/{vehicle}/signals"),
        ("GET", f"/v3/vehicles/{vehicle}/signals/closure-islocked"),
        ("POST", f"/v3/vehicles/{vehicle}/commands/security/unlock"),
    ):
        assert_v3_error(
            http.request(method, path, headers=v3.headers(theirs.user_id)),
            403,
            "AUTHENTICATION",
            "ACCESS_DENIED",
        )
    unknown = "5a4db0c5-0000-4000-8000-00000000beef"
    assert_v3_error(
        http.get(f"/v3/vehicles/{unknown}", headers=v3.headers()),
        403,
        "AUTHENTICATION",
        "ACCESS_DENIED",
    )


def test_legacy_v2_token_reads_v3_but_cannot_command(sandbox: Sandbox, http: httpx.Client) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect("2-vehicles@smartcar.com", brand="TESLA")
    token = v3.v2_token(connected.query["code"])
    legacy = {"Authorization": f"Bearer {token}"}
    vehicle = connected.vehicles["TESLA"]
    assert http.get(f"/v3/vehicles/{vehicle}", headers=legacy).status_code == 200
    assert http.get(f"/v3/vehicles/{vehicle}/signals", headers=legacy).status_code == 200
    one = http.get(f"/v3/vehicles/{vehicle}/signals/vehicleidentification-vin", headers=legacy)
    assert one.json()["data"]["attributes"]["body"]["value"].startswith("0SC")
    # The user is the token's: naming another one is denied.
    assert_v3_error(
        http.get(
            f"/v3/vehicles/{vehicle}/signals", headers={**legacy, "sc-user-id": "someone-else"}
        ),
        403,
        "AUTHENTICATION",
        "ACCESS_DENIED",
    )
    assert_v3_error(
        http.post(f"/v3/vehicles/{vehicle}/commands/security/lock", headers=legacy),
        401,
        "AUTHENTICATION",
        "UNAUTHORIZED",
    )
    assert_v3_error(
        http.get("/v3/connections", headers=legacy), 401, "AUTHENTICATION", "UNAUTHORIZED"
    )
    # Switched off, the legacy bearer is just an unknown token.
    assert v3.admin("v3_settings", {"legacy_bearer": False})["legacy_bearer"] is False
    assert_v3_error(
        http.get(f"/v3/vehicles/{vehicle}", headers=legacy), 401, "AUTHENTICATION", "UNAUTHORIZED"
    )
    assert query_of(connected.location)["state"] == "st-v3"


def test_unknown_v3_paths_are_404_before_any_token_check(http: httpx.Client) -> None:
    for method, path in (
        ("GET", "/v3/nothing"),
        ("GET", "/v3"),
        ("POST", "/v3/vehicles/x/signals"),
        ("POST", "/v3/vehicles/x/commands/security/open"),
        ("PUT", "/v3/connections"),
        ("GET", "/v3/users/u"),
    ):
        assert_v3_error(http.request(method, path), 404, "RESOURCE_NOT_FOUND", "PATH")
