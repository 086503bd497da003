"""Every user action: an id, a default key, a description. One table feeds the bindings, the
command palette and the F1 help, and ``[keymap]`` in config.toml remaps keys by id.

Keys are chosen to arrive everywhere carman runs: tmux with its default settings (``ctrl+b`` is
its prefix), SSH with ``TERM=xterm-256color``, and the Linux console (no ``alt+digit``, which
Textual reads as macOS Option characters, and no ``ctrl+arrow``, which the console cannot tell
from a plain arrow). Pane and layout actions sit behind the ``ctrl+w`` prefix, as in vim and tmux:
``ctrl+w t`` goes to the tree. A key is written as Textual names it; a two-step key is the
prefix, a space, and the second key.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

PANES_PREFIX = "ctrl+w"
# How keys that Textual names by word are shown to people.
KEY_DISPLAY = {"plus": "+", "minus": "-", "escape": "esc", "slash": "/"}


@dataclass(frozen=True)
class ActionSpec:
    id: str  # stable: the keymap, the palette and the help refer to actions by it
    key: str  # "ctrl+j", "f2", "ctrl+w t" (prefix, then a key); "" = palette only
    action: str  # Textual action; "app." runs it on the app, anything else on the screen
    description: str
    group: str
    footer: str = ""  # the footer's label; empty = not in the footer
    # A priority key works while a text input has focus (the input never sees it).
    priority: bool = True


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("send", "ctrl+j", "send", "Send the request", "Request", "Send"),
    # Esc belongs to inputs and dialogs first; it cancels a send only when nothing else wants it.
    ActionSpec(
        "cancel", "escape", "cancel_send", "Cancel the request in flight", "Request", priority=False
    ),
    ActionSpec("save", "ctrl+s", "save", "Save the request to its collection", "Request", "Save"),
    ActionSpec("focus_url", "ctrl+l", "focus_url", "Edit the URL", "Request", "URL"),
    # Not priority: in the body editor ctrl+y is redo.
    ActionSpec(
        "copy_curl", "ctrl+y", "copy_curl", "Copy the request as curl", "Request", priority=False
    ),
    ActionSpec("copy_code", "ctrl+g", "copy_code", "Copy the request as code", "Request", "Code"),
    ActionSpec(
        "login", "ctrl+o", "app.login", "Log in (OAuth2 / Smartcar Connect)", "Auth", "Login"
    ),
    ActionSpec("logout", "", "app.logout", "Log out of this environment", "Auth"),
    ActionSpec("forget_tokens", "", "app.forget_tokens", "Forget all stored tokens", "Auth"),
    ActionSpec("history", "ctrl+r", "app.history", "Open the request history", "Views", "History"),
    ActionSpec("variables", "ctrl+e", "app.variables", "Show and edit variables", "Views", "Vars"),
    # ctrl+t: free in every terminal, tmux and the Linux console, and bound by no Textual input
    # (ctrl+k would steal "delete to end of line" from them, and VS Code's terminal keeps it).
    ActionSpec("webhooks", "ctrl+t", "app.webhooks", "Receive and inspect webhooks", "Views"),
    ActionSpec("environment", "f2", "app.pick_environment", "Switch environment", "Views"),
    ActionSpec("vehicle", "f3", "app.pick_vehicle", "Pick a vehicle (sets vehicle_id)", "Views"),
    ActionSpec("signal", "", "pick_signal", "Pick a v3 signal (sets signal_code)", "Views"),
    ActionSpec("units", "f4", "app.toggle_units", "Switch metric / imperial units", "Views"),
    ActionSpec("theme", "", "app.pick_theme", "Change the theme", "Views"),
    ActionSpec(
        "focus_tree", "ctrl+w t", "focus_pane('tree')", "Go to the collection tree", "Panes"
    ),
    ActionSpec(
        "focus_editor", "ctrl+w e", "focus_pane('editor')", "Go to the request editor", "Panes"
    ),
    ActionSpec(
        "focus_response", "ctrl+w r", "focus_pane('response')", "Go to the response", "Panes"
    ),
    ActionSpec(
        "toggle_tree", "ctrl+w b", "toggle_tree", "Hide or show the collection tree", "Panes"
    ),
    ActionSpec(
        "maximize", "f11,ctrl+w z", "toggle_maximize", "Maximise the response (or restore)", "Panes"
    ),
    ActionSpec(
        "grow_editor", "ctrl+w plus", "resize_editor(2)", "Make the request editor taller", "Panes"
    ),
    ActionSpec(
        "shrink_editor",
        "ctrl+w minus",
        "resize_editor(-2)",
        "Make the request editor shorter",
        "Panes",
    ),
    ActionSpec(
        "new_collection", "", "app.new_collection", "Create a new collection", "Collections"
    ),
    ActionSpec(
        "duplicate_builtin",
        "",
        "duplicate_collection",
        "Duplicate the collection to edit it",
        "Collections",
    ),
    ActionSpec(
        "import_curl",
        "",
        "app.import_curl",
        "Import a curl command as a new request",
        "Collections",
    ),
    ActionSpec("help", "f1", "app.show_help", "Show keys and actions", "App", "Help"),
    # Textual binds the palette itself (and shows "^p palette" at the footer's end).
    ActionSpec("palette", "ctrl+p", "app.command_palette", "Open the command palette", "App"),
    ActionSpec("quit", "ctrl+q", "app.quit", "Quit", "App"),
)

BY_ID = {spec.id: spec for spec in ACTIONS}


def key_of(spec: ActionSpec, keymap: dict[str, str]) -> str:
    """The keys the user has for ``spec``: their ``[keymap]`` entry, else the default."""
    return keymap.get(spec.id, spec.key).strip()


def alternatives(keys: str) -> list[str]:
    """``"f11,ctrl+w z"`` -> ["f11", "ctrl+w z"]."""
    return [key.strip() for key in keys.split(",") if key.strip()]


def split_key(key: str) -> tuple[str, str | None]:
    """``"ctrl+w t"`` -> ("ctrl+w", "t"); ``"f2"`` -> ("f2", None)."""
    first, _, second = key.partition(" ")
    return first, (second.strip() or None)


def show_key(keys: str) -> str:
    """Keys as people read them: ``f11,ctrl+w plus`` -> ``f11 / ctrl+w +``."""
    return " / ".join(
        " ".join(KEY_DISPLAY.get(part, part) for part in key.split()) for key in alternatives(keys)
    )


def sequences(prefix: str, keymap: dict[str, str]) -> dict[str, ActionSpec]:
    """The second keys after ``prefix`` and the actions they run."""
    found: dict[str, ActionSpec] = {}
    for spec in ACTIONS:
        for key in alternatives(key_of(spec, keymap)):
            first, second = split_key(key)
            if first == prefix and second:
                found[second] = spec
    return found


def bindings(keymap: dict[str, str]) -> list[Binding]:
    """The main screen's bindings: every action with a one-step key, and one binding per prefix
    (``ctrl+w``) that opens the prefix's key hint. Palette-only actions have none."""
    found: list[Binding] = []
    prefixes: list[str] = []
    for spec in ACTIONS:
        if spec.id == "palette":
            continue  # Textual's own binding (App.COMMAND_PALETTE_BINDING)
        direct = []
        for key in alternatives(key_of(spec, keymap)):
            first, second = split_key(key)
            if second is None:
                direct.append(first)
            elif first not in prefixes:
                prefixes.append(first)
        if not direct:
            continue
        found.append(
            Binding(
                ",".join(direct),
                spec.action,
                spec.footer or spec.description,
                show=bool(spec.footer),
                id=spec.id,
                priority=spec.priority,
            )
        )
    for prefix in prefixes:
        label = "Panes" if prefix == PANES_PREFIX else "More keys"
        found.append(Binding(prefix, f"key_prefix('{prefix}')", label, show=True, priority=True))
    return found
