"""At 80x24 the status of a send says what matters first and in full, and a refusal never sits
under the previous response's explanation (real carman, real sandbox, tmux)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.tmux import Tmux, carman_env
from tui.core.collection_io import save_collection
from tui.core.model import Auth, AuthKind, Body, BodyKind, Collection, KeyValue, Request

UNRESOLVED = "a_rather_long_variable_name_nobody_set"


def _collection(root: Path) -> None:
    requests = [
        # auth: none against a vehicle endpoint: a real 401 with an explanation.
        Request(
            name="No auth",
            url="{{api_url}}/v2.0/vehicles/00000000-0000-4000-8000-000000000000/odometer",
            auth=Auth(kind=AuthKind.NONE),
        ),
        Request(name="Unresolved", url="{{api_url}}/v2.0/things/{{" + UNRESOLVED + "}}"),
        Request(
            name="Bad JSON",
            method="POST",
            url="{{api_url}}/v2.0/things",
            headers=[KeyValue("X-Ok", "1")],
            body=Body(kind=BodyKind.JSON, text='{\n  "a": 1,\n  "b": }'),
            auth=Auth(kind=AuthKind.NONE),
        ),
    ]
    save_collection(
        Collection(name="Status", requests=requests), root / "data/carman/collections/s"
    )


def _open(tmux: Tmux, name: str) -> None:
    tmux.burst("C-p")
    tmux.wait_for("Search for commands")
    tmux.type(name)
    tmux.wait_for(f"Status / {name}")  # the hit, not the typed text
    tmux.burst("Enter")
    tmux.wait_until(lambda screen: "Search for commands" not in screen)
    tmux.wait_for(f"Status › {name}")


def test_refusals_say_what_and_where_and_clear_the_old_explanation(tmp_path: Path) -> None:
    _collection(tmp_path)
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_for("env: sandbox", timeout=60)
        _open(tmux, "No auth")
        tmux.burst("C-j")
        screen = tmux.wait_for("401")
        screen = tmux.wait_for("No Authorization header was sent")

        _open(tmux, "Unresolved")
        tmux.burst("C-j")
        screen = tmux.wait_for("Not sent")
        flat = " ".join(line.strip("│ ") for line in screen.splitlines())
        assert "Unresolved variable" in flat
        assert UNRESOLVED in flat.replace(" ", ""), screen  # the whole name, even wrapped
        assert "No Authorization header was sent" not in screen  # the old explanation is gone
        # The refusal is this request's; the body below is said to be No auth's.
        assert "Response · Unresolved" in screen
        assert "No auth's last response" in flat, screen

        _open(tmux, "Bad JSON")
        tmux.burst("C-j")
        screen = tmux.wait_for("line 3, column")  # the position comes first and shows
        assert "Body is not valid JSON at line 3, column" in screen
    finally:
        tmux.close()
