"""Each widget that draws theme colours into cached text restyles itself when the theme is
switched while it is on screen (theming.py no longer walks the widgets for them)."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.widgets import Input

from tests.ui.helpers import make_workspace
from tui.app import CarmanApp
from tui.core.session import open_session
from tui.theming import palette_for
from tui.widgets.collection_tree import CollectionTree

SIZE = (120, 40)


def _colour(style: str | Style) -> object:
    parsed = Style.parse(style) if isinstance(style, str) else style
    colour = parsed.color
    return colour.get_truecolor() if colour is not None else None


async def test_tree_badges_and_url_variables_follow_a_theme_switch(
    xdg: Path, http_server: str
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(CollectionTree)
        node = tree.first_request_node()
        assert node is not None and node.data is not None and node.data.request is not None
        method = node.data.request.method
        field = app.screen.query_one("#url", Input)
        assert field.highlighter is not None

        def badge_colour() -> object:
            assert node is not None
            return _colour(node.label.style)

        def missing_colour() -> object:
            assert field.highlighter is not None
            text = Text("{{surely_not_defined}}")
            field.highlighter.highlight(text)
            return _colour(text.spans[0].style)

        dark, light = palette_for(app, "carman-dark"), palette_for(app, "carman-light")
        assert app.theme == "carman-dark"
        assert badge_colour() == _colour(dark.methods[method])
        assert missing_colour() == _colour(dark.variables["unresolved"])
        assert dark.methods[method] != light.methods[method]  # else this proves nothing

        app.theme = "carman-light"
        await pilot.pause()
        assert badge_colour() == _colour(light.methods[method])
        assert missing_colour() == _colour(light.variables["unresolved"])

        app.theme = "carman-dark"  # and back: not a one-way switch
        await pilot.pause()
        assert badge_colour() == _colour(dark.methods[method])
        assert missing_colour() == _colour(dark.variables["unresolved"])
