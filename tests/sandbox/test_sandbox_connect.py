"""Connect: the HTML pages, the checks of the authorize URL, special emails, approve()."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlencode

import httpx
import pytest

from tui.sandbox import DEFAULT_REDIRECT_URIS, Sandbox
from tui.sandbox.admin import handle as admin_handle
from tui.sandbox.admin import is_loopback
from tui.sandbox.errors import ApiError
from tui.sandbox.messages import Headers, Request


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, tuple[str | None, str | None]] = {}
        self.ids: set[str] = set()
        self.radios = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "input":
            if a.get("type") == "radio":
                self.radios += 1
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("name"):
                self.fields.append((a["name"], a.get("value") or ""))
        if tag == "button" and a.get("id"):
            self.buttons[a["id"]] = (a.get("name"), a.get("value"))


def press(
    http: httpx.Client,
    page: Page,
    button: str,
    fill: dict[str, str] | None = None,
    drop: str | None = None,
) -> httpx.Response:
    fields = [(n, (fill or {}).get(n, v)) for n, v in page.fields if n != drop]
    name, value = page.buttons[button]
    if name:
        fields.append((name, value or ""))
    return http.post(
        "/oauth/authorize",
        content=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def open_connect(http: httpx.Client, url: str) -> Page:
    """GET the authorize URL and press Continue on the preamble: the next page."""
    preamble = http.get(url)
    assert preamble.status_code == 200, preamble.text
    answer = press(http, Page(preamble.text), "continue-button")
    assert answer.status_code == 200, answer.text
    return Page(answer.text)


def test_html_flow_preamble_brand_login_grant_approve(
    http: httpx.Client, authorize_url, qs
) -> None:
    first = http.get(authorize_url(scope="required:read_odometer read_vin"))
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/html")
    assert "<script" not in first.text.lower()
    preamble = Page(first.text)
    assert "continue-button" in preamble.buttons and "TESLA" not in preamble.buttons
    brands = Page(press(http, preamble, "continue-button").text)
    assert {"TESLA", "AUDI", "CHEVROLET"} <= set(brands.buttons)
    login_page = Page(press(http, brands, "AUDI").text)
    assert {"username", "password", "sign-in-button"} <= login_page.ids
    grant = press(
        http, login_page, "sign-in-button", {"username": "me@example.com", "password": "x"}
    )
    assert grant.status_code == 200
    assert "read_odometer" in grant.text and "Total distance travelled" in grant.text
    assert "required:" in grant.text and "A4" in grant.text
    done = press(http, Page(grant.text), "approval-button")
    assert done.status_code == 302
    location = done.headers["location"]
    assert location.startswith("http://localhost:8000/exchange?")
    assert qs(location)["state"] == "st-1" and len(qs(location)["code"]) == 36


def test_country_flag_shapes_the_brand_list(http: httpx.Client, authorize_url) -> None:
    german = open_connect(http, authorize_url(flags="country:DE account_sync:true"))
    assert "TESLA" in german.buttons and "CHEVROLET" not in german.buttons
    assert "CHEVROLET" in open_connect(http, authorize_url()).buttons


def test_deny_redirects_with_access_denied(http: httpx.Client, authorize_url, qs) -> None:
    login_page = open_connect(http, authorize_url(make="TESLA"))
    assert "sign-in-button" in login_page.buttons  # make skips the brand page
    grant = Page(press(http, login_page, "sign-in-button", {"username": "a@b.c"}).text)
    denied = press(http, grant, "deny-button")
    assert denied.status_code == 302
    params = qs(denied.headers["location"])
    assert params == {
        "error": "access_denied",
        "error_description": "User denied access to application.",
        "state": "st-1",
    }


def test_grant_needs_a_vehicle_and_bad_email_is_explained(
    http: httpx.Client, authorize_url
) -> None:
    login_page = open_connect(http, authorize_url(make="TESLA"))
    retry = press(http, login_page, "sign-in-button", {"username": "not an email"})
    assert retry.status_code == 400 and "Enter an email address" in retry.text
    grant = Page(press(http, Page(retry.text), "sign-in-button", {"username": "a@b.c"}).text)
    nothing = press(http, grant, "approval-button", drop="vehicle")
    assert nothing.status_code == 400 and "Select at least one vehicle" in nothing.text


def test_stale_or_unknown_session_gets_an_html_page(http: httpx.Client) -> None:
    answer = http.post("/oauth/authorize", data={"session": "nope", "step": "login"})
    assert answer.status_code == 400 and "expired or is unknown" in answer.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"response_type": "token"}, "response_type"),
        ({"client_id": "someone-else"}, "Unknown client_id"),
        ({"redirect_uri": "http://evil.example/cb"}, "not registered"),
        ({"mode": "party"}, "mode must be one of"),
    ],
)
def test_bad_authorize_urls_render_an_error_page(
    http: httpx.Client, authorize_url, change: dict[str, str], message: str
) -> None:
    answer = http.get(authorize_url(**change))
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html") and message in answer.text


def test_configuration_errors_redirect(sandbox: Sandbox, authorize_url, qs) -> None:
    location = sandbox.approve(authorize_url(scope="read_odometer read_nonsense"), "a@b.c")
    params = qs(location)
    assert params["error"] == "configuration_error" and "read_nonsense" in params["error_message"]
    live_vin = authorize_url(mode="live", single_select_vin="0SCAUDI037A5ADB1C")
    assert qs(sandbox.approve(live_vin, "a@b.c"))["error"] == "configuration_error"


def test_redirect_uri_defaults_to_first_registered(sandbox: Sandbox, authorize_url) -> None:
    location = sandbox.approve(authorize_url(redirect_uri=None), "a@b.c")
    assert location.startswith(DEFAULT_REDIRECT_URIS[0] + "?code=")


def test_registered_redirect_uri_with_query_keeps_it(sandbox: Sandbox, authorize_url) -> None:
    sandbox.register_redirect_uri("http://127.0.0.1:45678/cb?app=1")
    location = sandbox.approve(
        authorize_url(redirect_uri="http://127.0.0.1:45678/cb?app=1"), "a@b.c"
    )
    assert location.startswith("http://127.0.0.1:45678/cb?app=1&code=")
    with pytest.raises(ValueError, match="absolute URI"):
        sandbox.register_redirect_uri("not a uri")


@pytest.mark.parametrize(
    ("email", "error", "extra"),
    [
        (
            "smartcar@vehicle-incompatible.com",
            "vehicle_incompatible",
            {"vin": "0SCAUDI012FE3B132", "make": "AUDI", "model": "A4", "year": "2016"},
        ),
        ("smartcar@invalid-subscription.com", "invalid_subscription", {}),
        ("0-vehicles@smartcar.com", "no_vehicles", {}),
        (
            "0SCTOOOLD00000001@dinosaur.smartcar.com",
            "vehicle_incompatible",
            {"vin": "0SCTOOOLD00000001"},
        ),
    ],
)
def test_special_emails_end_connect_with_errors(
    sandbox: Sandbox, authorize_url, qs, email: str, error: str, extra: dict[str, str]
) -> None:
    params = qs(sandbox.approve(authorize_url(), email))
    assert params["error"] == error and params["state"] == "st-1"
    assert params["error_description"]
    for name, value in extra.items():
        assert params[name] == value


def test_required_permission_the_car_lacks_is_incompatible(
    sandbox: Sandbox, authorize_url, qs
) -> None:
    petrol = sandbox.approve(authorize_url(scope="required:read_battery"), "a@b.c", brand="AUDI")
    assert qs(petrol)["error"] == "vehicle_incompatible" and qs(petrol)["make"] == "AUDI"
    optional = sandbox.approve(authorize_url(scope="read_battery"), "a@b.c", brand="AUDI")
    assert "code" in qs(optional)


def test_single_select_offers_radio_buttons(http: httpx.Client, authorize_url) -> None:
    page = open_connect(http, authorize_url(make="TESLA", single_select="true"))
    grant = Page(press(http, page, "sign-in-button", {"username": "3-vehicles@smartcar.com"}).text)
    assert grant.radios == 3 and [n for n, _ in grant.fields].count("vehicle") == 1


def test_single_select_vin_authorizes_only_that_vehicle(sandbox: Sandbox, login) -> None:
    session = login("smartcar@successful-request.com", single_select_vin="0SCAUDI037A5ADB1C")
    assert len(session.vehicles) == 1
    other = login("someone@example.com", single_select_vin="0SCTESLA00000000X")
    assert len(other.vehicles) == 1


def test_default_scope_is_every_read_permission(login, http: httpx.Client) -> None:
    from tui.core.smartcar.permissions import READ_PERMISSIONS

    session = login(scope=None)
    answer = http.get(
        f"/v2.0/vehicles/{session.vehicle}/permissions",
        params={"limit": 100},
        headers=session.headers,
    )
    # Every read permission the Tesla Model 3 can serve: no fuel, no engine oil, no Ford
    # charge locations, no BMW/MINI charge records.
    cannot = {"read_fuel", "read_engine_oil", "read_charge_locations", "read_charge_records"}
    assert answer.json()["permissions"] == [p for p in READ_PERMISSIONS if p not in cannot]


def test_required_prefix_is_stripped_in_permissions(login, http: httpx.Client) -> None:
    session = login(scope="required:read_vin read_odometer")
    answer = http.get(f"/v2.0/vehicles/{session.vehicle}/permissions", headers=session.headers)
    assert answer.json() == {
        "permissions": ["read_vin", "read_odometer"],
        "paging": {"count": 2, "offset": 0},
    }


def test_approval_prompt_auto_skips_the_grant_screen(
    http: httpx.Client, sandbox: Sandbox, authorize_url
) -> None:
    sandbox.approve(authorize_url(scope="read_vin"), "repeat@example.com", brand="TESLA")
    page = open_connect(http, authorize_url(scope="read_vin", approval_prompt="auto", make="TESLA"))
    again = press(http, page, "sign-in-button", {"username": "repeat@example.com"})
    assert again.status_code == 302 and "code=" in again.headers["location"]
    forced = press(
        http,
        open_connect(http, authorize_url(scope="read_vin", make="TESLA")),
        "sign-in-button",
        {"username": "repeat@example.com"},
    )
    assert forced.status_code == 200 and "approval-button" in forced.text


def test_admin_approve_endpoint(http: httpx.Client, authorize_url, qs) -> None:
    answer = http.post(
        "/_sandbox/approve", json={"authorize_url": authorize_url(), "email": "x@example.com"}
    )
    assert answer.status_code == 200 and "code" in qs(answer.json()["location"])
    denied = http.post(
        "/_sandbox/approve",
        json={"authorize_url": authorize_url(), "email": "x@example.com", "deny": True},
    )
    assert qs(denied.json()["location"])["error"] == "access_denied"
    broken = http.post(
        "/_sandbox/approve",
        json={"authorize_url": authorize_url(client_id="nobody"), "email": "x@example.com"},
    )
    assert broken.status_code == 400 and "Unknown client_id" in broken.text
    missing = http.post("/_sandbox/approve", json={"email": "x@example.com"})
    assert missing.status_code == 400 and missing.json()["type"] == "VALIDATION"


def test_admin_refuses_non_loopback_callers(sandbox: Sandbox) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("192.168.1.5") and not is_loopback("garbage")
    request = Request(
        "POST", "/_sandbox/clock", {}, Headers(), b'{"advance": 5}', "10.1.2.3", "rid"
    )
    with pytest.raises(ApiError) as caught:
        admin_handle(sandbox._ctx, request, "clock")
    assert caught.value.status == 403
    assert sandbox.clock.offset == 0


def test_reauthenticate_redirects_with_vehicle_id(
    login, http: httpx.Client, sandbox: Sandbox, qs
) -> None:
    session = login()
    answer = http.get(
        "/oauth/reauthenticate",
        params={
            "response_type": "vehicle_id",
            "client_id": sandbox.client_id,
            "vehicle_id": session.vehicle,
            "state": "re",
        },
    )
    assert answer.status_code == 302
    assert qs(answer.headers["location"]) == {"vehicle_id": session.vehicle, "state": "re"}
    bad = http.get("/oauth/reauthenticate", params={"response_type": "code"})
    assert bad.status_code == 400


def test_approve_rejects_unknown_brand(sandbox: Sandbox, authorize_url: Callable[..., str]) -> None:
    with pytest.raises(ValueError, match="Unknown brand"):
        sandbox.approve(authorize_url(), "a@b.c", brand="DELOREAN")
