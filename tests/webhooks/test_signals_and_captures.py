"""Reading deliveries: their labels, signals as rows, series for plots; capture rules on
them (valid ones only); the [webhooks] settings; how Smartcar reaches the receiver."""

from __future__ import annotations

import pytest

from tests.webhooks.conftest import compact, vehicle_state, verify_event
from tui.core import paths
from tui.core.history.delivery_model import Signature
from tui.core.model import Capture
from tui.core.tomlfile import TomlFileError
from tui.core.webhooks import WebhookSettings, load_webhook_settings, save_webhook_settings
from tui.core.webhooks.captures import capture_from_delivery
from tui.core.webhooks.event_info import event_info
from tui.core.webhooks.reach import reach
from tui.core.webhooks.signals import numeric_codes, parse_body, readings, series

BATTERY = Capture(
    variable="battery",
    path="$.data.signals[?@.code=='tractionbattery-stateofcharge'].body.value",
)

VEHICLE_ERROR = {
    "eventId": "5a537912",
    "eventType": "VEHICLE_ERROR",
    "vehicleId": "123e4567",
    "data": {
        "user": {"id": "93b3ea96"},
        "vehicle": {"id": "123e4567", "make": "TESLA", "model": "Model 3", "year": 2020},
        "errors": [
            {
                "type": "COMPATIBILITY",
                "code": "VEHICLE_NOT_CAPABLE",
                "state": "ERROR",
                "description": "The vehicle is incapable of performing your request.",
                "signals": [{"code": "location-preciselocation", "name": "PreciseLocation"}],
            },
            {
                "type": "VEHICLE_STATE",
                "code": "UNREACHABLE",
                "state": "RESOLVED",
                "description": "The vehicle is now reachable.",
            },
        ],
    },
    "meta": {"version": "4.0", "deliveryId": "d", "mode": "LIVE"},
}


def test_event_labels_come_from_either_shape() -> None:
    info = event_info(vehicle_state())
    assert (info.event_type, info.vehicle_make, info.vehicle_year) == (
        "VEHICLE_STATE",
        "POLESTAR",
        2024,
    )
    assert info.user_id and info.delivery_id and info.webhook_name == "carman tests"
    error = event_info(VEHICLE_ERROR)
    assert (error.vehicle_id, error.mode) == ("123e4567", "LIVE")
    assert event_info(verify_event("xyz")).challenge == "xyz"
    legacy = event_info({"eventName": "verify", "payload": {"challenge": "c"}, "version": "2.0"})
    assert (legacy.event_type, legacy.challenge, legacy.version) == ("VERIFY", "c", "2.0")


@pytest.mark.parametrize(
    "junk",
    [
        None,
        [],
        "text",
        {"data": "x"},
        {"data": {"vehicle": [1], "user": 5}},
        {"eventId": {"a": 1}, "eventType": 7, "meta": {"deliveryId": None}},
        {"data": {"vehicle": {"year": True, "make": ["x"]}}},
    ],
)
def test_odd_bodies_give_empty_labels_not_errors(junk: object) -> None:
    info = event_info(junk)
    assert info.vehicle_year is None and info.challenge is None
    assert isinstance(info.event_type, str) and isinstance(info.vehicle_make, str)
    assert readings(junk) == []


def test_signals_of_a_vehicle_state() -> None:
    rows = readings(vehicle_state(soc=78, odometer=104032.4))
    assert [(r.code, r.value, r.unit, r.status) for r in rows] == [
        ("tractionbattery-stateofcharge", "78", "percent", "SUCCESS"),
        ("odometer-traveleddistance", "104032.4", "km", "SUCCESS"),
        ("charge-chargetimers", "", "", "ERROR SERVER/INTERNAL"),
    ]
    assert [r.number for r in rows] == [78.0, 104032.4, None]


def test_the_reference_pages_form_and_odd_bodies() -> None:
    document = {
        "data": {
            "signals": [
                {
                    "code": "location-preciselocation",
                    "body": {"latitude": 37.4292, "longitude": -122.1381},
                },
                {"code": "charge-ischarging", "body": {"value": True}},
                {"group": "Odometer", "name": "TraveledDistance", "body": {"value": 5}},
                "not a signal object",
                {"code": "x", "body": {"value": float("nan")}},
            ]
        }
    }
    rows = readings(document)
    assert len(rows) == 4  # the string is skipped
    assert rows[0].value == '{"latitude": 37.4292, "longitude": -122.1381}'
    assert rows[0].status == "SUCCESS" and rows[0].number is None  # no status: success
    assert (rows[1].value, rows[1].number) == ("true", None)  # a boolean is not plotted
    assert rows[2].code == "odometer-traveleddistance" and rows[2].number == 5
    assert rows[3].number is None  # NaN is not a point


def test_dotted_signal_names_of_older_error_events() -> None:
    old = {"data": {"errors": [{"type": "PERMISSION", "signals": ["Odometer.TraveledDistance"]}]}}
    assert readings(old)[0].code == "odometer-traveleddistance"


def test_vehicle_errors_become_rows() -> None:
    rows = readings(VEHICLE_ERROR)
    assert [(r.code, r.status) for r in rows] == [
        ("location-preciselocation", "ERROR COMPATIBILITY/VEHICLE_NOT_CAPABLE"),
        ("(vehicle)", "RESOLVED VEHICLE_STATE/UNREACHABLE"),
    ]
    assert rows[1].value == "The vehicle is now reachable."


def test_series_follow_the_vehicles_clock_not_arrival_order() -> None:
    # Delivered out of order (§7.8): plotted in the order the car reported them.
    late = vehicle_state(soc=70, oem_updated_at=3_000)
    early = vehicle_state(soc=90, oem_updated_at=1_000)
    middle = vehicle_state(soc=80, oem_updated_at=2_000)
    points = series([(1.0, late), (2.0, early), (3.0, middle)], "tractionbattery-stateofcharge")
    assert [p.value for p in points] == [90, 80, 70]
    assert series([(1.0, late)], "odometer-traveleddistance")[0].unit == "km"
    assert series([(1.0, late)], "no-such-signal") == []


def test_numeric_codes_put_the_usual_favourites_first() -> None:
    other = {"data": {"signals": [{"code": "zz-speed", "body": {"value": 3}}]}}
    codes = numeric_codes([other, vehicle_state()])
    assert codes == ["tractionbattery-stateofcharge", "odometer-traveleddistance", "zz-speed"]


def test_parse_body_never_raises() -> None:
    assert parse_body(b"\xff") is None and parse_body(b"[" * 100_000) is None
    assert parse_body(compact({"a": 1})) == {"a": 1}


def test_a_capture_rule_sets_a_variable_from_a_valid_delivery_only() -> None:
    body = compact(vehicle_state(soc=81))
    result = capture_from_delivery([BATTERY], body, Signature.VALID)
    assert result.captured == {"battery": "81"}
    for untrusted in (Signature.INVALID, Signature.UNSIGNED, Signature.UNCHECKED):
        assert capture_from_delivery([BATTERY], body, untrusted).captured == {}
    # Signed but refused by carman (e.g. not an object): nothing either.
    assert capture_from_delivery([BATTERY], body, Signature.VALID, status=400).captured == {}
    missing = capture_from_delivery([BATTERY], compact(VEHICLE_ERROR), Signature.VALID)
    assert missing.captured == {} and "matched nothing" in missing.problems[0]


def test_settings_round_trip_and_keep_the_rest_of_config(xdg: object) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('theme = "carman-light"\n\n[history]\nmax_entries = 5\n')
    assert load_webhook_settings() == WebhookSettings()
    settings = WebhookSettings(port=8123, public_url="https://hooks.example.com/webhooks")
    settings.captures.append(BATTERY)
    save_webhook_settings(settings)
    again = load_webhook_settings()
    assert (again.port, again.host, again.path) == (8123, "127.0.0.1", "/webhooks")
    assert again.public_url == "https://hooks.example.com/webhooks"
    assert again.captures == [BATTERY] and again.issues == []
    text = config.read_text()
    assert 'theme = "carman-light"' in text and "max_entries = 5" in text


def test_bad_settings_are_named_and_the_defaults_apply(xdg: object) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text(
        "[webhooks]\nport = 99999\nhost = 3\npath = 'webhooks'\n"
        "[[webhooks.captures]]\nsource = 'body'\n"
        "[[webhooks.captures]]\nvariable = 'x'\nsource = 'status'\n"
    )
    settings = load_webhook_settings()
    assert (settings.port, settings.host, settings.path) == (8001, "127.0.0.1", "/webhooks")
    messages = " | ".join(str(issue) for issue in settings.issues)
    for expected in (
        "webhooks.port",
        "webhooks.host",
        "webhooks.path",
        "captures[0].variable: missing",
        "only body captures",
    ):
        assert expected in messages
    assert str(config) in messages


def test_a_broken_config_is_never_overwritten(xdg: object) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text("theme = \n")
    assert load_webhook_settings().issues
    with pytest.raises(TomlFileError):
        save_webhook_settings(WebhookSettings(port=1))
    assert config.read_text() == "theme = \n"


def test_how_smartcar_reaches_the_receiver() -> None:
    local = "http://127.0.0.1:8001/webhooks"
    sandbox = reach(local, sandbox=True)
    assert sandbox.local and sandbox.callback_url == local
    assert local in sandbox.lines[0]
    real = reach(local, sandbox=False, ssh=True)
    text = "\n".join(real.lines)
    assert not real.local
    assert "ssh -R 443:localhost:8001 you@your-host" in text
    assert "not TLS" in text and "caddy reverse-proxy" in text
    assert "cloudflared tunnel --url http://localhost:8001" in text and "ngrok http 8001" in text
    assert "where carman runs, not on your laptop" in text  # over SSH: on the remote host
    assert real.callback_url == local and "public_url" in text
    public = reach(local, sandbox=False, public_url="https://hooks.example.com/webhooks")
    assert public.callback_url == "https://hooks.example.com/webhooks"
