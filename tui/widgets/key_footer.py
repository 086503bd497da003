"""The footer: the screen's shown keys on one line, drawn by one widget.

Why not Textual's ``Footer``: it is a container of one widget per key and it recomposes all of
them (removes, mounts and styles ~10 widgets, then lays the screen out again) every time the
active bindings change, which is at every focus change. At startup that was six recomposes and
the footer's keys reached the screen ~0.1 s after the rest of the first frame; on a key that
moves the focus (``ctrl+w t``) it was most of the key's cost. This widget reads the active
bindings when it renders, so any number of changes between two frames cost one line of text.

It looks like Textual's footer (the same ``$footer-*`` theme variables and component classes,
the command palette key docked right) and a click on a key presses it, as there.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget


@dataclass(frozen=True)
class _Shown:
    key: str  # the key to press (Textual's name)
    display: str  # how the key is shown (^j, f1)
    description: str
    enabled: bool


class _Keys(Widget, can_focus=False):
    """The keys, left to right; what does not fit is cut (as Textual's footer scrolls)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    _Keys {
        width: auto;
        height: 1;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, compact: bool) -> None:
        super().__init__()
        self.compact = compact
        self.entries: list[_Shown] = []
        # (first cell, end cell, entry) of each key drawn, for clicks.
        self._hits: list[tuple[int, int, _Shown]] = []

    def show(self, entries: list[_Shown]) -> None:
        if entries != self.entries:
            self.entries = entries
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._hits = []
        for entry in self.entries:
            start = line.cell_len
            line.append_text(_piece(entry, key_style, description_style, self.compact))
            self._hits.append((start, line.cell_len, entry))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, entry in self._hits:
            if start <= event.x < end:
                event.stop()
                _press(self, entry)
                return


class _PaletteKey(_Keys):
    """The command palette's key, docked right behind a thin edge, as in Textual's footer."""

    DEFAULT_CSS = """
    _PaletteKey {
        dock: right;
        width: auto;
        padding-right: 1;
        border-left: vkey $foreground 20%;
    }
    """


def _piece(entry: _Shown, key_style: Style, description_style: Style, compact: bool) -> Text:
    """One key as Textual's FooterKey draws it: " ^j " then "Send " (compact: "^p", " palette")."""
    if compact:
        piece = Text.assemble((entry.display, key_style))
        if entry.description:
            piece.append(f" {entry.description}", description_style)
    else:
        piece = Text.assemble((f" {entry.display} ", key_style))
        if entry.description:
            piece.append(f"{entry.description} ", description_style)
    if not entry.enabled:
        piece.stylize("dim")
    return piece


def _press(widget: Widget, entry: _Shown) -> None:
    if entry.enabled:
        widget.app.simulate_key(entry.key)
    else:
        widget.app.bell()


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        layout: horizontal;
        overflow: hidden;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter _Keys { background: $footer-item-background; }
    """

    def __init__(self, *, id: str | None = None, show_command_palette: bool = True) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self._keys = _Keys(compact=False)
        self._palette = _PaletteKey(compact=True)

    def compose(self) -> ComposeResult:
        yield self._keys
        if self.show_command_palette:
            yield self._palette

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._update()

    def _bindings_changed(self, _screen: object) -> None:
        self._update()

    def _update(self) -> None:
        keys, palette = self._shown()
        self._keys.show(keys)
        self._palette.show([palette] if palette is not None else [])

    def _shown(self) -> tuple[list[_Shown], _Shown | None]:
        """The keys to show, one per action (its first binding), and the palette's key."""
        active = self.screen.active_bindings
        keys: list[_Shown] = []
        seen_actions: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            keys.append(self._entry(binding, enabled))
        palette: _Shown | None = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = self._entry(found.binding, found.enabled)
        return keys, palette

    def _entry(self, binding: Binding, enabled: bool) -> _Shown:
        return _Shown(binding.key, self.app.get_key_display(binding), binding.description, enabled)
