"""The deliveries in the history database: migration 4 from a v3 database, grouping, search
with both index kinds, pruning, and the request history left as it was."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.history.conftest import build_exchange
from tests.webhooks.conftest import AMT, compact, vehicle_state
from tui.core import paths
from tui.core.history import HistoryStore, entry_from_exchange, schema
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import DeliveryRecord, Signature, WebhookEventNotFound
from tui.core.history.search_text import search_fields
from tui.core.smartcar.webhook_signing import sign
from tui.core.webhooks.event_info import event_info

BACKENDS = ["fts5", "like"]


def _record(
    document: dict | None = None,
    *,
    signature: Signature = Signature.VALID,
    status: int = 200,
    environment: str = "local",
    problem: str = "",
) -> DeliveryRecord:
    document = document if document is not None else vehicle_state()
    body = compact(document)
    info = event_info(document)
    return DeliveryRecord(
        received_at=time.time(),
        method="POST",
        target="/webhooks",
        status=status,
        signature=signature,
        problem=problem,
        headers=[("Content-Type", "application/json"), ("SC-Signature", sign(AMT, body))],
        body=body,
        body_size=len(body),
        environment=environment,
        event_id=info.event_id,
        event_type=info.event_type,
        delivery_id=info.delivery_id,
        vehicle_id=info.vehicle_id,
        vehicle_make=info.vehicle_make,
        vehicle_model=info.vehicle_model,
        vehicle_year=info.vehicle_year,
        user_id=info.user_id,
    )


def _skip_without_fts(backend: str) -> None:
    if backend == "fts5" and not schema.fts5_trigram_available():
        pytest.skip("no FTS5 trigram here")


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrates_a_version_3_database_and_keeps_its_history(xdg: object, backend: str) -> None:
    _skip_without_fts(backend)
    path = paths.history_db()
    # A database as version 3 left it, holding one exchange (written as v3 wrote it).
    conn = schema.open_database(path, target=3, backend=backend)
    entry = entry_from_exchange(
        build_exchange(request_name="Before the migration", response_body=b'{"distance": 7}'),
        max_body_bytes=1 << 20,
    )
    with schema.transaction(conn):
        entry_id = conn.execute(HistoryStore._INSERT_ENTRY, HistoryStore._entry_values(entry))
        entry_id = int(entry_id.lastrowid or 0)
        conn.execute(HistoryStore._INSERT_DATA, HistoryStore._data_values(entry_id, entry))
        fields = search_fields(entry)
        if backend == "fts5":
            conn.execute(
                f"INSERT INTO {schema.FTS_TABLE} (rowid, {', '.join(schema.SEARCH_COLUMNS)})"
                " VALUES (?,?,?,?,?,?)",
                (entry_id, *fields),
            )
        else:
            conn.execute(
                f"INSERT INTO {schema.LIKE_TABLE} (id, text) VALUES (?, ?)",
                (entry_id, "\n".join(fields)),
            )
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert "webhook_events" not in tables
    conn.close()

    with DeliveryStore(path) as deliveries:  # the first to open it migrates
        assert deliveries.backend == backend  # the kind of index the entries already had
        added = deliveries.add(_record())
        assert [s.id for s in deliveries.search("POLESTAR")] == [added.event.id]
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 4
        steps = [v for (v,) in raw.execute("SELECT version FROM schema_migrations")]
        assert steps == [1, 2, 3, 4]
        assert schema._strangers(raw) == set()
    finally:
        raw.close()
    with HistoryStore(path) as history:
        assert history.get(entry_id).request_name == "Before the migration"
        assert [s.id for s in history.search("distance")] == [entry_id]
        assert history.check() == []
        assert history.count() == 1
        history.clear()  # clearing the request history leaves the deliveries
    with DeliveryStore(path) as deliveries:
        assert deliveries.count() == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_real_v3_file_is_migrated_on_first_open(xdg: object, backend: str) -> None:
    """The same from a file that only ever saw schema 3 (no v4 code wrote to it)."""
    _skip_without_fts(backend)
    path = paths.history_db()
    conn = schema.open_database(path, target=3, backend=backend)
    conn.close()
    with DeliveryStore(path) as store:
        assert store.count() == 0
        store.add(_record())
        assert store.count() == 1
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST_VERSION == 4
        assert schema._strangers(raw) == set()
    finally:
        raw.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_finds_deliveries_by_any_part(xdg: object, backend: str) -> None:
    _skip_without_fts(backend)
    with DeliveryStore(backend=backend) as store:
        # Fixed ids: random ones could hold "404" and match the status search below.
        tesla = vehicle_state(
            event_id="event-t",
            delivery_id="delivery-t",
            vehicle={"id": "v-t", "make": "TESLA", "model": "Model 3", "year": 2021},
        )
        first = store.add(_record(tesla)).event.id
        polestar = vehicle_state(soc=12, event_id="event-p", delivery_id="delivery-p")
        second = store.add(_record(polestar)).event.id
        junk = store.add(
            _record({}, signature=Signature.UNSIGNED, status=404, problem="/x is not the path")
        ).event.id
        assert [s.id for s in store.search("")] == [junk, second, first]
        assert [s.id for s in store.search("tesla")] == [first]
        assert [s.id for s in store.search("model 3")] == [first]  # every word
        assert [s.id for s in store.search("404")] == [junk]
        assert [s.id for s in store.search("not the path")] == [junk]
        assert [s.id for s in store.search("unsigned")] == [junk]
        assert [s.id for s in store.search("tractionbattery")] == [second, first]
        assert [s.id for s in store.search("", trusted_only=True)] == [second, first]
        assert store.search("nothing-like-this") == []
        assert store.search('"; DROP TABLE webhook_events; --') == []
        assert [s.id for s in store.search("%")] == []
        # "_" is literal too: unescaped, LIKE would read "4_4" as "404" and find the junk.
        assert store.search("4_4") == []


def test_retries_group_by_event_id_environment_and_signature(xdg: object) -> None:
    with DeliveryStore() as store:
        document = vehicle_state(event_id="e-1", delivery_id="d-1")
        first = store.add(_record(document))
        retry = store.add(_record(vehicle_state(event_id="e-1", delivery_id="d-2")))
        assert retry.retry and retry.event.id == first.event.id and retry.event.retries == 1
        elsewhere = store.add(_record(document, environment="test"))
        forged = store.add(_record(document, signature=Signature.INVALID, status=401))
        assert not elsewhere.retry and not forged.retry
        assert len({first.event.id, elsewhere.event.id, forged.event.id}) == 3
        event = store.get(first.event.id)
        assert event.delivery_ids == ["d-1", "d-2"]
        assert [s.id for s in store.search("d-2")] == [first.event.id]
        no_id = vehicle_state()
        del no_id["eventId"]
        one, two = store.add(_record(no_id)), store.add(_record(no_id))
        assert one.event.id != two.event.id  # nothing to recognise a retry by


def test_pruning_keeps_the_newest_events_and_their_deliveries(xdg: object) -> None:
    with DeliveryStore(max_events=3) as store:
        ids = [store.add(_record()).event.id for _ in range(5)]
        assert [s.id for s in store.search("")] == ids[:1:-1]
        with pytest.raises(WebhookEventNotFound):
            store.get(ids[0])
        raw = store._conn
        orphans = raw.execute(
            "SELECT count(*) FROM webhook_deliveries"
            " WHERE event NOT IN (SELECT id FROM webhook_events)"
        ).fetchone()[0]
        assert orphans == 0
        assert store.delete(ids[4]) and not store.delete(ids[4])
        assert store.clear() == 2 and store.count() == 0


def test_bodies_are_cut_at_the_cap_and_said_so(xdg: object) -> None:
    with DeliveryStore(max_body_bytes=100) as store:
        added = store.add(_record())
        delivery = store.get(added.event.id).first
        assert len(delivery.body) == 100 and delivery.body_truncated
        assert delivery.body_size > 100


def test_trusted_bodies_are_valid_accepted_first_deliveries(xdg: object) -> None:
    with DeliveryStore() as store:
        a = vehicle_state(soc=1, event_id="a")
        store.add(_record(a))
        store.add(_record(vehicle_state(soc=2, event_id="a")))  # a retry: not a new point
        store.add(_record(vehicle_state(soc=3), signature=Signature.INVALID, status=401))
        store.add(_record(vehicle_state(soc=4), status=400))  # refused although signed
        store.add(_record(vehicle_state(soc=5)))
        bodies = store.trusted_bodies()
    socs = [b'"value":1,' in body or b'"value":5,' in body for _, body in bodies]
    assert len(bodies) == 2 and all(socs)
