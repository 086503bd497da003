"""The Smartcar error explainer, shape by shape and type by type."""

from __future__ import annotations

import json
from typing import Any

from tui.core.exchange import Exchange, Response, SentRequest, Timings
from tui.core.model import Auth, AuthKind, Collection, Request
from tui.core.smartcar import errors as table
from tui.core.smartcar.explainer import (
    Explanation,
    explain,
    explain_body,
    explain_oauth_error,
    seconds_in_words,
)

API = "https://api.smartcar.com/v2.0/vehicles/36ab27d0-fd9d-4455-823a-ce30af709ffc"


def response(status: int, body: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(
        status=status,
        reason="",
        http_version="HTTP/1.1",
        headers=[("content-type", "application/json"), *(headers or [])],
        body=raw,
    )


def exchange(
    status: int,
    body: Any,
    *,
    url: str = API + "/odometer",
    method: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    authorization: str = "Bearer abc",
    refreshed: bool = False,
) -> Exchange:
    sent = SentRequest(method, url, [("authorization", authorization)])
    result = Exchange(
        request=sent,
        timings=Timings(started_at=1_700_000_000.0, total_ms=500.0),
        response=response(status, body, headers),
    )
    result.refreshed_token = refreshed
    return result


def v2(error_type: str, code: str | None, **extra: Any) -> dict[str, Any]:
    return table.error_body(error_type, code, "5dea93a1-3f79-4246-90c5-89610a20471b", **extra)


def saved(smartcar: Collection, *path: str) -> Request:
    request = smartcar.find(list(path))
    assert request is not None
    return request


def advice(explanation: Explanation | None) -> str:
    assert explanation is not None
    return "\n".join(explanation.advice)


# ---- not errors ------------------------------------------------------------------------


def test_success_and_foreign_bodies_are_not_explained() -> None:
    assert explain(response(200, {"distance": 104.32})) is None
    assert explain(response(200, {"type": "VEHICLE_STATE", "code": "ASLEEP"})) is None
    assert explain(response(404, b"<html>not found</html>")) is None
    assert explain(response(500, {"message": "whatever"})) is None
    assert explain(response(400, ["a", "list"])) is None
    no_response = Exchange(request=SentRequest("GET", API, []), timings=Timings(started_at=0))
    assert explain(no_response) is None


# ---- v2.0 ------------------------------------------------------------------------------


def test_401_authentication_mentions_refresh_and_login() -> None:
    result = explain(exchange(401, v2("AUTHENTICATION", None)))
    assert result is not None
    assert result.title == "AUTHENTICATION — the access token is missing, invalid or expired"
    assert (result.type, result.code, result.status, result.shape) == (
        "AUTHENTICATION",
        None,
        401,
        "v2",
    )
    assert result.description.startswith("The authorization header is missing")
    text = advice(result)
    assert "refreshes an expired token automatically" in text
    assert "ctrl+o" in text
    assert result.docs_url == "https://smartcar.com/docs/errors/api-errors/authentication-errors"
    assert result.request_id == "5dea93a1-3f79-4246-90c5-89610a20471b"


def test_401_after_a_refresh_says_log_in_again() -> None:
    text = advice(explain(exchange(401, v2("AUTHENTICATION", None), refreshed=True)))
    assert "already refreshed" in text and "log in again (ctrl+o)" in text


def test_401_with_basic_auth_points_at_the_credentials(smartcar: Collection) -> None:
    result = explain(
        exchange(
            401,
            v2("AUTHENTICATION", None),
            url="https://management.smartcar.com/v2.0/management/connections",
            authorization="Basic ZGVmYXVsdDp4",
        ),
        request=saved(smartcar, "Management", "Get connections"),
    )
    assert "{{amt}}" in advice(result)


def test_403_permission_without_granted_permissions(smartcar: Collection) -> None:
    odometer = saved(smartcar, "Vehicle", "Odometer")
    result = explain(exchange(403, v2("PERMISSION", None)), request=odometer)
    assert result is not None
    assert result.title == "PERMISSION — the token lacks a permission"
    text = advice(result)
    assert "needs the permission read_odometer (Total distance travelled)" in text
    assert "Smartcar API/v2.0 (deprecated)/Vehicle/Permissions" in text  # how to check
    assert result.resolution.startswith("Send the owner through Smartcar Connect again")


def test_403_permission_with_granted_permissions(smartcar: Collection) -> None:
    odometer = saved(smartcar, "Vehicle", "Odometer")
    missing = explain(
        exchange(403, v2("PERMISSION", None)),
        request=odometer,
        granted_permissions=["read_vehicle_info", "required:read_vin"],
    )
    text = advice(missing)
    assert "does not have read_odometer" in text
    assert "read_vehicle_info, read_vin" in text  # "required:" prefixes stripped
    held = explain(
        exchange(403, v2("PERMISSION", None)),
        request=odometer,
        granted_permissions=["read_odometer"],
    )
    assert "The current token has read_odometer" in advice(held)


def test_403_permission_infers_the_permission_from_the_url() -> None:
    # A hand-written request without meta: the endpoint table knows what /fuel needs.
    text = advice(explain(exchange(403, v2("PERMISSION", None), url=API + "/fuel")))
    assert "read_fuel" in text


def test_403_on_an_upper_case_make() -> None:
    text = advice(explain(exchange(403, v2("PERMISSION", None), url=API + "/TESLA/compass")))
    assert "/tesla/" in text and "lower case" in text
    assert "read_compass" in text


def test_501_vehicle_not_capable_is_the_audi_a4_case(smartcar: Collection) -> None:
    battery = saved(smartcar, "EV", "Battery")
    result = explain(
        exchange(501, v2("COMPATIBILITY", "VEHICLE_NOT_CAPABLE"), url=API + "/battery"),
        request=battery,
        vehicle_label="2016 AUDI A4",
    )
    assert result is not None
    assert result.title == "COMPATIBILITY/VEHICLE_NOT_CAPABLE — this vehicle cannot do this"
    text = advice(result)
    assert text.startswith("This vehicle (2016 AUDI A4) cannot do this")
    assert "electric and plug-in hybrid" in text
    assert "Compatibility/By VIN" in text
    assert result.docs_url == (
        "https://smartcar.com/docs/errors/api-errors/compatibility-errors#vehicle-not-capable"
    )
    assert result.suggested_user_message == "Your vehicle does not support this feature."


def test_501_smartcar_not_capable() -> None:
    result = explain(exchange(501, v2("COMPATIBILITY", "SMARTCAR_NOT_CAPABLE")))
    assert result is not None
    assert "does not support" in result.title
    assert "Nothing to fix on your side" in advice(result)


def test_409_vehicle_state_in_words() -> None:
    result = explain(exchange(409, v2("VEHICLE_STATE", "DOOR_OPEN"), method="POST"))
    assert result is not None
    assert result.title == "VEHICLE_STATE/DOOR_OPEN — the vehicle is not in a state to do this"
    assert "The vehicle is standing with one or more doors open." in result.advice
    asleep = explain(
        exchange(409, v2("VEHICLE_STATE", "ASLEEP")), vehicle_label="2021 TESLA Model 3"
    )
    assert advice(asleep).startswith("The vehicle (2021 TESLA Model 3) is asleep")
    unknown = explain(exchange(409, v2("VEHICLE_STATE", "UNKNOWN")))
    assert unknown is not None and unknown.resolution == "Retry later."


def test_429_retry_after_in_words_and_clock() -> None:
    result = explain(
        exchange(429, v2("RATE_LIMIT", "VEHICLE"), headers=[("Retry-After", "90")]),
    )
    assert result is not None
    assert result.title == "RATE_LIMIT/VEHICLE — too many requests"
    assert result.retry_after == 90
    text = advice(result)
    assert "Retry in 1 minute 30 seconds (after " in text
    assert "webhook" in text
    assert result.resolution == "Retry later."


def test_429_without_header_and_application_wide() -> None:
    vehicle = advice(explain(exchange(429, v2("RATE_LIMIT", "VEHICLE"))))
    assert "No Retry-After header" in vehicle
    app = explain(exchange(429, v2("RATE_LIMIT", "SMARTCAR_API")))
    assert "whole application" in advice(app)
    assert app is not None and app.retry_after is None


def test_retry_after_as_http_date_and_epoch_ms() -> None:
    # The exchange answered at 1_700_000_000.5 (started_at + 500 ms).
    date = explain(
        exchange(
            429,
            v2("RATE_LIMIT", "VEHICLE"),
            headers=[("Retry-After", "Tue, 14 Nov 2023 22:14:20 GMT")],
        )
    )
    assert date is not None and date.retry_after is not None
    assert 0 < date.retry_after <= 120
    epoch_ms = explain(
        exchange(429, v2("RATE_LIMIT", "VEHICLE"), headers=[("Retry-After", "1700000030500")])
    )
    assert epoch_ms is not None and epoch_ms.retry_after == 30


def test_5xx_and_upstream_give_retry_advice() -> None:
    upstream = explain(exchange(502, v2("UPSTREAM", "NO_RESPONSE")))
    assert upstream is not None
    assert upstream.title == "UPSTREAM/NO_RESPONSE — the brand's servers failed"
    assert "exponential backoff" in advice(upstream)
    server = explain(exchange(500, v2("SERVER", "INTERNAL")))
    assert "exponential backoff" in advice(server)
    support = explain(exchange(500, v2("SERVER", "RECORD_NOT_FOUND")))
    assert support is not None and "support" in support.resolution


def test_validation_details_are_listed() -> None:
    body = v2(
        "VALIDATION",
        None,
        detail=[{"field": ["requests"], "message": '"requests" is required'}],
    )
    result = explain(exchange(400, body, url=API + "/batch", method="POST"))
    assert result is not None
    assert result.details == ('requests: "requests" is required',)


def test_older_v2_bodies_with_a_string_resolution() -> None:
    body = {
        "type": "CONNECTED_SERVICES_ACCOUNT",
        "code": "AUTHENTICATION_FAILED",
        "description": "Could not sign in.",
        "docURL": "https://smartcar.com/docs/errors/v2.0/connected-services-account",
        "statusCode": 400,
        "resolution": "REAUTHENTICATE",
    }
    result = explain(response(400, body))
    assert result is not None
    assert result.resolution.startswith("Send the owner through Smartcar Connect")
    assert result.docs_url == body["docURL"]
    assert "re-authentication URL" in advice(result)  # the table's hint


def test_resolution_url_is_kept() -> None:
    body = v2("CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED")
    result = explain(response(400, body))
    assert result is not None
    assert result.resolution_url == table.TESLA_VIRTUAL_KEY_URL
    assert "resolution link" in result.resolution


def test_batch_item_via_explain_body() -> None:
    item = {"path": "/location", "code": 403, "body": v2("PERMISSION", None)}
    result = explain_body(item["body"], status=item["code"])
    assert result is not None and result.type == "PERMISSION"
    assert explain_body({"distance": 1}, status=200) is None


# ---- v1.0, OAuth and v3 ----------------------------------------------------------------


def test_v1_permission_error_explains_the_old_meaning(smartcar: Collection) -> None:
    body = {
        "error": "permission_error",
        "message": "Insufficient permissions to access requested resource.",
    }
    result = explain(response(403, body), request=saved(smartcar, "EV", "Battery"))
    assert result is not None
    assert result.shape == "v1"
    assert result.title == "permission_error (API v1.0) — the token lacks a permission"
    assert result.description == body["message"]
    text = advice(result)
    assert "2016 Audi A4" in text and "VEHICLE_NOT_CAPABLE" in text
    assert "read_battery" in text
    assert "v1.0 has been sunset" in text


def test_v1_vehicle_state_code() -> None:
    body = {
        "error": "vehicle_state_error",
        "message": "Vehicle state cannot be determined.",
        "code": "VS_000",
    }
    result = explain(response(409, body))
    assert result is not None and result.code == "VS_000"
    assert "cannot be determined" in advice(result)


def test_oauth_token_errors() -> None:
    body = {"error": "invalid_request", "error_description": "Invalid code: bad code here."}
    result = explain(response(400, body))
    assert result is not None
    assert result.shape == "oauth"
    assert result.title == "invalid_request — the token endpoint refused the request"
    assert result.description == "Invalid code: bad code here."
    assert "single-use" in advice(result)
    refresh = explain(
        response(
            400, {"error": "invalid_request", "error_description": "Invalid refresh_token: x."}
        )
    )
    assert refresh is not None and "60 days" in advice(refresh)
    assert refresh.docs_url is not None and "refreshing" in refresh.docs_url
    client = explain(response(401, {"error": "invalid_client", "error_description": "Bad."}))
    assert "client secret" in advice(client)


def test_connect_redirect_error() -> None:
    result = explain_oauth_error(
        "vehicle_incompatible",
        "The user's vehicle is not compatible.",
        extra={"vin": "0SCAUDI012FE3B132", "make": "AUDI", "state": "s"},
    )
    assert result.title == "vehicle_incompatible — Smartcar Connect did not grant access"
    assert result.docs_url == (
        "https://smartcar.com/docs/errors/connect-errors/vehicle-incompatible"
    )
    text = advice(result)
    assert "vin=0SCAUDI012FE3B132" in text and "state=" not in text


def test_v3_errors_shape() -> None:
    body = {
        "errors": [
            {
                "status": "502",
                "type": "UPSTREAM",
                "code": "NO_RESPONSE",
                "title": "No response",
                "detail": "The brand's servers did not answer in time.",
                "links": {"about": "https://smartcar.com/docs/errors/api-errors/upstream-errors"},
                "resolution": {"type": "RETRY_LATER"},
                "suggestedUserMessage": "Try again later.",
            }
        ]
    }
    result = explain(response(502, body))
    assert result is not None
    assert result.shape == "v3"
    assert result.status == 502
    assert result.title == "UPSTREAM/NO_RESPONSE — the brand's servers failed"
    assert result.description == "The brand's servers did not answer in time."
    assert result.docs_url == "https://smartcar.com/docs/errors/api-errors/upstream-errors"
    assert result.resolution == "Retry later."
    assert result.suggested_user_message == "Try again later."
    assert "exponential backoff" in advice(result)


# ---- helpers ---------------------------------------------------------------------------


def test_seconds_in_words() -> None:
    assert seconds_in_words(1) == "1 second"
    assert seconds_in_words(45) == "45 seconds"
    assert seconds_in_words(60) == "1 minute"
    assert seconds_in_words(90) == "1 minute 30 seconds"
    assert seconds_in_words(7260) == "2 hours 1 minute"
    assert seconds_in_words(0.2) == "1 second"


def test_as_text_has_everything() -> None:
    result = explain(exchange(429, v2("RATE_LIMIT", "VEHICLE"), headers=[("Retry-After", "5")]))
    assert result is not None
    text = result.as_text()
    for part in ("RATE_LIMIT/VEHICLE", "Retry in 5 seconds", "Resolution: Retry later.", "Docs: "):
        assert part in text


def test_every_table_row_is_explained() -> None:
    for spec in table.ERRORS:
        body = table.error_body(spec.type, spec.code, "id")
        result = explain(response(spec.status, body))
        assert result is not None, spec.key
        assert result.type == spec.type and result.code == spec.code
        assert result.title.startswith(spec.type)
        assert result.advice or result.resolution, spec.key
        assert result.docs_url == spec.doc_url


def test_a_request_with_bearer_amt_is_recognised(smartcar: Collection) -> None:
    unsubscribe = saved(smartcar, "v2.0 (deprecated)", "Webhooks", "Unsubscribe")
    assert unsubscribe.auth == Auth(kind=AuthKind.BEARER, token="{{amt}}")
    text = advice(explain(response(401, v2("AUTHENTICATION", None)), request=unsubscribe))
    assert "{{amt}}" in text


def test_saved_request_template_is_enough_to_find_the_endpoint(smartcar: Collection) -> None:
    # No exchange (a Response only): the saved URL with its {{variables}} names the endpoint.
    fuel = saved(smartcar, "Vehicle", "Fuel")
    text = advice(explain(response(501, v2("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")), request=fuel))
    assert "combustion engine" in text
    compass = saved(smartcar, "Make-specific", "Tesla compass")
    text = advice(
        explain(response(501, v2("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")), request=compass)
    )
    assert "only on vehicles of: tesla" in text


def test_suggested_user_message_is_not_repeated_in_advice() -> None:
    result = explain(exchange(409, v2("VEHICLE_STATE", "ASLEEP")))
    assert result is not None and result.suggested_user_message
    assert result.suggested_user_message not in advice(result)


def test_a_401_without_any_authorization_is_not_called_a_rejected_token() -> None:
    """auth: none sends no token: logging in again would not help, the Auth tab would."""
    sent = exchange(401, v2("AUTHENTICATION", None))
    sent.request.headers = []  # nothing was sent
    found = explain(sent)
    assert found is not None
    advice = " ".join(found.advice)
    assert "No Authorization header was sent" in advice and "auth is none" in advice
    assert "log in again" not in advice
    rejected = explain(exchange(401, v2("AUTHENTICATION", None)))
    assert rejected is not None and "log in again" in " ".join(rejected.advice)
