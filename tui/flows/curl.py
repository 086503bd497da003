"""curl in the TUI: copy the request as a curl command; import one as a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.collection_io import save_request
from tui.core.errors import CarmanError
from tui.core.exporters.curl import curl_from_prepared
from tui.core.importers.curl import import_curl as parse_curl
from tui.core.model import Collection, Request
from tui.dialogs.basic import Field, FormDialog

if TYPE_CHECKING:
    from tui.app import CarmanApp


def copy_as_curl(app: CarmanApp, collection: Collection | None, request: Request | None) -> None:
    """Copy with secrets masked (the clipboard may end up in a chat or a ticket)."""
    if request is None:
        app.notify("Select a request first", severity="warning")
        return
    try:
        prepared = app.workspace.prepare(collection, request)
    except CarmanError as exc:
        app.notify(f"Cannot build the command: {exc}", severity="error")
        return
    command = curl_from_prepared(prepared, reveal=False, secrets=app.workspace.secret_values())
    app.copy_with_toast(command, "the request as curl (secrets masked)")


def apply_curl(app: CarmanApp, request: Request, command: str) -> bool:
    """Replace ``request``'s method, URL, params, headers, body and auth from a curl command."""
    try:
        parsed, report = parse_curl(command, name=request.name)
    except CarmanError as exc:
        app.notify(f"Not a usable curl command: {exc}", severity="error")
        return False
    request.method = parsed.method
    request.url = parsed.url
    request.params = parsed.params
    request.headers = parsed.headers
    request.body = parsed.body
    request.auth = parsed.auth
    request.dirty = True
    for warning in report.warnings:
        app.notify(str(warning), severity="warning")
    if report.secrets:
        app.notify(
            "The command carried a secret; it was replaced by a {{variable}}. Set it in the "
            "variables screen (ctrl+e).",
            severity="warning",
        )
    return True


def import_curl(app: CarmanApp) -> None:
    """Palette action: paste a curl command; it becomes a new request in a user collection."""
    screen = app.main_screen
    target = screen.collection if screen is not None else None
    if target is None or target.read_only:
        target = next((c for c in app.workspace.collections if not c.read_only), None)
    if target is None:
        app.notify("Create or duplicate a collection first (nothing writable)", severity="warning")
        return

    def entered(values: dict[str, str] | None) -> None:
        if not values or not values["command"].strip():
            return
        from tui.core.collection_ops import add_request

        try:
            request = add_request(target, target, values["name"].strip() or "From curl")
        except (CarmanError, OSError) as exc:
            app.notify(str(exc), severity="error")
            return
        if not apply_curl(app, request, values["command"]):
            return
        try:
            # Save this request itself: the editor still shows the one open before the import.
            path = save_request(target, request)
        except OSError as exc:
            app.notify(f"Could not save: {exc}", severity="error")
        else:
            app.notify(f"Saved {path.name}", timeout=2)
        if screen is not None:
            screen.reload_tree(request)

    app.push_screen(
        FormDialog(
            f"Import curl into {target.name}",
            [
                Field("command", "curl command", placeholder="curl -X POST https://…"),
                Field("name", "Request name", "From curl"),
            ],
        ),
        entered,
    )
