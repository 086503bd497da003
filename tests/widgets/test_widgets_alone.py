"""Each reusable widget in a small app of its own, as Textual tests its widgets: what it shows,
what it posts, and nothing of the rest of carman."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.core.model import KeyValue, Request
from tui.core.variables import VariableStore
from tui.dialogs.basic import FormDialog
from tui.theming import default_theme_variables
from tui.widgets.body_view import BodyView
from tui.widgets.kv_table import KeyValueTable
from tui.widgets.request_editor import RequestEditor


class Host(App[None]):
    """One widget, and every message it posts."""

    def __init__(self, widget: object) -> None:
        super().__init__()
        self.widget = widget
        self.posted: list[object] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # carman's widgets take badge, JSON and {{variable}} colours from theme variables.
        return default_theme_variables(self.current_theme.dark)

    def compose(self) -> ComposeResult:
        yield self.widget  # type: ignore[misc]

    def on_key_value_table_changed(self, event: KeyValueTable.Changed) -> None:
        self.posted.append(event)

    def on_request_editor_changed(self, event: RequestEditor.Changed) -> None:
        self.posted.append(event)


async def test_the_key_value_table_edits_its_rows_and_names_their_owner() -> None:
    owner = object()
    rows = [KeyValue("a", "1"), KeyValue("b", "2"), KeyValue("api_key", "s3cret-value")]
    table = KeyValueTable("header")
    app = Host(table)
    async with app.run_test() as pilot:
        table.set_rows(rows, owner)
        await pilot.pause()
        cells = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert cells == ["1", "2", "••••••"]  # a secret-named value is masked on screen
        table.focus()
        await pilot.press("space")  # toggles the first row
        assert rows[0].enabled is False
        await pilot.press("J")  # moves it down
        assert [r.name for r in rows] == ["b", "a", "api_key"]
        await pilot.press("a")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"c", "enter", *"3", "enter")
        assert [r.name for r in rows][-1] == "c"
        assert all(event.owner is owner for event in app.posted)  # type: ignore[attr-defined]
        assert len(app.posted) == 3


async def test_an_empty_table_says_how_to_add_a_row() -> None:
    table = KeyValueTable("query param")
    async with Host(table).run_test() as pilot:
        table.set_rows([])
        await pilot.pause()
        assert "press a to add" in str(table.get_row_at(0)[2])


async def test_the_request_editor_loads_without_an_edit_and_credits_edits_to_their_request() -> (
    None
):
    variables = VariableStore()
    first = Request(name="First", url="https://x.example/one", params=[KeyValue("q", "1")])
    second = Request(name="Second", url="https://x.example/two")
    editor = RequestEditor(variables)
    app = Host(editor)
    async with app.run_test() as pilot:
        editor.load(first)
        editor.load(second)
        editor.load(first)
        await pilot.pause()
        assert app.posted == [] and not first.dirty and not second.dirty  # loading is no edit
        url = editor.query_one("#url", Input)
        assert url.value == "https://x.example/one?q=1"
        url.value = "https://x.example/one?q=2&r=3"
        await pilot.pause()
        assert [(p.name, p.value) for p in first.params] == [("q", "2"), ("r", "3")]
        assert first.dirty and not second.dirty
        assert [event.request for event in app.posted] == [first]  # type: ignore[attr-defined]


async def test_the_body_view_draws_only_what_shows_and_finds_text() -> None:
    view = BodyView()
    async with Host(view).run_test(size=(40, 10)) as pilot:
        view.set_lines([f"line {i}" for i in range(100_000)] + ["the end"])
        await pilot.pause()
        assert view.visible_text().splitlines()[0] == "line 0"
        assert view.search("line 99999") == 1
        await pilot.pause()
        assert "line 99999" in view.visible_text()  # moved to the match
        view.scroll_end(animate=False)
        await pilot.pause()
        assert view.visible_text().rstrip().endswith("the end")


async def test_the_body_view_hands_its_tool_keys_to_its_owner() -> None:
    asked: list[str] = []
    view = BodyView()
    view.tools = asked.append
    async with Host(view).run_test() as pilot:
        view.set_lines(["{}"])
        view.focus()
        await pilot.press("slash", "n", "f", "y")
        assert asked == ["search", "next", "filter", "copy"]
