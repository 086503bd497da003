"""curl in the TUI: copy the request as a curl command; import one as a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.collection_io import save_request
from tui.core.errors import CarmanError
from tui.core.exporters.curl import curl_from_prepared
from tui.core.importers.curl import import_curl as parse_curl
from tui.core.importers.report import ImportReport
from tui.core.model import Collection, Request
from tui.dialogs.basic import ChoiceDialog, Field, FormDialog

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


def _parse(app: CarmanApp, command: str, name: str) -> tuple[Request, ImportReport] | None:
    try:
        return parse_curl(command, name=name)
    except CarmanError as exc:
        app.notify(f"Not a usable curl command: {exc}", severity="error")
        return None


def _tell(app: CarmanApp, report: ImportReport) -> None:
    for warning in report.warnings:
        app.notify(str(warning), severity="warning")
    if report.secrets:
        app.notify(
            "The command carried a secret; it was replaced by a {{variable}}. Set it in the "
            "variables screen (ctrl+e).",
            severity="warning",
        )


def _replace(request: Request, parsed: Request) -> None:
    """``request`` takes the command's method, URL, params, headers, body and auth."""
    request.method = parsed.method
    request.url = parsed.url
    request.params = parsed.params
    request.headers = parsed.headers
    request.body = parsed.body
    request.auth = parsed.auth
    request.dirty = True


def _add_as_new(app: CarmanApp, target: Collection, parsed: Request) -> Request | None:
    """A new, saved request in ``target`` (a unique name, never a half-made one)."""
    from tui.core.collection_ops import unique_name

    parsed.name = unique_name([r.name for r in target.requests], parsed.name or "From curl")
    target.requests.append(parsed)
    try:
        path = save_request(target, parsed)
    except (OSError, CarmanError) as exc:
        target.requests.remove(parsed)
        app.notify(f"Could not save: {exc}", severity="error")
        return None
    app.notify(f"Added {target.name} / {parsed.name} ({path.name})", timeout=3)
    if app.main_screen is not None:
        app.main_screen.reload_tree(parsed)
    return parsed


def _writable_target(app: CarmanApp, preferred: Collection | None) -> Collection | None:
    if preferred is not None and not preferred.read_only:
        return preferred
    return next((c for c in app.workspace.collections if not c.read_only), None)


def paste_curl(
    app: CarmanApp, collection: Collection | None, request: Request, command: str
) -> None:
    """A curl command typed or pasted into the URL bar. A request that is saved (or built in)
    is replaced only when the user says so; the other choice makes a new request."""
    screen = app.main_screen

    def restore() -> None:  # the URL bar still holds the pasted text
        if screen is not None and screen.request is request:
            screen.reload_request()

    found = _parse(app, command, request.name)
    if found is None:
        restore()
        return
    parsed, report = found
    writable = collection is not None and not collection.read_only
    if writable and not request.file_stem:
        _replace(request, parsed)  # a new request nobody saved yet: nothing to lose
        restore()
        _tell(app, report)
        app.notify("Imported the curl command into this request (ctrl+s saves it)")
        return
    target = _writable_target(app, collection)
    options = []
    if writable:
        options.append(("replace", f"Replace “{request.name}” with it (ctrl+s saves)"))
    if target is not None:
        options.append(("new", f"Add it as a new request in {target.name}"))
    if not options:
        restore()
        app.notify("Create a collection first (c in the tree): nothing is writable")
        return

    def chosen(key: str | None) -> None:
        if key == "replace":
            _replace(request, parsed)
            _tell(app, report)
        elif key == "new" and target is not None:
            parsed.name = "From curl"
            if _add_as_new(app, target, parsed) is not None:
                _tell(app, report)
                return
        restore()

    app.push_screen(ChoiceDialog("A curl command was pasted into the URL", options), chosen)


def import_curl(app: CarmanApp) -> None:
    """Palette action: paste a curl command; it becomes a new request in a user collection."""
    screen = app.main_screen
    target = _writable_target(app, screen.collection if screen is not None else None)
    if target is None:
        app.notify("Create or duplicate a collection first (nothing writable)", severity="warning")
        return

    def entered(values: dict[str, str] | None) -> None:
        if not values or not values["command"].strip():
            return
        # Parsed first: a command that cannot be used leaves nothing behind.
        found = _parse(app, values["command"], values["name"].strip() or "From curl")
        if found is None:
            return
        parsed, report = found
        if _add_as_new(app, target, parsed) is not None:
            _tell(app, report)

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
