"""``carman history``: the list, search, JSON Lines, show, and clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli import main
from tui.core import paths
from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange, TransportError
from tui.core.history import HistoryStore
from tui.core.masking import MASK

MakeExchange = Callable[..., Exchange]
REPO = Path(__file__).resolve().parents[2]
TOKEN = "at-cli-0123456789abcdef0123"


@pytest.fixture
def recorded(xdg: Path, make_exchange: MakeExchange, timeout_error: TransportError) -> list[int]:
    with HistoryStore(limits=HistoryLimits(max_body_bytes=40)) as store:
        ids = [
            store.record(
                make_exchange(
                    url="https://api.smartcar.com/v2.0/vehicles",
                    headers=[("Authorization", f"Bearer {TOKEN}")],
                    response_body=b'{"vehicles": ["v-1"]}',
                    request_name="All Vehicles",
                    collection="Smartcar API",
                    environment="sandbox",
                    total_ms=43.2,
                )
            ),
            store.record(
                make_exchange(
                    method="POST",
                    url="https://api.smartcar.com/v2.0/vehicles/v-1/security",
                    headers=[("Content-Type", "application/json")],
                    body=b'{"action": "LOCK"}',
                    status=409,
                    reason="Conflict",
                    response_body=b'{"code": "DOOR_OPEN", "description": "' + b"d" * 60 + b'"}',
                    request_name="Lock",
                    total_ms=1520.0,
                )
            ),
            store.record(make_exchange(url="https://slow.example.org/", error=timeout_error)),
        ]
    return [i or 0 for i in ids]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["history", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_is_a_table_newest_first(
    recorded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys)
    assert code == 0 and err == ""
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "TIME", "METHOD", "STATUS", "DURATION", "URL", "REQUEST"]
    assert [row.split()[0] for row in rows] == ["3", "2", "1"]
    timeout_row, lock_row, vehicles_row = rows
    assert "GET" in timeout_row and "timeout" in timeout_row
    assert lock_row.split()[3:7] == ["POST", "409", "1.5", "s"]
    assert "https://api.smartcar.com/v2.0/vehicles/v-1/security" in lock_row
    assert lock_row.endswith("Lock")
    assert vehicles_row.split()[3:7] == ["GET", "200", "43", "ms"]
    assert vehicles_row.endswith("All Vehicles")
    # Columns line up: every URL starts at the same place.
    starts = {row.index("https://") for row in rows}
    assert len(starts) == 1


def test_search_and_limit(recorded: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--search", "security")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["2"]
    code, out, _ = _run(capsys, "--limit", "1")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["3"]
    code, out, _ = _run(capsys, "-s", "nothing-matches-this")
    assert code == 0 and out == "No entries match 'nothing-matches-this'.\n"


def test_json_lines(recorded: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["id"] for row in rows] == [3, 2, 1]
    assert rows[2]["request_name"] == "All Vehicles" and rows[2]["status"] == 200
    assert rows[2]["duration_ms"] == 43.2 and rows[2]["environment"] == "sandbox"
    assert rows[0]["status"] is None and rows[0]["error"] == "timeout"
    assert rows[0]["time"].startswith("20")


def test_show_prints_request_and_response_as_stored(
    recorded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "show", "1")
    assert code == 0
    assert "> GET https://api.smartcar.com/v2.0/vehicles" in out
    assert f"> Authorization: Bearer {MASK}" in out
    assert TOKEN not in out
    assert "< HTTP/1.1 200 OK" in out
    assert '{"vehicles": ["v-1"]}' in out
    assert "env: sandbox" in out and "request: All Vehicles" in out
    code, out, _ = _run(capsys, "show", "2")
    assert '>\n{"action": "LOCK"}' in out
    assert "[body cut at 40 bytes in history; it was 100 bytes]" in out
    code, out, _ = _run(capsys, "show", "3")
    assert "! timeout: Timed out" in out


def test_show_json(recorded: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "show", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == 2 and data["request_name"] == "Lock"
    assert data["request"]["method"] == "POST"
    assert data["request"]["body"] == '{"action": "LOCK"}'
    assert data["response"]["status"] == 409
    assert data["response"]["body_truncated"] is True and data["response"]["body_size"] == 100
    assert ["Content-Type", "application/json"] in data["request"]["headers"]
    # --json before the action works too.
    code, again, _ = _run(capsys, "--json", "show", "2")
    assert json.loads(again) == data


def test_unknown_id_exits_2_with_a_clear_message(
    recorded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "show", "99")
    assert code == 2 and out == ""
    assert "No history entry with id 99" in err


def test_no_database_yet(xdg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys)
    assert code == 0 and "No history yet" in out
    code, _, err = _run(capsys, "show", "1")
    assert code == 2 and "No history entry with id 1" in err
    assert not paths.history_db().exists()  # reading did not create it


def test_delete_and_clear(recorded: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "delete", "2")
    assert code == 0 and out == "Deleted history entry 2.\n"
    code, _, err = _run(capsys, "delete", "2")
    assert code == 2 and "No history entry with id 2" in err
    code, _, err = _run(capsys, "clear")
    assert code == 2 and "add --yes" in err and "2 entries" in err
    code, out, _ = _run(capsys, "clear", "--yes")
    assert code == 0 and out == "Deleted 2 history entries.\n"
    code, out, _ = _run(capsys)
    assert out == "History is empty.\n"


def test_a_newer_database_is_reported_not_touched(
    recorded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    raw = sqlite3.connect(paths.history_db())
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    code, _, err = _run(capsys)
    assert code == 1 and "newer carman" in err and "schema version 99" in err


def test_bad_limit_is_refused(xdg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["history", "--limit", "0"])
    assert raised.value.code == 2
    assert "expected a number of at least 1" in capsys.readouterr().err


def test_the_real_command(recorded: list[int], xdg: Path) -> None:
    env = {
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tui", "history", "--json", "--limit", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [3, 2]


def test_long_urls_are_cut_to_the_terminal_width(
    store: object, make_exchange: object, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    long_url = "https://api.smartcar.com/v2.0/vehicles/" + "x" * 150 + "/odometer"
    entry_id = store.record(make_exchange(url=long_url, request_name="Odometer"))  # type: ignore[attr-defined]
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = _run(capsys)
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines()), out
    row = out.splitlines()[1]
    assert "…" in row and row.split()[0] == str(entry_id)
    # The whole URL is one step away.
    code, out, _ = _run(capsys, "--json")
    assert long_url in out
    code, out, _ = _run(capsys, "show", str(entry_id))
    assert long_url in out


def test_a_narrow_terminal_keeps_the_url_readable(
    store: object, make_exchange: object, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # At 60 columns the full table left the URL 7 characters ("http://1…"): the time is
    # shortened and the duration and request name left out before the URL is cut, and a cut
    # URL keeps its host and the end of its path.
    url = "https://api.smartcar.com/v2.0/vehicles/36ab27d0-fd9d-4455-823a-ce30af709ffc/odometer"
    store.record(make_exchange(url=url, request_name="Odometer"))  # type: ignore[attr-defined]
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = _run(capsys)
    header, row = out.splitlines()
    assert code == 0 and all(len(line) <= 60 for line in (header, row)), out
    assert header.split() == ["ID", "TIME", "METHOD", "STATUS", "URL"]
    url_cell = row.split()[-1]
    assert (
        len(url_cell) >= 24 and url_cell.startswith("https://") and url_cell.endswith("/odometer")
    )
    monkeypatch.setenv("COLUMNS", "120")
    code, out, _ = _run(capsys)
    header, row = out.splitlines()
    assert header.split() == ["ID", "TIME", "METHOD", "STATUS", "DURATION", "URL", "REQUEST"]
    assert row.endswith("Odometer") and "/odometer" in row and len(row) <= 120
