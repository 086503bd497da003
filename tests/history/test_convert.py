"""From history back to a request: save it in a collection, or send it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.core.collection_io import load_collection, save_collection
from tui.core.config import Config, HistoryLimits
from tui.core.exchange import Exchange
from tui.core.history import HistoryStore, masked_fields, replay_request, to_request
from tui.core.masking import MASK
from tui.core.model import AuthKind, BodyKind, Collection, KeyValue
from tui.core.workspace import Workspace

MakeExchange = Callable[..., Exchange]

TOKEN = "at-0f1e2d3c4b5a69788796a5b4"


def test_to_request_splits_url_and_keeps_what_the_user_typed(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    entry = store.get(
        store.record(
            make_exchange(
                method="POST",
                url=f"https://api.smartcar.com/v2.0/vehicles/abc/security?a=1&b=x%20y&flag=&access_token={TOKEN}",
                headers=[
                    ("Host", "api.smartcar.com"),
                    ("Accept", "*/*"),
                    ("Accept-Encoding", "gzip, deflate"),
                    ("Connection", "keep-alive"),
                    ("User-Agent", "carman"),
                    ("Content-Length", "18"),
                    ("Authorization", f"Bearer {TOKEN}"),
                    ("SC-Unit-System", "imperial"),
                    ("X-Api-Key", "key-abcdef123456"),
                    ("Content-Type", "application/json"),
                ],
                body=b'{"action": "LOCK"}',
                request_name="Lock",
            )
        )
        or 0
    )
    request = to_request(entry)
    assert request.name == "Lock"
    assert request.method == "POST"
    assert request.url == "https://api.smartcar.com/v2.0/vehicles/abc/security"
    assert request.params == [KeyValue("a", "1"), KeyValue("b", "x y"), KeyValue("flag", "")]
    assert request.headers == [
        KeyValue("SC-Unit-System", "imperial"),
        KeyValue("X-Api-Key", MASK, enabled=False),  # masked: left for the user to fill in
    ]
    assert request.body.kind == BodyKind.JSON
    assert request.body.text == '{"action": "LOCK"}'
    assert request.body.content_type == ""  # the default for JSON
    assert request.auth.kind == AuthKind.INHERIT
    assert f"history #{entry.id}" in request.description
    assert "header X-Api-Key" in request.description
    assert masked_fields(entry) == ["header X-Api-Key"]


def test_body_kinds_follow_the_content_type(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    form = store.get(
        store.record(
            make_exchange(
                method="POST",
                url="https://auth.example.com/token",
                headers=[("Content-Type", "application/x-www-form-urlencoded")],
                body=b"grant_type=refresh_token&refresh_token=rt-1234567890abcdef&scope=a+b",
            )
        )
        or 0
    )
    body = to_request(form).body
    assert body.kind == BodyKind.FORM
    assert body.form == [
        KeyValue("grant_type", "refresh_token"),
        KeyValue("refresh_token", MASK, enabled=False),
        KeyValue("scope", "a b"),
    ]
    text = store.get(
        store.record(
            make_exchange(
                method="PUT",
                headers=[("Content-Type", "text/csv")],
                body=b"a,b\n1,2\n",
            )
        )
        or 0
    )
    assert to_request(text).body.kind == BodyKind.TEXT
    assert to_request(text).body.content_type == "text/csv"
    empty = store.get(store.record(make_exchange(url="https://x.example.com/")) or 0)
    assert to_request(empty).body.kind == BodyKind.NONE
    assert to_request(empty).name == "GET /"


def test_save_as_request_round_trips_through_a_collection(
    store: HistoryStore, make_exchange: MakeExchange, tmp_path: Path
) -> None:
    entry = store.get(
        store.record(
            make_exchange(
                method="PATCH",
                url="https://api.example.com/v1/items/7?expand=owner&x=%2B1",
                headers=[("Content-Type", "application/json"), ("X-Trace", "t-1")],
                body=b'{"name": "seven"}',
                request_name="Update item",
            )
        )
        or 0
    )
    collection = Collection(name="From history")
    collection.requests.append(to_request(entry))
    directory = save_collection(collection, tmp_path / "from-history")
    loaded, issues = load_collection(directory)
    assert issues == []
    [request] = loaded.requests
    original = to_request(entry)
    assert request == original
    assert request.params == [KeyValue("expand", "owner"), KeyValue("x", "+1")]


async def test_replay_sends_the_entry_again(
    xdg: object, http_server: str, make_exchange: MakeExchange
) -> None:
    limits = HistoryLimits(max_entries=100)
    with HistoryStore(limits=limits) as store:
        entry = store.get(
            store.record(
                make_exchange(
                    method="POST",
                    url=f"{http_server}/echo?page=2&q=a%20b",
                    headers=[("Content-Type", "application/json"), ("X-Trace", "t-9")],
                    body=b'{"again": true}',
                    request_name="Echo",
                )
            )
            or 0
        )
        request = replay_request(entry)
        assert request.auth.kind == AuthKind.NONE
        workspace = Workspace(Config(history=limits))
        workspace.on_exchange(lambda exchange: store.record(exchange, workspace.secret_values()))
        try:
            exchange, _ = await workspace.send(None, request)
        finally:
            await workspace.aclose()
        assert exchange.response is not None and exchange.response.status == 200
        echoed = exchange.response.json()
        assert echoed["method"] == "POST"
        assert echoed["path"] == "/echo?page=2&q=a%20b"
        assert echoed["body"] == '{"again": true}'
        assert echoed["headers"]["X-Trace"] == "t-9"
        assert echoed["headers"]["Content-Type"] == "application/json"
        newest = store.search(limit=1)[0]
        assert newest.id > entry.id and newest.request_name == "Echo"


def test_replay_of_a_bearer_request_uses_the_current_login(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    header = store.get(
        store.record(make_exchange(headers=[("Authorization", f"Bearer {TOKEN}")])) or 0
    )
    query = store.get(
        store.record(make_exchange(url=f"https://api.smartcar.com/v2.0/user?access_token={TOKEN}"))
        or 0
    )
    for entry in (header, query):
        request = replay_request(entry)
        assert request.auth.kind == AuthKind.OAUTH2
        assert all(h.name.lower() != "authorization" for h in request.headers)
        assert all(p.name != "access_token" for p in request.params)
        assert masked_fields(entry) == []
