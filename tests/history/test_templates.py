"""History keeps what a request was (its template) beside what was sent: replay and save-as
work the next day, when the sandbox or the server has moved to another port."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EchoHandler, EchoServer
from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.history import HistoryStore, replay_of, saved_request
from tui.core.history.template import request_from_template, template_json, template_of
from tui.core.masking import MASK
from tui.core.model import (
    Auth,
    AuthKind,
    Body,
    BodyKind,
    Collection,
    Environment,
    KeyValue,
    Request,
)
from tui.core.session import open_session


def _server() -> EchoServer:
    import threading

    server = EchoServer(("127.0.0.1", 0), EchoHandler)
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _url(server: EchoServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_a_template_keeps_variables_and_masks_literal_secrets() -> None:
    request = Request(
        name="Mixed",
        url="{{api_url}}/v{{api_version}}/vehicles",
        params=[KeyValue("api_key", "literal-key-123"), KeyValue("page", "2")],
        headers=[
            KeyValue("Authorization", "Bearer literal-token-456"),
            KeyValue("X-Token", "{{my_token}}"),
            KeyValue("Accept", "application/json"),
        ],
        body=Body(
            kind=BodyKind.FORM,
            form=[KeyValue("client_secret", "s3cr3t-value"), KeyValue("grant_type", "x")],
        ),
    )
    auth = Auth(kind=AuthKind.BASIC, username="me", password="hunter2-password")
    template = template_of(request, auth)
    assert template.url == "{{api_url}}/v{{api_version}}/vehicles"
    assert [p.value for p in template.params] == [MASK, "2"]
    assert [h.value for h in template.headers] == [MASK, "{{my_token}}", "application/json"]
    assert [f.value for f in template.body.form] == [MASK, "x"]
    assert template.auth.kind == AuthKind.BASIC and template.auth.password == MASK
    assert template.captures == [] and request.params[0].value == "literal-key-123"  # a copy
    stored = template_json(template, secrets={"me-and-my-known-secret"})
    for secret in ("literal-key-123", "literal-token-456", "s3cr3t-value", "hunter2-password"):
        assert secret not in stored
    back = request_from_template(stored)
    assert back is not None and back.url == template.url


def test_known_secret_values_are_redacted_anywhere_in_a_template() -> None:
    request = Request(name="Body", method="POST", url="{{base}}/x")
    request.body = Body(kind=BodyKind.JSON, text='{"note": "my token is abcd-efgh-ijkl"}')
    stored = template_json(template_of(request, Auth(kind=AuthKind.NONE)), ["abcd-efgh-ijkl"])
    assert "abcd-efgh-ijkl" not in stored and MASK in stored


def test_no_template_or_a_broken_one_means_none() -> None:
    assert request_from_template("") is None
    assert request_from_template("{not json") is None
    assert request_from_template(json.dumps({"url": "x"})) is None  # no name


async def test_replay_and_save_as_use_today_s_variables(xdg: Path) -> None:
    """Record a send against one server, move to another port (as the sandbox does across
    restarts), then replay: from the template it reaches today's server; "exactly as sent"
    goes to yesterday's address."""
    yesterday, today = _server(), _server()
    collection = Collection(
        name="Local",
        requests=[Request(name="Echo", url="{{base}}/echo", headers=[KeyValue("X-Day", "1")])],
    )
    save_collection(collection, paths.collections_dir() / "local")
    save_environment(Environment(name="local", variables={"base": _url(yesterday)}))
    session = open_session("local")
    workspace = session.workspace
    found, request = workspace.find_request("Local/Echo")
    exchange, _ = await workspace.send(found, request)
    assert exchange.ok and exchange.collection_id == "local" and exchange.request_id == "echo"
    with HistoryStore() as store:
        entry = store.get(store.record(exchange) or 0)
    assert entry.url.startswith(_url(yesterday))
    assert request_from_template(entry.template) is not None

    yesterday.shutdown()
    yesterday.server_close()
    workspace.set_environment_variable("base", _url(today))  # "tomorrow": a new port

    replay = replay_of(entry)
    assert replay.from_template and "{{base}}/echo" in replay.note
    collection = workspace.collection_by_id(replay.collection_id)
    again, _ = await workspace.send(collection, replay.request)
    assert again.ok, again.error
    assert again.request.url.startswith(_url(today))
    assert json.loads(again.response.body)["headers"]["X-Day"] == "1"  # type: ignore[union-attr]

    exact = replay_of(entry, exactly=True)
    assert not exact.from_template and exact.request.url.startswith(_url(yesterday))

    kept = saved_request(entry, "Echo again")
    assert kept.url == "{{base}}/echo" and kept.name == "Echo again"
    await session.aclose()
    today.shutdown()
    today.server_close()


def test_an_entry_without_a_template_replays_as_sent_and_says_why(
    store: HistoryStore, make_exchange  # type: ignore[no-untyped-def]
) -> None:
    entry = store.get(store.record(make_exchange(url="http://127.0.0.1:9/v2.0/x")) or 0)
    assert entry.template == ""
    replay = replay_of(entry)
    assert not replay.from_template
    assert "recorded before carman kept templates" in replay.note
    assert replay.request.url == "http://127.0.0.1:9/v2.0/x"


def test_a_template_with_masked_values_disables_them_and_names_them() -> None:
    from tui.core.history.convert import _disable_masked

    template = template_of(
        Request(name="S", url="{{u}}", headers=[KeyValue("X-Api-Key", "literal-0123")]),
        Auth(kind=AuthKind.BEARER, token="literal-bearer-token"),
    )
    names = _disable_masked(template)
    assert names == ["header X-Api-Key", "the literal credentials of the auth tab"]
    assert not template.headers[0].enabled and template.auth.kind == AuthKind.NONE


@pytest.mark.parametrize("with_template", [False, True])
def test_checksums_hold_for_entries_with_and_without_templates(
    store: HistoryStore, make_exchange, with_template: bool  # type: ignore[no-untyped-def]
) -> None:
    exchange = make_exchange()
    if with_template:
        exchange.template = Request(name="T", url="{{base}}/t")
        exchange.collection_id, exchange.request_id = "local", "t"
    entry_id = store.record(exchange) or 0
    assert store.check() == []
    entry = store.get(entry_id)
    assert bool(entry.template) is with_template


async def test_a_replay_keeps_what_the_request_was(xdg: Path) -> None:
    """An "exactly as sent" replay (to yesterday's address) is recorded with the
    original entry's template and ids, not its literal URL: replaying that new entry from its
    template reaches today's server, and it still names its collection and request."""
    yesterday, today = _server(), _server()
    collection = Collection(name="Local", requests=[Request(name="Echo", url="{{base}}/echo")])
    save_collection(collection, paths.collections_dir() / "local")
    save_environment(Environment(name="local", variables={"base": _url(yesterday)}))
    session = open_session("local")
    workspace = session.workspace
    found, request = workspace.find_request("Local/Echo")
    first, _ = await workspace.send(found, request)
    with HistoryStore() as store:
        entry = store.get(store.record(first) or 0)
    yesterday.shutdown()
    yesterday.server_close()
    workspace.set_environment_variable("base", _url(today))

    exact = replay_of(entry, exactly=True)
    refused, _ = await workspace.send(None, exact.request, recorded_as=exact.recorded_as)
    assert refused.request.url.startswith(_url(yesterday))
    assert (refused.collection_id, refused.request_id) == ("local", "echo")
    with HistoryStore() as store:
        replayed = store.get(store.record(refused) or 0)
    assert replayed.template == entry.template

    again = replay_of(replayed)
    assert again.from_template and "{{base}}/echo" in again.note
    answer, _ = await workspace.send(
        workspace.collection_by_id(again.collection_id), again.request
    )
    assert answer.ok and answer.request.url.startswith(_url(today))
    await session.aclose()
    today.shutdown()
    today.server_close()
