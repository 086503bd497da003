"""Method badges and status colours shared by the tree, editor, response and history.

The colours are the theme's (theme variables ``$method-get``, ``$status-2xx``, … built by
``tui.theming``). A widget that shows badges lists ``BADGE_COMPONENTS`` among its
``COMPONENT_CLASSES``, adds ``badge_css("<its type>")`` to its ``DEFAULT_CSS``, reads
``BadgeStyles.of(self)`` and hands them to ``method_badge`` / ``status_style``. Nothing here
holds a colour that changes at runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.core.theme_files import Palette

METHOD_COMPONENTS: Mapping[str, str] = {
    method: f"method--{method.lower()}"
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
}
STATUS_COMPONENTS: Mapping[int, str] = {klass: f"status--{klass}xx" for klass in (2, 3, 4, 5)}
BADGE_COMPONENTS: frozenset[str] = frozenset(
    (*METHOD_COMPONENTS.values(), *STATUS_COMPONENTS.values())
)
# A method or status class no theme names (a custom verb, a 1xx) keeps the foreground look.
UNKNOWN = Style.parse("bold #c0caf5")


def component_css(selector: str, component: str) -> str:
    """The rule giving ``selector``'s ``component`` the theme's look of the same name
    (``method--get`` reads ``$method-get``, ``$method-get-background``, ``$method-get-style``)."""
    variable = component.replace("--", "-")
    return (
        f"{selector} > .{component} {{ color: ${variable}; "
        f"background: ${variable}-background; text-style: ${variable}-style; }}\n"
    )


def badge_css(selector: str) -> str:
    return "".join(component_css(selector, component) for component in sorted(BADGE_COMPONENTS))


def read_component(widget: Widget, component: str) -> Style:
    """The component's own style (not its parents'); empty before the widget is styled."""
    return widget.get_component_rich_style(component, partial=True, default=Style())


@dataclass(frozen=True)
class BadgeStyles:
    """The method badge and status styles of one theme (bold is part of each)."""

    methods: Mapping[str, Style] = field(default_factory=dict)
    status: Mapping[int, Style] = field(default_factory=dict)

    @classmethod
    def of(cls, widget: Widget) -> BadgeStyles:
        """As ``widget``'s CSS gives them (its theme's), read from its component classes."""
        return cls(
            methods={m: read_component(widget, c) for m, c in METHOD_COMPONENTS.items()},
            status={s: read_component(widget, c) for s, c in STATUS_COMPONENTS.items()},
        )

    @property
    def styled(self) -> bool:
        """False when read before the widget had its CSS (every style empty)."""
        return any((*self.methods.values(), *self.status.values()))

    @classmethod
    def from_palette(cls, palette: Palette) -> BadgeStyles:
        """Straight from a theme's palette (a preview of a theme that is not on screen)."""
        return cls(
            methods={m: Style.parse(f"bold {s}") for m, s in palette.methods.items()},
            status={k: Style.parse(f"bold {s}") for k, s in palette.status.items()},
        )


class BadgeCache:
    """A widget's badge styles, read once it has its CSS and kept while they hold."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._styles: BadgeStyles | None = None

    @property
    def styles(self) -> BadgeStyles:
        if self._styles is None:
            styles = BadgeStyles.of(self._widget)
            if not styles.styled:  # not styled yet: read again next time
                return styles
            self._styles = styles
        return self._styles

    def stale(self) -> bool:
        """After a theme change: True (and forgotten) when the styles in use are no longer the
        theme's, so what was drawn with them must be drawn again."""
        if self._styles is not None and BadgeStyles.of(self._widget) != self._styles:
            self._styles = None
            return True
        return False


def method_badge(method: str, styles: BadgeStyles, width: int = 4) -> Text:
    short = {"DELETE": "DEL", "OPTIONS": "OPT", "PATCH": "PTCH"}.get(method, method)
    return Text(short.ljust(width)[:width], style=styles.methods.get(method) or UNKNOWN)


def status_style(status: int, styles: BadgeStyles) -> Style:
    return styles.status.get(status // 100) or UNKNOWN
