"""The tab strip and its lazy panes alone: keys, clicks, hidden tabs, panes built when shown."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static, TabPane

from tui.widgets.lazy_tabs import LazyTabbedContent, LazyTabPane, TabStrip


class Tabs(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.builds: list[str] = []

    def _build(self, name: str) -> list[Static | Input]:
        self.builds.append(name)
        return [Input(id=f"{name}-field")]

    def compose(self) -> ComposeResult:
        with LazyTabbedContent(id="tabs"):
            with TabPane("First", id="first"):
                yield Static("first pane", id="first-text")
            yield LazyTabPane("Second", lambda: self._build("second"), id="second")
            yield LazyTabPane("Third", lambda: self._build("third"), id="third")


def _labels(app: Tabs) -> str:
    return app.query_one(TabStrip).render().renderables[0].plain  # type: ignore[attr-defined]


async def test_keys_and_clicks_choose_tabs_and_build_panes_once() -> None:
    app = Tabs()
    async with app.run_test(size=(60, 10)) as pilot:
        tabs = app.query_one(LazyTabbedContent)
        assert tabs.active == "first" and app.builds == []  # nothing built before it is shown
        assert _labels(app) == " First  Second  Third "
        app.query_one(TabStrip).focus()
        await pilot.press("right")
        assert tabs.active == "second" and app.builds == ["second"]
        assert app.query_one("#second-field", Input).is_on_screen
        await pilot.press("right", "right")  # past the last tab: back to the first
        assert tabs.active == "first" and app.builds == ["second", "third"]
        await pilot.press("left")
        assert tabs.active == "third"
        await pilot.click(TabStrip, offset=(9, 0))  # on "Second"
        assert tabs.active == "second" and app.builds == ["second", "third"]  # built once


async def test_a_hidden_tab_is_skipped_and_leaves_when_it_was_shown() -> None:
    app = Tabs()
    async with app.run_test(size=(60, 10)) as pilot:
        tabs = app.query_one(LazyTabbedContent)
        tabs.active = "second"
        tabs.hide_tab("second")
        await pilot.pause()
        assert tabs.active == "first" and _labels(app) == " First  Third "
        app.query_one(TabStrip).focus()
        await pilot.press("right")
        assert tabs.active == "third"  # the hidden tab is not stepped on
        tabs.show_tab("second")
        await pilot.pause()
        assert _labels(app) == " First  Second  Third "


async def test_focusing_a_widget_in_a_pane_not_shown_shows_that_pane() -> None:
    app = Tabs()
    async with app.run_test(size=(60, 10)) as pilot:
        tabs = app.query_one(LazyTabbedContent)
        pane = tabs.get_pane("third")
        assert isinstance(pane, LazyTabPane)
        pane.ensure_built()
        await pilot.pause()
        assert tabs.active == "first"
        app.query_one("#third-field", Input).focus()
        await pilot.pause()
        assert tabs.active == "third"


async def test_a_narrow_strip_keeps_the_active_tab_whole() -> None:
    app = Tabs()
    async with app.run_test(size=(14, 8)) as pilot:
        tabs = app.query_one(LazyTabbedContent)
        assert _labels(app).startswith(" First  Secon")  # the rest is cropped
        tabs.active = "third"
        await pilot.pause()
        assert _labels(app).endswith(" Third ") and len(_labels(app)) == 14
        await pilot.click(TabStrip, offset=(2, 0))  # "ond" of "Second", scrolled left
        assert tabs.active == "second"


async def test_labels_wider_than_the_strip_are_cropped_not_wrapped() -> None:
    app = Tabs()
    async with app.run_test(size=(14, 8)):
        strip = app.query_one(TabStrip)
        lines = strip.render_lines(strip.region.reset_offset)
        assert lines[0].text == " First  Second"
        assert set(lines[1].text) <= set("━╸╺"), lines[1].text  # the bar, not "Third"
