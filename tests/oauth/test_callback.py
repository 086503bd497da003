"""Callback parsing, error sentences, and the pasted-redirect fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.oauth.callback import (
    CallbackResult,
    InvalidCallback,
    describe_error,
    parse_pasted_redirect,
)

STATE = "the-right-state"


def test_pasted_url_with_the_right_state_gives_the_code() -> None:
    result = parse_pasted_redirect(
        f"  http://localhost:8000/exchange?code=abc-123&state={STATE}\n", STATE
    )
    assert result.ok and result.code == "abc-123"


def test_pasted_url_with_a_wrong_state_is_refused() -> None:
    with pytest.raises(InvalidCallback, match="different state"):
        parse_pasted_redirect("http://localhost:8000/exchange?code=abc&state=forged", STATE)


def test_pasted_url_without_state_is_refused() -> None:
    with pytest.raises(InvalidCallback, match="no state"):
        parse_pasted_redirect("http://localhost:8000/exchange?code=abc", STATE)


def test_a_bare_code_is_accepted() -> None:
    assert parse_pasted_redirect("0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", STATE).code == (
        "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    )


def test_a_query_alone_is_accepted() -> None:
    assert parse_pasted_redirect(f"?code=c1&state={STATE}", STATE).code == "c1"
    assert parse_pasted_redirect(f"code=c2&state={STATE}", STATE).code == "c2"


@pytest.mark.parametrize("text", ["", "   ", "two words", "http://localhost/x?state=" + STATE])
def test_unusable_pastes_are_refused(text: str) -> None:
    with pytest.raises(InvalidCallback):
        parse_pasted_redirect(text, STATE)


def test_a_pasted_error_redirect_is_reported_in_words() -> None:
    result = parse_pasted_redirect(
        f"http://localhost:8000/exchange?error=access_denied&error_description=User+denied"
        f"&state={STATE}",
        STATE,
    )
    assert not result.ok
    assert "denied" in result.message


def test_error_sentences() -> None:
    incompatible = describe_error(
        "vehicle_incompatible",
        "The user's vehicle is not compatible.",
        {"vin": "0SCAUDI012FE3B132", "make": "AUDI", "model": "A4", "year": "2016"},
    )
    assert incompatible.startswith("2016 AUDI A4 (VIN 0SCAUDI012FE3B132) is not compatible")
    config = describe_error(
        "configuration_error",
        "There has been an error.",
        {"status_code": "400", "error_message": "You have entered a test mode VIN."},
    )
    assert "status 400" in config and "test mode VIN" in config and "Dashboard" in config
    assert "No vehicles" in describe_error("no_vehicles", None, {})
    assert "subscription" in describe_error("invalid_subscription", None, {})
    assert "try logging in again" in describe_error("server_error", None, {})
    assert "'weird'" in describe_error("weird", "odd", {})


def test_the_code_never_shows_in_repr() -> None:
    assert "secret-code" not in repr(CallbackResult(code="secret-code"))


def test_untrusted_text_loses_escape_sequences() -> None:
    result = parse_pasted_redirect(
        f"?error=server_error&error_description=%1b%5b31mred%07&state={STATE}", STATE
    )
    assert "\x1b" not in result.message and "\x07" not in result.message


@given(st.text(max_size=300))
def test_pasting_anything_either_parses_or_is_refused_cleanly(text: str) -> None:
    try:
        result = parse_pasted_redirect(text, STATE)
    except InvalidCallback as exc:
        assert str(exc)
    else:
        assert result.ok or result.error
