"""The pure parts of the sandbox's webhooks: definitions, schedule arithmetic, event entries."""

from __future__ import annotations

import threading

import pytest

from tui.core.smartcar import webhook_events as events
from tui.sandbox.webhooks import definitions, payloads, planning
from tui.sandbox.webhooks.sender import Job, Sender
from tui.sandbox.webhooks.settings import DeliverySettings, SettingsInput, check


def test_definition_checks_name_the_field() -> None:
    checked = definitions.check(
        {
            "callbackUri": " https://example.com/hook ",
            "data": "closure-islocked, closure-islocked,odometer-traveleddistance",
            "triggers": [],
            "scheduleMinutes": None,
            "errorCallbackUri": "",
        },
        creating=True,
    )
    assert checked == {
        "callback_uri": "https://example.com/hook",
        "data": ["closure-islocked", "odometer-traveleddistance"],
        "triggers": [],
        "schedule_minutes": None,
        "error_callback_uri": None,
    }
    for fields, name in (
        ({"callbackUri": "http://:80/x"}, "callbackUri"),
        ({"callbackUri": "http://example.com:99999/x"}, "callbackUri"),
        ({"callbackUri": "https://a.b/c", "name": ""}, "name"),
        ({"callbackUri": "https://a.b/c", "data": [1]}, "data"),
        ({"callbackUri": "https://a.b/c", "scheduleMinutes": 7 * 24 * 60 + 1}, "scheduleMinutes"),
        ({"callbackUri": "https://a.b/c", "scheduleMinutes": 1.5}, "scheduleMinutes"),
        ({"callbackUri": "https://a.b/c", "autoSubscribe": 1}, "autoSubscribe"),
        ({"name": "no callback"}, "callbackUri"),
    ):
        with pytest.raises(definitions.DefinitionError) as problem:
            definitions.check(fields, creating=True)
        assert problem.value.name == name, fields
    assert definitions.from_python(callback_uri="x", data=("a",)) == {
        "callbackUri": "x",
        "data": ["a"],
    }
    with pytest.raises(definitions.DefinitionError):
        definitions.from_python(colour="red")


@pytest.mark.parametrize(
    ("offset", "catch_up", "slots", "skipped"),
    [
        (-1, 12, 0, 0),  # not due yet
        (0, 12, 1, 0),  # the slot itself is due
        (599, 12, 1, 0),
        (600, 12, 2, 0),
        (600 * 20, 12, 12, 9),  # 21 slots passed: 12 delivered, 9 skipped
        (600 * 5, 0, 0, 6),  # at start: everything missed is skipped
    ],
)
def test_schedule_slots(offset: int, catch_up: int, slots: int, skipped: int) -> None:
    webhook = {"schedule_minutes": 10, "schedule_next_at": 1000.0}
    now = 1000.0 + offset
    assert planning.advance_schedule(webhook, now, catch_up) == (slots, skipped)
    next_at = webhook["schedule_next_at"]
    assert now < next_at <= now + 600 or (slots, skipped) == (0, 0)
    assert (next_at - 1000.0) % 600 == 0


def test_error_entries() -> None:
    raised = events.error_entry(
        "CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED", events.ERROR, app_name="Demo"
    )
    assert raised["resolution"] == {"type": "REAUTHENTICATE"}
    assert "Demo" in raised["suggestedUserMessage"] and "<app name>" not in str(raised)
    assert raised["docURL"].endswith("connected-services-account-errors#authentication-failed")
    resolved = events.error_entry("VEHICLE_STATE", "ASLEEP", events.RESOLVED)
    assert "suggestedUserMessage" not in resolved and resolved["state"] == "RESOLVED"
    for bad in (("VEHICLE_STATE", "DOOR_OPEN", events.ERROR), ("PERMISSION", None, "LATER")):
        with pytest.raises(ValueError):
            events.error_entry(*bad)


def test_stamping_keeps_the_event() -> None:
    webhook = {"id": "w-1", "name": "Hook"}
    event = payloads.vehicle_state_event(
        webhook, "u-1", {"id": "v-1"}, [], [payloads.first_delivery_trigger()]
    )
    first = payloads.stamp(event, "d-1", 1)
    second = payloads.stamp(event, "d-2", 2)
    assert first["eventId"] == second["eventId"] == event["eventId"]
    assert (first["meta"]["deliveryId"], second["meta"]["deliveryId"]) == ("d-1", "d-2")
    assert event["meta"]["deliveryId"] is None  # the template is left alone
    assert payloads.encode(first).startswith(b'{"eventId":')


def test_delivery_settings() -> None:
    changed = check(DeliverySettings(), timeout=2, retry_delays=[1, 2.5], catch_up=3)
    assert (changed.timeout, changed.retry_delays, changed.catch_up) == (2.0, (1.0, 2.5), 3)
    for name, value in (
        ("timeout", 0),
        ("verify_timeout", True),
        ("retry_delays", [-1]),
        ("retry_delays", "25"),
        ("catch_up", 0),
        ("workers", 9),
    ):
        with pytest.raises(SettingsInput) as problem:
            check(DeliverySettings(), **{name: value})
        assert problem.value.name == name


def test_the_sender_queue_is_bounded() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def run(job: Job) -> None:
        started.set()
        assert release.wait(30)
        done.append(job.webhook_id)

    sender = Sender(run, lambda: None, workers=1, queue_size=1)
    assert sender.submit(Job("first", {}))
    assert started.wait(30)  # the worker holds the first job
    assert sender.submit(Job("second", {}))  # waits in the queue
    assert not sender.submit(Job("third", {}))  # the queue is full: refused, never blocking
    assert sender.outstanding == 2
    release.set()
    sender.stop()
    assert "third" not in done
