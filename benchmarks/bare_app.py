"""The startup baseline: a bare Textual app with a Header and a Footer, run as a script.

``startup`` runs it exactly like carman (same terminal, same polling) and waits for both its
header title and its footer key to be on screen.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header

TITLE = "bare-textual-baseline"
FOOTER_KEY = "Quit"


class BareApp(App[None]):
    TITLE = TITLE
    BINDINGS = [Binding("q", "quit", FOOTER_KEY)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
