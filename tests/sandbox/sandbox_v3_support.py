"""Helpers of the v3 sandbox tests: application tokens, Connect as a user, v3 error checks.

Plain functions and a small client class (not fixtures), built in each test from the
``sandbox`` and ``http`` fixtures of conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tui.sandbox import Sandbox

REDIRECT_URI = "http://localhost:8000/exchange"
# Every permission: reads and controls.
ALL_SCOPE = (
    "read_vehicle_info read_vin read_odometer read_location read_battery read_charge "
    "read_fuel read_tires read_engine_oil read_security read_diagnostics read_service_history "
    "read_compass read_speedometer read_thermometer read_climate read_charge_records "
    "read_charge_locations read_extended_vehicle_info control_security control_charge "
    "control_navigation control_climate"
)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_v3_error(
    response: httpx.Response, status: int, error_type: str, code: str | None
) -> list[dict[str, Any]]:
    """The response is a v3 error envelope whose every entry is of this kind."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    entries = response.json()["errors"]
    assert entries, response.text
    for entry in entries:
        assert entry["status"] == str(status)
        assert (entry["type"], entry["code"]) == (error_type, code), entry
        assert entry["title"] and entry["detail"]
        assert entry["links"]["about"].startswith("https://smartcar.com/docs/errors/")
    return entries


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error
    assert body["error_description"]
    return str(body["error_description"])


@dataclass
class Connected:
    location: str
    query: dict[str, str]
    vehicles: dict[str, str]  # make → vehicle id (first of each make)
    vehicle_ids: list[str]  # in approval order

    @property
    def user_id(self) -> str:
        return self.query["user_id"]


class V3:
    """The v3 API of one sandbox, as an application uses it."""

    def __init__(self, sandbox: Sandbox, http: httpx.Client) -> None:
        self.sandbox = sandbox
        self.http = http
        self._token: str | None = None

    def new_app_token(self) -> str:
        answer = self.http.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.sandbox.client_id,
                "client_secret": self.sandbox.client_secret,
            },
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.new_app_token()
        return self._token

    def headers(self, user_id: str | None = None, token: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if user_id is not None:
            headers["sc-user-id"] = user_id
        return headers

    def authorize_url(self, **params: str | None) -> str:
        query: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.sandbox.client_id,
            "redirect_uri": REDIRECT_URI,
            "mode": "test",
            "state": "st-v3",
            "scope": ALL_SCOPE,
            "approval_prompt": "force",
        }
        query.update(params)
        kept = {k: v for k, v in query.items() if v is not None}
        return f"{self.sandbox.connect_url}?{urlencode(kept)}"

    def connect(
        self, email: str = "driver@example.com", *, brand: str | None = None, **params: str | None
    ) -> Connected:
        location = self.sandbox.approve(self.authorize_url(**params), email, brand=brand)
        query = query_of(location)
        assert "user_id" in query, location
        listing = self.http.get(
            "/v3/connections",
            params={"filter[userId]": query["user_id"], "page[size]": 100},
            headers=self.headers(),
        )
        assert listing.status_code == 200, listing.text
        ids = [c["relationships"]["vehicle"]["data"]["id"] for c in listing.json()["data"]]
        makes: dict[str, str] = {}
        for item in listing.json()["data"]:
            makes.setdefault(
                item["attributes"]["vehicle"]["make"],
                item["relationships"]["vehicle"]["data"]["id"],
            )
        return Connected(location, query, makes, ids)

    def v2_token(self, code: str) -> str:
        answer = self.http.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
            auth=(self.sandbox.client_id, self.sandbox.client_secret),
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def signals(self, vehicle_id: str, user_id: str, **headers: str) -> dict[str, dict[str, Any]]:
        answer = self.http.get(
            f"/v3/vehicles/{vehicle_id}/signals", headers={**self.headers(user_id), **headers}
        )
        assert answer.status_code == 200, answer.text
        return {item["id"]: item for item in answer.json()["data"]}

    def signal_body(self, vehicle_id: str, user_id: str, code: str) -> Any:
        answer = self.http.get(
            f"/v3/vehicles/{vehicle_id}/signals/{code}", headers=self.headers(user_id)
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]["attributes"]["body"]

    def command(
        self, vehicle_id: str, user_id: str, path: str, attributes: dict[str, Any] | None = None
    ) -> httpx.Response:
        body = None if attributes is None else {"data": {"attributes": attributes}}
        return self.http.post(
            f"/v3/vehicles/{vehicle_id}/{path}", json=body, headers=self.headers(user_id)
        )

    def admin(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(f"/_sandbox/{name}", json=payload)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())
