"""Connect as Smartcar's SDK end-to-end scripts walk it (issue 15.3, points 1-3).

Preamble (``#continue-button``) → brand (``button#<MAKE>.brand-list-item``) → sign in
(``#username``, ``#password``, ``#sign-in-button``) → grant (``#approval-button``); "Back to
application" on every page; ``server_error`` by sign-in; ``mode=live`` refuses test sign-ins.
"""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from tests.sandbox.test_sandbox_connect import Page, press
from tui.sandbox import Sandbox


class Classes(HTMLParser):
    """button id -> class attribute, to check the selectors the SDKs' scripts use."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.classes: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "button" and a.get("id"):
            self.classes[a["id"]] = a.get("class") or ""


def test_the_sdk_e2e_walk_preamble_brand_login_approve(
    http: httpx.Client, authorize_url, qs
) -> None:
    first = http.get(authorize_url(scope="required:read_battery read_vin"))
    preamble = Page(first.text)
    assert {"continue-button", "back-to-application-button"} <= set(preamble.buttons)
    brands = press(http, preamble, "continue-button")
    assert "brand-list-item" in Classes(brands.text).classes["CHEVROLET"]
    login = press(http, Page(brands.text), "CHEVROLET")
    assert {"username", "password", "sign-in-button"} <= Page(login.text).ids
    grant = press(
        http, Page(login.text), "sign-in-button", {"username": "e2e@email.com", "password": "pw"}
    )
    assert "approval-button" in Page(grant.text).buttons and "Volt" in grant.text
    done = press(http, Page(grant.text), "approval-button")
    assert done.status_code == 302 and "code" in qs(done.headers["location"])


def test_make_skips_the_brand_page_but_not_the_preamble(http: httpx.Client, authorize_url) -> None:
    preamble = Page(http.get(authorize_url(make="NISSAN")).text)
    assert "continue-button" in preamble.buttons and "sign-in-button" not in preamble.buttons
    login = Page(press(http, preamble, "continue-button").text)
    assert "sign-in-button" in login.buttons


def test_skipping_the_preamble_is_out_of_step(http: httpx.Client, authorize_url) -> None:
    preamble = Page(http.get(authorize_url()).text)
    session = dict(preamble.fields)["session"]
    answer = http.post(
        "/oauth/authorize", data={"session": session, "step": "login", "username": "a@b.c"}
    )
    assert answer.status_code == 400 and "out of step" in answer.text


@pytest.mark.parametrize("page", ["preamble", "brand", "login", "grant"])
def test_back_to_application_from_every_page(
    http: httpx.Client, authorize_url, qs, page: str
) -> None:
    current = Page(http.get(authorize_url()).text)
    steps = ["preamble", "brand", "login", "grant"]
    for step in steps[: steps.index(page)]:
        button = {"preamble": "continue-button", "brand": "TESLA", "login": "sign-in-button"}[step]
        current = Page(press(http, current, button, {"username": "me@example.com"}).text)
    answer = press(http, current, "back-to-application-button")
    assert answer.status_code == 302
    assert qs(answer.headers["location"]) == {
        "error": "user_manually_returned_to_application",
        "error_description": "The user exited Connect before granting your application access.",
        "state": "st-1",
    }
    # The session is over: its pages cannot be used again.
    again = press(http, current, "back-to-application-button")
    assert again.status_code == 400 and "expired or is unknown" in again.text


def test_server_error_sign_in(sandbox: Sandbox, authorize_url, qs) -> None:
    params = qs(sandbox.approve(authorize_url(), "smartcar@server-error.com"))
    assert params == {
        "error": "server_error",
        "error_description": "Unexpected server error. Please try again.",
        "state": "st-1",
    }


@pytest.mark.parametrize(
    "email",
    [
        "2-vehicles@smartcar.com",
        "0SCTESLA000000001@bev.smartcar.com",
        "5YJ3E1EA7KF317000@compatible.smartcar.com",
        "VEHICLE_STATE.ASLEEP@smartcar.com",
        "smartcar@successful-request.com",
        "smartcar@server-error.com",
    ],
)
def test_live_mode_refuses_test_sign_ins(
    http: httpx.Client, sandbox: Sandbox, authorize_url, email: str
) -> None:
    url = authorize_url(mode="live", make="TESLA")
    login = Page(press(http, Page(http.get(url).text), "continue-button").text)
    refused = press(http, login, "sign-in-button", {"username": email})
    assert refused.status_code == 400
    assert "test sign-in" in refused.text and "mode=live" in refused.text
    assert "sign-in-button" in Page(refused.text).buttons  # the page lets them try again
    with pytest.raises(ValueError, match="mode=live"):
        sandbox.approve(url, email)


@pytest.mark.parametrize("mode", ["test", "simulated"])
def test_test_sign_ins_work_in_test_and_simulated_mode(
    sandbox: Sandbox, authorize_url, qs, mode: str
) -> None:
    assert "code" in qs(sandbox.approve(authorize_url(mode=mode), "2-vehicles@smartcar.com"))


def test_live_mode_still_signs_in_ordinary_emails(sandbox: Sandbox, authorize_url, qs) -> None:
    assert "code" in qs(sandbox.approve(authorize_url(mode="live"), "owner@example.com"))
