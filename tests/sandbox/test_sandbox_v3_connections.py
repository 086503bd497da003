"""v3 Connect redirect, connections and users: list, filters, paging, get, delete, cascade."""

from __future__ import annotations

import httpx
import pytest
from sandbox_v3_support import REDIRECT_URI, V3, assert_v3_error, query_of

from tests.sandbox.test_sandbox_connect import Page, press
from tui.sandbox import DEFAULT_REDIRECT_URIS, Sandbox, start_sandbox


@pytest.fixture
def v3(sandbox: Sandbox, http: httpx.Client) -> V3:
    return V3(sandbox, http)


# ------------------------------------------------------------------ Connect


def test_redirect_carries_user_id_code_state_and_external_id(v3: V3) -> None:
    connected = v3.connect(external_id="crm-42")
    assert connected.location.startswith(f"{REDIRECT_URI}?code=")
    assert set(connected.query) == {"code", "user_id", "state", "external_id"}
    assert connected.query["external_id"] == "crm-42" and connected.query["state"] == "st-v3"
    again = v3.connect()  # the same sign-in identity
    assert again.user_id == connected.user_id
    assert "external_id" not in again.query
    other = v3.connect("someone@example.com")
    assert other.user_id != connected.user_id


def test_user_ids_are_stable_across_restarts(isolated_dirs, tls) -> None:
    state = isolated_dirs / "restarting"
    seen = []
    for _ in range(2):
        with (
            start_sandbox(state_dir=state) as running,
            httpx.Client(base_url=running.base_url, verify=tls) as client,
        ):
            seen.append(V3(running, client).connect("stable@example.com").user_id)
    assert seen[0] == seen[1]


def test_response_type_none_has_no_code_and_a_default_redirect(
    v3: V3, sandbox: Sandbox, http: httpx.Client
) -> None:
    connected = v3.connect(response_type="none", redirect_uri=None, external_id="ext-9")
    assert connected.location.startswith(DEFAULT_REDIRECT_URIS[0] + "?")
    assert "code" not in connected.query
    assert connected.query["external_id"] == "ext-9" and connected.user_id
    # The connection exists all the same, and is usable with the application token.
    signals = http.get(
        f"/v3/vehicles/{connected.vehicle_ids[0]}/signals",
        headers=v3.headers(connected.user_id),
    )
    assert signals.status_code == 200


def test_v3_login_in_the_browser_starts_at_the_preamble(v3: V3, http: httpx.Client) -> None:
    url = v3.authorize_url(response_type="none", redirect_uri=None, external_id="ext-html")
    preamble = Page(http.get(url).text)
    assert {"continue-button", "back-to-application-button"} <= set(preamble.buttons)
    brands = Page(press(http, preamble, "continue-button").text)
    login = Page(press(http, brands, "TESLA").text)
    grant = Page(press(http, login, "sign-in-button", {"username": "html@example.com"}).text)
    done = press(http, grant, "approval-button")
    assert done.status_code == 302, done.text
    query = query_of(done.headers["location"])
    assert done.headers["location"].startswith(DEFAULT_REDIRECT_URIS[0] + "?")
    assert "code" not in query and query["external_id"] == "ext-html"
    listing = http.get(
        "/v3/connections", params={"filter[userId]": query["user_id"]}, headers=v3.headers()
    )
    assert listing.json()["meta"]["totalCount"] == 1
    # "Back to application" ends a v3 login as it ends a v2.0 one: no user, no connection.
    back = press(http, Page(http.get(url).text), "back-to-application-button")
    assert back.status_code == 302
    ended = query_of(back.headers["location"])
    assert ended["error"] == "user_manually_returned_to_application"
    assert "user_id" not in ended and ended["state"] == "st-v3"


def test_application_id_stands_for_client_id(v3: V3, sandbox: Sandbox) -> None:
    url = v3.authorize_url(client_id=None, application_id=sandbox.client_id)
    location = sandbox.approve(url, "app-id@example.com")
    assert {"code", "user_id", "state"} <= set(query_of(location))
    with pytest.raises(ValueError, match="response_type"):
        sandbox.approve(v3.authorize_url(response_type="token"), "x@example.com")
    with pytest.raises(ValueError, match="Unknown client_id"):
        sandbox.approve(v3.authorize_url(client_id=None, application_id="nobody"), "x@b.c")


# ------------------------------------------------------------------ connections


def test_list_shape_filters_and_newest_first(v3: V3, sandbox: Sandbox, http) -> None:
    older = v3.connect("2-vehicles@smartcar.com", brand="TESLA", external_id="ext-a")
    sandbox.clock.advance(60)
    newer = v3.connect("simulated@example.com", brand="VOLVO", mode="simulated")
    listing = http.get("/v3/connections", headers=v3.headers()).json()
    assert listing["meta"] == {
        "pageNumber": 1,
        "pageSize": 10,
        "totalCount": 3,
        "totalPages": 1,
        "orderBy": "createdAt",
        "orderDirection": "desc",
    }
    users = [c["relationships"]["user"]["data"]["id"] for c in listing["data"]]
    assert users == [newer.user_id, older.user_id, older.user_id]
    first = listing["data"][0]
    assert first["type"] == "connection" and first["links"]["self"] == f"/connections/{first['id']}"
    assert first["attributes"]["vehicle"]["make"] == "VOLVO"
    assert first["attributes"]["vehicle"]["mode"] == "simulated"
    assert first["attributes"]["vehicle"]["powertrainType"] == "BEV"
    assert "control_charge" in first["attributes"]["permissions"]
    assert first["meta"]["createdAt"] > listing["data"][1]["meta"]["createdAt"]
    assert first["relationships"]["vehicle"]["data"]["type"] == "vehicle"

    def ids(**params: str) -> list[str]:
        answer = http.get("/v3/connections", params=params, headers=v3.headers())
        assert answer.status_code == 200, answer.text
        return [c["relationships"]["vehicle"]["data"]["id"] for c in answer.json()["data"]]

    assert ids(**{"filter[userId]": older.user_id}) == older.vehicle_ids
    assert ids(**{"filter[vehicleId]": newer.vehicle_ids[0]}) == newer.vehicle_ids
    assert ids(**{"filter[vehicle.mode]": "simulated"}) == newer.vehicle_ids
    assert ids(**{"filter[vehicle.mode]": "live"}) == []
    assert ids(**{"filter[user.externalId]": "ext-a"}) == older.vehicle_ids
    tagged = http.get(
        "/v3/connections", params={"filter[user.externalId]": "ext-a"}, headers=v3.headers()
    ).json()["data"]
    assert all(c["attributes"]["user"]["externalId"] == "ext-a" for c in tagged)


def test_paging(v3: V3, http: httpx.Client) -> None:
    connected = v3.connect("5-vehicles@smartcar.com", brand="TESLA")
    pages = []
    for number in (1, 2, 3):
        answer = http.get(
            "/v3/connections",
            params={"page[number]": number, "page[size]": 2},
            headers=v3.headers(),
        ).json()
        pages.append(answer)
    flat = [c["relationships"]["vehicle"]["data"]["id"] for p in pages for c in p["data"]]
    assert flat == connected.vehicle_ids and len(flat) == 5
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    assert pages[0]["links"]["prev"] is None
    assert pages[0]["links"]["next"] == "/connections?page[number]=2&page[size]=2"
    assert pages[2]["links"]["next"] is None and pages[2]["meta"]["totalPages"] == 3
    for params, name in (
        ({"page[size]": 0}, "page[size]"),
        ({"page[size]": 101}, "page[size]"),
        ({"page[number]": "two"}, "page[number]"),
        ({"filter[vehicle.mode]": "party"}, "filter[vehicle.mode]"),
        ({"filter[userid]": "x"}, "filter[userid]"),
    ):
        answer = http.get("/v3/connections", params=params, headers=v3.headers())
        entry = assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")[0]
        assert entry["source"] == {"parameter": name}


def test_get_one_connection_by_its_id_or_its_vehicle(v3: V3, http: httpx.Client) -> None:
    connected = v3.connect()
    listing = http.get("/v3/connections", headers=v3.headers()).json()["data"]
    connection_id = listing[0]["id"]
    by_id = http.get(f"/v3/connections/{connection_id}", headers=v3.headers())
    assert by_id.status_code == 200 and by_id.json() == {"data": listing[0]}
    by_vehicle = http.get(f"/v3/connections/{connected.vehicle_ids[0]}", headers=v3.headers())
    assert by_vehicle.json()["data"]["id"] == connection_id
    assert_v3_error(
        http.get("/v3/connections/not-a-connection", headers=v3.headers()),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )


def test_deleting_a_connection_ends_v3_and_v2_access(v3: V3, http: httpx.Client) -> None:
    connected = v3.connect("2-vehicles@smartcar.com", brand="TESLA")
    v2 = {"Authorization": f"Bearer {v3.v2_token(connected.query['code'])}"}
    gone, kept = connected.vehicle_ids
    connection_id = http.get(f"/v3/connections/{gone}", headers=v3.headers()).json()["data"]["id"]
    deleted = http.delete(f"/v3/connections/{connection_id}", headers=v3.headers())
    assert deleted.status_code == 204 and deleted.content == b""
    assert_v3_error(
        http.get(f"/v3/connections/{connection_id}", headers=v3.headers()),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )
    assert_v3_error(
        http.delete(f"/v3/connections/{connection_id}", headers=v3.headers()),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )
    assert_v3_error(
        http.get(f"/v3/vehicles/{gone}/signals", headers=v3.headers(connected.user_id)),
        403,
        "AUTHENTICATION",
        "ACCESS_DENIED",
    )
    v2_answer = http.get(f"/v2.0/vehicles/{gone}/odometer", headers=v2)
    assert v2_answer.status_code == 401 and v2_answer.json()["type"] == "AUTHENTICATION"
    assert http.get(f"/v2.0/vehicles/{kept}/odometer", headers=v2).status_code == 200
    assert v3.signals(kept, connected.user_id)
    remaining = http.get("/v3/connections", headers=v3.headers()).json()["data"]
    assert [c["relationships"]["vehicle"]["data"]["id"] for c in remaining] == [kept]
    # Connecting the vehicle again makes a new connection.
    v3.connect("2-vehicles@smartcar.com", brand="TESLA")
    fresh = http.get(f"/v3/connections/{gone}", headers=v3.headers()).json()["data"]
    assert fresh["id"] != connection_id


def test_a_v2_disconnect_ends_the_v3_connection(v3: V3, http: httpx.Client) -> None:
    connected = v3.connect()
    v2 = {"Authorization": f"Bearer {v3.v2_token(connected.query['code'])}"}
    vehicle = connected.vehicle_ids[0]
    assert http.delete(f"/v2.0/vehicles/{vehicle}/application", headers=v2).status_code == 200
    assert http.get("/v3/connections", headers=v3.headers()).json()["data"] == []


def test_deleting_a_user_cascades(v3: V3, http: httpx.Client) -> None:
    leaving = v3.connect("3-vehicles@smartcar.com", brand="TESLA", external_id="bye")
    staying = v3.connect("stay@example.com")
    v2 = {"Authorization": f"Bearer {v3.v2_token(leaving.query['code'])}"}
    answer = http.delete(f"/v3/users/{leaving.user_id}", headers=v3.headers())
    assert answer.status_code == 204
    remaining = http.get("/v3/connections", headers=v3.headers()).json()["data"]
    assert [c["relationships"]["user"]["data"]["id"] for c in remaining] == [staying.user_id]
    for vehicle in leaving.vehicle_ids:
        assert_v3_error(
            http.post(
                f"/v3/vehicles/{vehicle}/commands/security/lock",
                headers=v3.headers(leaving.user_id),
            ),
            403,
            "AUTHENTICATION",
            "ACCESS_DENIED",
        )
        assert http.get(f"/v2.0/vehicles/{vehicle}/vin", headers=v2).status_code == 401
    filtered = http.get(
        "/v3/connections", params={"filter[user.externalId]": "bye"}, headers=v3.headers()
    )
    assert filtered.json()["data"] == []
    assert_v3_error(
        http.delete(f"/v3/users/{leaving.user_id}", headers=v3.headers()),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )
    # The same sign-in comes back with the same user id and a fresh connection.
    back = v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    assert back.user_id == leaving.user_id and len(back.vehicle_ids) == 3
