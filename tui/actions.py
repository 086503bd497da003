"""Every user action: an id, a default key, a description. One table feeds the bindings, the
command palette and the F1 help, and ``[keymap]`` in config.toml remaps keys by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class ActionSpec:
    id: str  # also the binding id used by the keymap
    key: str
    action: str  # Textual action string, run on the screen (or app for app.*)
    description: str
    group: str
    footer: bool = False
    footer_label: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("send", "ctrl+j", "send", "Send the request", "Request", True, "Send"),
    ActionSpec("cancel", "escape", "cancel_send", "Cancel the request in flight", "Request"),
    ActionSpec(
        "save", "ctrl+s", "save", "Save the request to its collection", "Request", True, "Save"
    ),
    ActionSpec("focus_url", "ctrl+l", "focus_url", "Edit the URL", "Request", True, "URL"),
    ActionSpec("copy_curl", "ctrl+y", "copy_curl", "Copy the request as curl", "Request"),
    ActionSpec("copy_code", "", "copy_code", "Copy the request as code", "Request"),
    ActionSpec(
        "login", "ctrl+o", "login", "Log in (OAuth2 / Smartcar Connect)", "Auth", True, "Login"
    ),
    ActionSpec("logout", "", "logout", "Log out of this environment", "Auth"),
    ActionSpec("forget_tokens", "", "forget_tokens", "Forget all stored tokens", "Auth"),
    ActionSpec(
        "history", "ctrl+r", "history", "Open the request history", "Views", True, "History"
    ),
    ActionSpec(
        "variables", "ctrl+e", "variables", "Show and edit variables", "Views", True, "Vars"
    ),
    ActionSpec("environment", "f2", "pick_environment", "Switch environment", "Views"),
    ActionSpec("vehicle", "f3", "pick_vehicle", "Pick a vehicle (sets vehicle_id)", "Views"),
    ActionSpec("units", "f4", "toggle_units", "Switch metric / imperial units", "Views"),
    ActionSpec("theme", "", "pick_theme", "Change the theme", "Views"),
    ActionSpec("focus_tree", "alt+1", "focus_pane('tree')", "Go to the collection tree", "Panes"),
    ActionSpec(
        "focus_editor", "alt+2", "focus_pane('editor')", "Go to the request editor", "Panes"
    ),
    ActionSpec("focus_response", "alt+3", "focus_pane('response')", "Go to the response", "Panes"),
    ActionSpec("toggle_tree", "ctrl+b", "toggle_tree", "Hide or show the collection tree", "Panes"),
    ActionSpec("maximize", "f11", "toggle_maximize", "Maximise the response (or restore)", "Panes"),
    ActionSpec(
        "grow_editor", "ctrl+up", "resize_editor(2)", "Make the request editor taller", "Panes"
    ),
    ActionSpec(
        "shrink_editor",
        "ctrl+down",
        "resize_editor(-2)",
        "Make the request editor shorter",
        "Panes",
    ),
    ActionSpec(
        "duplicate_builtin",
        "",
        "duplicate_collection",
        "Duplicate the collection to edit it",
        "Collections",
    ),
    ActionSpec(
        "import_curl", "", "import_curl", "Import a curl command as a new request", "Collections"
    ),
    ActionSpec("help", "f1", "help", "Show keys and actions", "App", True, "Help"),
    ActionSpec(
        "palette",
        "ctrl+p",
        "app.command_palette",
        "Open the command palette",
        "App",
        True,
        "Commands",
    ),
    ActionSpec("quit", "ctrl+q", "app.quit", "Quit", "App", True, "Quit"),
)

BY_ID = {spec.id: spec for spec in ACTIONS}


def bindings() -> list[Binding]:
    """Screen bindings for every action that has a key (palette-only ones have none)."""
    return [
        Binding(
            spec.key,
            spec.action,
            spec.footer_label or spec.description,
            show=spec.footer,
            id=spec.id,
            priority=spec.id in ("send", "save", "quit", "help", "palette"),
        )
        for spec in ACTIONS
        if spec.key and not spec.action.startswith("app.")
    ]
