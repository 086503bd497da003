"""Themes in the running app: applied at start, re-rendered on change, picked with preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.widgets import OptionList

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core import paths
from tui.core.session import open_session
from tui.core.theme_files import DEFAULT_THEME, NO_COLOR_THEME
from tui.core.tomlfile import read_toml
from tui.dialogs.theme_picker import ThemePicker
from tui.theming import active_palette, catalogue_of, no_color_requested
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer

SIZE = (100, 30)


def _rendered_colour(app: CarmanApp, row_text: str, prefix: str) -> RichColor | None:
    """The colour the tree really drew for the segment starting with ``prefix`` on a row."""
    tree = app.screen.query_one(CollectionTree).tree
    for y in range(tree.size.height):
        strip = tree.render_line(y)
        if row_text in "".join(segment.text for segment in strip):
            for segment in strip:
                if segment.text.startswith(prefix) and segment.style is not None:
                    return segment.style.color
    return None


def _expected(style: str) -> RichColor | None:
    return Style.parse(style).color


def _same(a: RichColor | None, b: RichColor | None) -> bool:
    return a is not None and b is not None and a.get_truecolor() == b.get_truecolor()


def _messages(app: CarmanApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def _open_picker(app: CarmanApp, pilot) -> None:  # type: ignore[no-untyped-def]
    app.action_pick_theme()
    await wait_for(
        pilot, lambda: isinstance(app.screen, ThemePicker) and app.screen.query("#theme-list")
    )
    await pilot.pause()


def _write_config(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text)


async def test_every_shipped_theme_applies_and_colours_the_tree(
    xdg: Path, http_server: str
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        catalogue = catalogue_of(app)
        assert catalogue is not None and catalogue.issues == []
        shipped = [name for name, spec in catalogue.themes.items() if spec.source == "shipped"]
        assert len(shipped) >= 4
        for name in shipped:
            app.theme = name
            await pilot.pause()
            assert app.theme == name and app.current_theme.name == name
            palette = catalogue.themes[name].palette
            assert active_palette(app) is palette
            drawn = _rendered_colour(app, "Echo", "GET")
            assert _same(drawn, _expected(palette.methods["GET"])), (name, drawn)


async def test_the_theme_in_config_toml_is_applied_at_start(xdg: Path, http_server: str) -> None:
    _write_config('theme = "carman-synthwave"\n')
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "carman-synthwave"
        assert _same(_rendered_colour(app, "Echo", "GET"), _expected("#36f9f6"))


async def test_an_unknown_theme_falls_back_to_the_default_with_a_note(
    xdg: Path, http_server: str
) -> None:
    _write_config('theme = "no-such-theme"\n')
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("'no-such-theme'" in m and DEFAULT_THEME in m for m in _messages(app))


async def test_malformed_user_themes_are_reported_and_the_default_stays(
    xdg: Path, http_server: str, user_theme: Callable[[str, str], Path]
) -> None:
    bad_toml = user_theme("bad-toml", '[colours]\nprimary = "#123456\n')
    bad_type = user_theme("bad-type", 'dark = "yes"\n[colours]\nprimary = "#123456"\n')
    bad_colour = user_theme("bad-colour", '[colours]\nprimary = "#123456"\nerror = "bleu"\n')
    user_theme("good", '[colours]\nprimary = "#123456"\n[methods]\nGET = "#010203"\n')
    # Even asking for a broken theme by name leaves carman on its default.
    _write_config('theme = "bad-colour"\n')
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        messages = _messages(app)
        assert any(m.startswith(f"{bad_toml}:2: invalid TOML") for m in messages), messages
        assert any(m.startswith(f"{bad_type}:1: dark: expected true") for m in messages)
        assert any(m.startswith(f"{bad_colour}:3: colours.error:") for m in messages)
        assert "good" in app.available_themes and "bad-colour" not in app.available_themes
        app.theme = "good"
        await pilot.pause()
        assert _same(_rendered_colour(app, "Echo", "GET"), _expected("#010203"))


async def test_the_picker_previews_live_saves_on_enter_and_restores_on_escape(
    xdg: Path, http_server: str
) -> None:
    _write_config('timeout = 12.0\n\n[keymap]\nsend = "ctrl+j"\n')
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = list(catalogue_of(app).themes)  # type: ignore[union-attr]
        assert names[0] == DEFAULT_THEME
        # Esc: every preview is undone and nothing is written.
        await _open_picker(app, pilot)
        await pilot.press("down")
        await pilot.pause()
        assert app.theme == names[1]
        # The preview really re-coloured the tree behind the dialog.
        tree_colour = _rendered_colour(app.main_screen, "Echo", "GET")  # type: ignore[arg-type]
        assert _same(tree_colour, _expected(active_palette(app).methods["GET"]))
        await pilot.press("down")
        await pilot.pause()
        assert app.theme == names[2]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ThemePicker)
        assert app.theme == DEFAULT_THEME
        assert "theme" not in read_toml(paths.config_file())
        # Enter: the highlighted theme stays and goes into config.toml.
        await _open_picker(app, pilot)
        assert app.screen.query_one(OptionList).highlighted == 0  # starts on the current one
        await pilot.press("down", "down", "down")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ThemePicker)
        assert app.theme == names[3]
        assert read_toml(paths.config_file())["theme"] == names[3]
        assert app.workspace.config.theme == names[3]
        # Opening on a later theme does not flash the first one.
        changes: list[str] = []
        app.watch(app, "theme", changes.append, init=False)
        await _open_picker(app, pilot)
        assert app.screen.query_one(OptionList).highlighted == 3
        await pilot.press("escape")
        await pilot.pause()
        assert changes == [] and app.theme == names[3]
    # The rest of config.toml is kept as it was.
    data = read_toml(paths.config_file())
    assert data["timeout"] == 12.0 and data["keymap"] == {"send": "ctrl+j"}


async def test_no_color_selects_the_monochrome_safe_theme(
    xdg: Path, http_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_config('theme = "carman-light"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == NO_COLOR_THEME
        assert app.no_color  # and Textual renders in monochrome on top
        assert _same(_rendered_colour(app, "Echo", "GET"), _expected("bright_cyan"))
    # NO_COLOR never rewrites the user's choice.
    assert read_toml(paths.config_file())["theme"] == "carman-light"


async def test_a_theme_change_recolours_the_status_line_and_the_body(
    xdg: Path, http_server: str
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "ctrl+j")  # Echo: a 200 with a JSON body
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: viewer.exchange is not None and viewer.body_view.lines)
        await wait_for(pilot, lambda: '"method"' in "\n".join(viewer.body_view.lines))

        def pill_colour() -> RichColor | None:
            text = viewer.query_one("#status-line").content
            return Style.parse(str(text.spans[0].style)).color

        def key_colour() -> RichColor | None:
            for y in range(viewer.body_view.size.height):
                for segment in viewer.body_view.render_line(y):
                    if segment.text == '"method"':
                        return segment.style.color if segment.style else None
            return None

        assert _same(pill_colour(), _expected(active_palette(app).status[2]))
        assert _same(key_colour(), _expected(active_palette(app).json["key"]))
        app.theme = "carman-light"
        await pilot.pause()
        light = active_palette(app)
        assert _same(pill_colour(), _expected(light.status[2]))
        assert _same(key_colour(), _expected(light.json["key"]))


@pytest.mark.parametrize(
    ("value", "wanted"), [("1", True), ("0", True), ("", False), (None, False)]
)
def test_no_color_means_set_and_not_empty(
    monkeypatch: pytest.MonkeyPatch, value: str | None, wanted: bool
) -> None:
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    assert no_color_requested() is wanted
