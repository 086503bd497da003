"""The format worker and the indexed lines it writes: the same text as the in-memory formatter,
search, wrap and filter answers, and the client that runs it as a real subprocess."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tui.core import format_worker as worker
from tui.core.body_index import IndexedLines, ListLines, Offsets, RedactedLines
from tui.core.format_client import FormatClient, FormatWorkerError
from tui.core.formatting import format_body, quick_lines
from tui.core.masking import MASK


def _body(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "body"
    path.write_bytes(data)
    return path


def _lines(files: dict[str, Any]) -> IndexedLines:
    return IndexedLines(Path(files["text"]), Path(files["offsets"]), max_width=files["max_width"])


def _format(tmp_path: Path, data: bytes, content_type: str = "") -> dict[str, Any]:
    return worker.format_file(str(_body(tmp_path, data)), content_type, "utf-8", str(tmp_path))


DOCUMENTS = [
    {"vehicles": [{"id": f"{i:04d}", "make": "TESLA", "odometer": i * 1.5} for i in range(500)]},
    ["ünïcode ✓", {"nested": {"deep": [1, 2.5, None, True]}}, ""],
    {},
    "just a string",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pretty_json_is_the_same_text_as_the_in_memory_formatter(
    tmp_path: Path, document: object
) -> None:
    data = json.dumps(document).encode()
    result = _format(tmp_path, data, "application/json")
    expected = format_body(data, "application/json")
    assert result["kind"] == expected.kind.value == "json"
    lines = _lines(result["pretty"])
    assert list(lines) == expected.lines
    assert len(lines) == len(expected.lines)
    assert lines.max_width == max(len(line.encode()) for line in expected.lines)
    assert stat.S_IMODE(Path(result["pretty"]["text"]).stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(result["pretty"]["offsets"]).stat().st_mode) == 0o600


def test_secret_fields_are_masked_with_the_real_values_kept_apart(tmp_path: Path) -> None:
    data = json.dumps(
        {"access_token": "at-123456", "token_type": "Bearer", "n": [{"refresh_token": "rt-9"}]}
    ).encode()
    result = _format(tmp_path, data)
    expected = format_body(data, "application/json")
    assert list(_lines(result["pretty"])) == expected.lines
    assert expected.revealed is not None
    assert list(_lines(result["revealed"])) == expected.revealed
    assert set(result["hidden"]) == {"at-123456", "rt-9"}
    assert "secret" in result["note"]


def test_a_body_without_secret_words_skips_the_masking_walk(tmp_path: Path) -> None:
    assert not worker._may_hold_secrets(b'{"id": 1, "make": "TESLA"}')
    assert worker._may_hold_secrets(b'{"Access_Token": "x"}')
    # An escape could spell a secret name in disguise ("\u0074oken" is "token").
    escaped = b'{"\\u0074oken": "at-123456"}'
    assert worker._may_hold_secrets(escaped)
    result = _format(tmp_path, escaped, "application/json")
    assert "at-123456" not in "\n".join(_lines(result["pretty"]))


@pytest.mark.parametrize(
    ("data", "content_type", "kind", "note"),
    [
        (b'{"broken": ', "application/json", "text", "not valid JSON"),
        (b"<!doctype html><p>hi</p>", "text/html", "html", "HTML"),
        (b"line one\nline two\n", "text/plain", "text", ""),
    ],
)
def test_text_kinds_are_shown_as_received(
    tmp_path: Path, data: bytes, content_type: str, kind: str, note: str
) -> None:
    result = _format(tmp_path, data, content_type)
    assert result["kind"] == kind and result.get("raw") is True
    assert note in result["note"]
    assert result["kind"] == format_body(data, content_type).kind.value


def test_binary_and_empty_bodies(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4
    result = _format(tmp_path, data, "application/octet-stream")
    assert result["kind"] == "binary" and result["lines"] == format_body(data).lines
    assert _format(tmp_path, b"")["kind"] == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"one\r\ntwo\r\nthree",
        b"trailing break\n",
        b"",
        b"\n\n",
        "caf\u00e9 \u2713\nsecond".encode(),
        b"x" * 50_000 + b"\nshort",
    ],
)
def test_indexed_raw_lines_are_the_lines_as_received(tmp_path: Path, data: bytes) -> None:
    body = _body(tmp_path, data)
    lines = _lines(worker.index_text(str(body), "utf-8", str(tmp_path)))
    expected = quick_lines(data) if data else [""]
    assert list(lines) == expected
    assert lines[-1] == expected[-1] and lines[0:2] == expected[0:2]
    for index in range(len(expected)):
        assert lines.length(index) == len(expected[index].encode())
    assert lines.window(len(expected) - 1, 0, 3) == expected[-1][:3]


def test_another_charset_is_indexed_as_utf8(tmp_path: Path) -> None:
    data = "ol\u00e9\nse\u00f1or".encode("latin-1")
    body = _body(tmp_path, data)
    lines = _lines(worker.index_text(str(body), "latin-1", str(tmp_path)))
    assert list(lines) == ["olé", "señor"]


def test_search_answers_line_numbers_case_insensitively(tmp_path: Path) -> None:
    text = tmp_path / "text"
    text.write_text("alpha\nBETA beta\ngamma\nünï Beta\n", encoding="utf-8")
    answer = worker.search_file(str(text), "", "beta", str(tmp_path / "m"))
    matches = Offsets(Path(answer["matches"]))
    assert answer["count"] == 2 and list(matches) == [1, 3]
    assert list(
        Offsets(Path(worker.search_file(str(text), "", "ÜNÏ", str(tmp_path / "u"))["matches"]))
    ) == [3]
    assert worker.search_file(str(text), "", "nothing", str(tmp_path / "n"))["count"] == 0


def test_wrap_rows_match_the_in_memory_layout(tmp_path: Path) -> None:
    lines = ["short", "x" * 25, "", "é" * 11, "y" * 10]
    data = "\n".join(lines).encode()
    body = _body(tmp_path, data)
    files = worker.index_text(str(body), "utf-8", str(tmp_path))
    answer = worker.wrap_rows(files["text"], files["offsets"], 10, str(tmp_path / "w"))
    rows = Offsets(Path(answer["rows"]))
    expected, row = [], 0
    for line in lines:
        expected.append(row)
        row += max(1, -(-len(line) // 10))
    assert list(rows)[:-1] == expected and answer["total"] == row == rows[-1]


def test_query_masks_unless_revealed_and_reports_bad_paths(tmp_path: Path) -> None:
    data = json.dumps({"access_token": "at-123456", "items": [{"id": 1}, {"id": 2}]}).encode()
    body = str(_body(tmp_path, data))
    masked = worker.query_file(body, "utf-8", "$.access_token", False, str(tmp_path), "q1")
    assert masked["count"] == 1 and list(_lines(masked["pretty"])) == [
        json.dumps(MASK, ensure_ascii=False)
    ]
    shown = worker.query_file(body, "utf-8", "$.access_token", True, str(tmp_path), "q2")
    assert list(_lines(shown["pretty"])) == ['"at-123456"']
    many = worker.query_file(body, "utf-8", "$.items[*].id", False, str(tmp_path), "q3")
    assert many["count"] == 2 and list(_lines(many["pretty"])) == ["[", "  1,", "  2", "]"]
    assert (
        "invalid JSONPath"
        in worker.query_file(body, "utf-8", "$[", False, str(tmp_path), "q4")["error"]
    )


def test_serve_answers_each_request_in_order_and_survives_errors() -> None:
    answers: list[dict[str, Any]] = []
    requests = [
        json.dumps({"id": 1, "op": "ping"}),
        json.dumps({"id": 2, "op": "format", "args": {"body": "/nonexistent/body"}}),
        "not json",
        json.dumps({"id": 3, "op": "ping"}),
    ]
    worker.serve(requests, lambda line: answers.append(json.loads(line)))
    assert [a["id"] for a in answers] == [1, 2, None, 3]
    assert answers[0]["ok"] and answers[3]["ok"]
    assert not answers[1]["ok"] and "TypeError" in answers[1]["error"]
    assert not answers[2]["ok"]


def test_lines_in_memory_and_redacted() -> None:
    lines = ListLines(["a", "bb", "ccc"])
    assert lines.max_width == 3 and lines[1:] == ["bb", "ccc"] and lines == ["a", "bb", "ccc"]
    redacted = RedactedLines(
        ListLines(['"t": "secret-1"', "x secret-1 y"]), frozenset({"secret-1"})
    )
    assert list(redacted) == [f'"t": "{MASK}"', f"x {MASK} y"]
    assert "secret" not in redacted.window(1, 3, 8)


def test_client_runs_the_worker_process(tmp_path: Path) -> None:
    data = json.dumps({"rows": list(range(1000))}).encode()
    body = _body(tmp_path, data)
    client = FormatClient()
    try:
        result = client.request(
            "format", body=str(body), content_type="", charset="utf-8", out=str(tmp_path)
        ).result(60)
        assert list(_lines(result["pretty"])) == format_body(data).lines
        with pytest.raises(FormatWorkerError, match="FileNotFoundError"):
            client.request(
                "format",
                body=str(tmp_path / "missing"),
                content_type="",
                charset="",
                out=str(tmp_path),
            ).result(60)
        assert client.request("ping").result(60) == {}  # still serving after an error
    finally:
        client.close()


def test_cancel_stops_a_busy_worker_and_the_next_request_starts_another(tmp_path: Path) -> None:
    big = json.dumps({"rows": [{"n": i, "s": "x" * 20} for i in range(300_000)]}).encode()
    body = _body(tmp_path, big)
    client = FormatClient()
    try:
        busy = client.request(
            "format", body=str(body), content_type="", charset="utf-8", out=str(tmp_path)
        )
        first = client._process
        assert first is not None and client.busy
        client.cancel_pending()
        assert busy.cancelled() and not client.busy
        first.wait(30)  # the busy worker was stopped, not left to finish
        assert first.returncode is not None
        assert client.request("ping").result(60) == {}
        assert client._process is not first
    finally:
        client.close()


def test_body_directories_of_dead_carman_processes_are_swept(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tui.core.body_spool import sweep_orphans

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(gone.stdout)
    orphan = tmp_path / f"carman-body-{dead}-abc"
    orphan_spill = tmp_path / f"carman-spill-{dead}-abc"
    mine = tmp_path / f"carman-body-{os.getpid()}-def"
    other = tmp_path / f"something-{dead}-else"
    for folder in (orphan, orphan_spill, mine, other):
        folder.mkdir()
        (folder / "body").write_bytes(b"x")
    assert sorted(sweep_orphans(tmp_path)) == sorted([orphan, orphan_spill])
    assert mine.exists() and other.exists() and not orphan.exists()


def test_the_worker_deletes_its_body_folders_when_carman_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "carman-body-1-x"
    folder.mkdir()
    body = _body(folder, json.dumps({"rows": list(range(100))}).encode())
    client = FormatClient()
    try:
        client.request(
            "format", body=str(body), content_type="", charset="utf-8", out=str(folder)
        ).result(60)
        process = client._process
        assert process is not None and process.stdin is not None
        process.stdin.close()  # what carman's death looks like from the worker
        process.wait(30)
        assert not folder.exists()
    finally:
        client.close()
