"""The request editor: URL bar, preview, and tabs for params, headers, body, auth, captures, info.

The editor edits a ``Request`` model object in place and posts ``Changed``; it never saves or
sends by itself (the screen does).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    Static,
    TabPane,
    TextArea,
)

from tui.core.model import (
    AUTH_KIND_LABELS,
    AuthKind,
    BodyKind,
    Capture,
    CaptureSource,
    KeyValue,
    Request,
)
from tui.core.prepare import build_url
from tui.core.variables import VariableStore
from tui.dialogs.basic import Field, FormDialog
from tui.widgets.kv_table import KeyValueTable
from tui.widgets.lazy_tabs import LazyTabbedContent, LazyTabPane
from tui.widgets.url_bar import UrlBar


def split_url(text: str) -> tuple[str, list[KeyValue]]:
    """``base?x=1&y`` -> ("base", [x=1, y=""]). Variables inside the query survive."""
    base, sep, query = text.partition("?")
    if not sep:
        return text, []
    pairs = parse_qsl(query, keep_blank_values=True)
    return base, [KeyValue(name, value) for name, value in pairs]


class CaptureTable(KeyValueTable):
    """Capture rules shown as variable ← source path; edited with a dialog."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("capture rule", id=id)
        self.captures: list[Capture] = []

    def set_captures(self, captures: list[Capture], owner: object | None = None) -> None:
        self.captures = captures
        self.owner = owner
        self.rows_model = [self._as_row(c) for c in captures]
        if self.is_mounted:
            self._render_rows()

    @staticmethod
    def _as_row(capture: Capture) -> KeyValue:
        where = capture.source.value if capture.source != CaptureSource.BODY else capture.path
        if capture.source == CaptureSource.HEADER:
            where = f"header {capture.path}"
        if capture.keep_all:
            where += "  (+ all in _all)"
        return KeyValue(capture.variable, where, enabled=capture.enabled)

    def _changed(self) -> None:
        self.rows_model = [self._as_row(c) for c in self.captures]
        super()._changed()

    def _capture_dialog(self, title: str, capture: Capture | None) -> FormDialog:
        return FormDialog(
            title,
            [
                Field("variable", "Variable", capture.variable if capture else ""),
                Field(
                    "source",
                    "Source: body / header / status",
                    capture.source.value if capture else "body",
                ),
                Field("path", "JSONPath (body) or header name", capture.path if capture else "$."),
                Field(
                    "keep_all",
                    "Keep all matches in <variable>_all? (y/n)",
                    "y" if capture and capture.keep_all else "n",
                ),
            ],
        )

    @staticmethod
    def _apply(capture: Capture, values: dict[str, str]) -> bool:
        try:
            source = CaptureSource(values["source"].strip().lower() or "body")
        except ValueError:
            return False
        capture.variable = values["variable"].strip()
        capture.source = source
        capture.path = values["path"].strip()
        capture.keep_all = values["keep_all"].lower().startswith("y")
        return bool(capture.variable)

    def action_add_row(self) -> None:
        def added(values: dict[str, str] | None) -> None:
            capture = Capture(variable="")
            if values and self._apply(capture, values):
                self.captures.append(capture)
                self._changed()

        self.app.push_screen(self._capture_dialog("Add capture rule", None), added)

    def action_edit_row(self) -> None:
        index = self._current()
        if index is None:
            self.action_add_row()
            return
        capture = self.captures[index]

        def edited(values: dict[str, str] | None) -> None:
            if values and self._apply(capture, values):
                self._changed()

        self.app.push_screen(self._capture_dialog("Edit capture rule", capture), edited)

    def _items(self) -> list[Capture]:
        return self.captures


BODY_KINDS = [(kind.value, kind) for kind in BodyKind]
AUTH_KINDS = [(AUTH_KIND_LABELS[kind], kind) for kind in AuthKind]
AUTH_HELP = {
    AuthKind.INHERIT: "Uses the auth of its folder or collection.",
    AuthKind.NONE: "No authentication.",
    AuthKind.BEARER: "Sends Authorization: Bearer <token>.",
    AuthKind.BASIC: "Sends Authorization: Basic base64(username:password).",
    AuthKind.OAUTH2: "OAuth2 authorization code: carman adds the token and refreshes it."
    " Settings come from the environment unless set here.",
    AuthKind.APP_TOKEN: "Smartcar API Authentication: carman adds the application token"
    " (client credentials, from the environment's [app_auth]), fetches it when needed"
    ' and renews it by itself. With auth_model = "connect" it adds the per-vehicle'
    " token instead. Log in (Connect) to set {{user_id}} for sc-user-id.",
}


class RequestEditor(Vertical):
    DEFAULT_CSS = """
    RequestEditor {
        height: 1fr;
        border: round $primary 40%;
        border-title-color: $text-muted;
    }
    RequestEditor:focus-within { border: round $primary; }
    RequestEditor #preview {
        height: 1; color: $text-muted; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    RequestEditor #preview.-unresolved { color: $warning; }
    RequestEditor LazyTabbedContent { height: 1fr; }
    RequestEditor TabPane { padding: 0; }
    RequestEditor #body-kind { width: 24; }
    RequestEditor #auth-kind { width: 40; }
    RequestEditor TextArea { height: 1fr; }
    RequestEditor .hint { color: $text-muted; }
    RequestEditor #empty-editor { padding: 1 2; color: $text-muted; }
    RequestEditor .auth-field { margin: 0; }
    """

    class Changed(Message):
        """The user edited ``request`` (``MainScreen.on_request_editor_changed``: the tree's
        unsaved marker)."""

        def __init__(self, editor: RequestEditor, request: Request) -> None:
            super().__init__()
            self.editor = editor
            self.request = request

        @property
        def control(self) -> RequestEditor:
            return self.editor

    class SendPressed(Message):
        """Send was asked for from the editor (``MainScreen.on_request_editor_send_pressed``)."""

        def __init__(self, editor: RequestEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> RequestEditor:
            return self.editor

    class CurlPasted(Message):
        """A curl command was typed or pasted into the URL bar
        (``MainScreen.on_request_editor_curl_pasted``)."""

        def __init__(self, editor: RequestEditor, command: str) -> None:
            super().__init__()
            self.editor = editor
            self.command = command

        @property
        def control(self) -> RequestEditor:
            return self.editor

    class LoginPressed(Message):
        """The Auth tab's login button (``MainScreen.on_request_editor_login_pressed``)."""

        def __init__(self, editor: RequestEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> RequestEditor:
            return self.editor

    def __init__(self, variables: VariableStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.variables = variables
        self.request: Request | None = None
        self.border_title = "Request"

    def compose(self) -> ComposeResult:
        yield UrlBar(self.variables.is_defined)
        yield Static("", id="preview")
        # Only the Params tab is there from the start; the others are built (from the request
        # open by then) the first time they are shown: most of the editor's widgets sit in them.
        with LazyTabbedContent(id="request-tabs"):
            with TabPane("Params", id="tab-params"):
                yield KeyValueTable("query param", id="params")
            yield LazyTabPane("Headers", self._build_headers, id="tab-headers")
            yield LazyTabPane("Body", self._build_body, id="tab-body")
            yield LazyTabPane("Auth", self._build_auth, id="tab-auth")
            yield LazyTabPane("Captures", self._build_captures, id="tab-captures")
            yield LazyTabPane("Info", self._build_info, id="tab-info")

    # -- building a tab's widgets (filled from the request open at that moment) -----------
    # Built inside ``prevent``: a widget remembers the messages prevented where it was made and
    # prevents them on its mount too, so building a pane is never an edit either.
    def _build_headers(self) -> list[Widget]:
        with self.prevent(*self._LOAD_MESSAGES):
            table = KeyValueTable("header", id="headers")
            if self.request is not None:
                table.set_rows(self.request.headers, self.request)
            return [table]

    def _build_body(self) -> list[Widget]:
        request = self.request
        kind = request.body.kind if request else BodyKind.NONE
        with self.prevent(*self._LOAD_MESSAGES):
            select = Select(BODY_KINDS, value=kind, allow_blank=False, id="body-kind")
            text = TextArea(
                request.body.text if request else "",
                id="body-text",
                soft_wrap=True,
                show_line_numbers=True,
            )
            form = KeyValueTable("form field", id="body-form", files=True)
            if request is not None:
                form.set_rows(request.body.form, request)
            text.display, form.display = self._body_fields_shown(kind)
            return [select, text, form]

    def _build_auth(self) -> list[Widget]:
        request = self.request
        auth = request.auth if request else None
        kind = auth.kind if auth else AuthKind.INHERIT
        with self.prevent(*self._LOAD_MESSAGES):
            fields = [
                Select(AUTH_KINDS, value=kind, allow_blank=False, id="auth-kind"),
                Static(AUTH_HELP[kind], id="auth-help", classes="hint"),
                Input(
                    auth.token if auth else "",
                    placeholder="token, e.g. {{access_token}}",
                    id="auth-token",
                    classes="auth-field",
                ),
                Input(
                    auth.username if auth else "",
                    placeholder="username",
                    id="auth-username",
                    classes="auth-field",
                ),
                Input(
                    auth.password if auth else "",
                    placeholder="password ({{variable}} recommended)",
                    password=True,
                    id="auth-password",
                    classes="auth-field",
                ),
                Button("Log in (ctrl+o)", id="auth-login"),
            ]
            for field, shown in zip(fields[2:], self._auth_fields_shown(kind), strict=True):
                field.display = shown
            return [VerticalScroll(*fields)]

    def _build_captures(self) -> list[Widget]:
        with self.prevent(*self._LOAD_MESSAGES):
            table = CaptureTable(id="captures")
            if self.request is not None:
                table.set_captures(self.request.captures, self.request)
            return [table]

    def _build_info(self) -> list[Widget]:
        request = self.request
        with self.prevent(*self._LOAD_MESSAGES):
            return [
                VerticalScroll(
                    Label("Name", classes="hint"),
                    Input(request.name if request else "", id="info-name"),
                    Label("Description", classes="hint"),
                    Input(request.description if request else "", id="info-description"),
                    Static(self._meta_text(request) if request else "", id="info-meta"),
                )
            ]

    def _built(self, pane_id: str) -> bool:
        pane = self.query_one(f"#{pane_id}", TabPane)
        return not isinstance(pane, LazyTabPane) or pane.built

    # -- loading a request -----------------------------------------------------------------
    # Setting a widget's value posts its Changed message; when keys arrive in a burst those
    # messages can be handled after the next request is already loaded. So loading prevents
    # them outright (they are never posted), and every edit handler below also checks that its
    # event is still current. Loading a request is never an edit.
    _LOAD_MESSAGES = (Input.Changed, Select.Changed, TextArea.Changed)

    def load(self, request: Request | None) -> None:
        self.request = request
        with self.prevent(*self._LOAD_MESSAGES):
            if request is None:
                self.query_one("#url", Input).value = ""
                self.refresh_preview()
                return
            self.query_one("#method", Select).value = request.method
            self.query_one("#url", Input).value = self._display_url(request)
            self.query_one("#params", KeyValueTable).set_rows(request.params, request)
            # Tabs not built yet are built from the request open when they are first shown.
            if self._built("tab-headers"):
                self.query_one("#headers", KeyValueTable).set_rows(request.headers, request)
            if self._built("tab-body"):
                self.query_one("#body-kind", Select).value = request.body.kind
                self.query_one("#body-text", TextArea).load_text(request.body.text)
                self.query_one("#body-form", KeyValueTable).set_rows(request.body.form, request)
                self._show_body_fields()
            if self._built("tab-auth"):
                self.query_one("#auth-kind", Select).value = request.auth.kind
                self.query_one("#auth-token", Input).value = request.auth.token
                self.query_one("#auth-username", Input).value = request.auth.username
                self.query_one("#auth-password", Input).value = request.auth.password
                self._show_auth_fields()
            if self._built("tab-captures"):
                self.query_one("#captures", CaptureTable).set_captures(request.captures, request)
            if self._built("tab-info"):
                self.query_one("#info-name", Input).value = request.name
                self.query_one("#info-description", Input).value = request.description
                self.query_one("#info-meta", Static).update(self._meta_text(request))
            self.refresh_preview()

    @staticmethod
    def _display_url(request: Request) -> str:
        enabled = [(p.name, p.value) for p in request.params if p.enabled and p.name]
        if not enabled:
            return request.url
        query = "&".join(f"{name}={value}" if value else name for name, value in enabled)
        return f"{request.url}{'&' if '?' in request.url else '?'}{query}"

    @staticmethod
    def _meta_text(request: Request) -> Text:
        text = Text()
        permission = request.meta.get("permission")
        if permission:
            text.append("Permission  ", style="dim")
            text.append(f"{permission}\n", style="bold")
        docs = request.meta.get("docs")
        if docs:
            text.append("Docs        ", style="dim")
            text.append(f"{docs}\n", style=f"underline link {docs}")
        for key, value in request.meta.items():
            if key not in ("permission", "docs", "notes"):
                text.append(f"{key:<12}", style="dim")
                text.append(f"{value}\n")
        notes = request.meta.get("notes")
        if notes:
            text.append("\nNotes (imported scripts, not run)\n", style="dim")
            text.append(str(notes))
        return text

    @staticmethod
    def _body_fields_shown(kind: BodyKind) -> tuple[bool, bool]:
        """Whether the body's text area and its form table show for ``kind``."""
        return kind in (BodyKind.JSON, BodyKind.TEXT), kind in (BodyKind.FORM, BodyKind.MULTIPART)

    @staticmethod
    def _auth_fields_shown(kind: AuthKind) -> tuple[bool, bool, bool, bool]:
        """Whether the token, username, password and login button show for ``kind``."""
        basic = kind == AuthKind.BASIC
        login = kind in (AuthKind.OAUTH2, AuthKind.INHERIT, AuthKind.APP_TOKEN)
        return kind == AuthKind.BEARER, basic, basic, login

    def _show_body_fields(self) -> None:
        kind = self.request.body.kind if self.request else BodyKind.NONE
        text, form = self._body_fields_shown(kind)
        self.query_one("#body-text").display = text
        self.query_one("#body-form").display = form

    def _show_auth_fields(self) -> None:
        kind = self.request.auth.kind if self.request else AuthKind.INHERIT
        fields = ("#auth-token", "#auth-username", "#auth-password", "#auth-login")
        for selector, shown in zip(fields, self._auth_fields_shown(kind), strict=True):
            self.query_one(selector).display = shown
        self.query_one("#auth-help", Static).update(AUTH_HELP[kind])

    # -- preview ---------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        url_input = self.query_one("#url", Input)
        url_input.refresh()  # re-highlight variables whose state may have changed
        if self.request is None:
            preview.update("")
            return
        request = self.request
        resolve = self.variables.resolve
        unresolved: list[str] = []
        base = resolve(request.url, masked=True)
        unresolved += base.unresolved
        params = []
        for row in request.params:
            if row.enabled and row.name:
                name, value = resolve(row.name, masked=True), resolve(row.value, masked=True)
                unresolved += name.unresolved + value.unresolved
                params.append((name.text, value.text))
        full = build_url(base.text, params)
        missing = list(dict.fromkeys(unresolved))
        preview.set_class(bool(missing), "-unresolved")
        if missing:
            shown = Text(f"→ {full}   (unresolved: {', '.join(missing)})")
        else:
            shown = Text(f"→ {full}")
        # One line: a long URL is cut with an ellipsis rather than wrapped out of sight.
        shown.no_wrap = True
        shown.overflow = "ellipsis"
        preview.update(shown)

    # -- edits -----------------------------------------------------------------------------
    def _changed(self, request: Request | None = None) -> None:
        request = request or self.request
        if request is None:
            return
        request.dirty = True
        if request is self.request:
            self.refresh_preview()
        self.post_message(self.Changed(self, request))

    @on(Select.Changed, "#method, #body-kind, #auth-kind")
    def _select_edited(self, event: Select.Changed) -> None:
        event.stop()
        request = self.request
        if request is None or event.value is Select.BLANK or event.value != event.select.value:
            return  # nothing open, or a stale event (the select shows another value by now)
        if event.select.id == "method":
            if request.method == str(event.value):
                return
            request.method = str(event.value)
        elif event.select.id == "body-kind":
            if request.body.kind == event.value:
                return
            request.body.kind = BodyKind(event.value)  # type: ignore[arg-type]  # not BLANK: checked above
            self._show_body_fields()
        else:
            if request.auth.kind == event.value:
                return
            request.auth.kind = AuthKind(event.value)  # type: ignore[arg-type]  # not BLANK: checked above
            self._show_auth_fields()
        self._changed()

    @on(Input.Changed, "#url")
    def _url_edited(self, event: Input.Changed) -> None:
        event.stop()
        request = self.request
        if request is None or event.value != event.input.value:
            return  # a stale event: the input holds another value by now
        if event.value == self._display_url(request):
            return  # no real change
        if event.value.lstrip().startswith("curl "):
            self.post_message(self.CurlPasted(self, event.value))
            return
        base, parsed = split_url(event.value)
        disabled = [p for p in request.params if not p.enabled]
        request.url = base
        request.params[:] = parsed + disabled
        self.query_one("#params", KeyValueTable).set_rows(request.params, request)
        self._changed()

    _TEXT_FIELDS = {
        "auth-token": ("auth", "token"),
        "auth-username": ("auth", "username"),
        "auth-password": ("auth", "password"),
        "info-name": ("request", "name"),
        "info-description": ("request", "description"),
    }

    @on(Input.Changed, "#auth-token, #auth-username, #auth-password")
    @on(Input.Changed, "#info-name, #info-description")
    def _field_edited(self, event: Input.Changed) -> None:
        event.stop()
        request = self.request
        if request is None or event.value != event.input.value:
            return
        owner, attribute = self._TEXT_FIELDS[event.input.id or ""]
        target = request.auth if owner == "auth" else request
        if getattr(target, attribute) == event.value:
            return
        if attribute == "name" and not event.value.strip():
            return  # a request always keeps a name
        setattr(target, attribute, event.value)
        self._changed()

    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.SendPressed(self))

    @on(TextArea.Changed, "#body-text")
    def _body_edited(self, event: TextArea.Changed) -> None:
        event.stop()
        request = self.request
        if request is None or request.body.text == event.text_area.text:
            return
        request.body.text = event.text_area.text
        self._changed()

    @on(KeyValueTable.Changed)
    def _rows_edited(self, event: KeyValueTable.Changed) -> None:
        event.stop()
        owner = event.owner if isinstance(event.owner, Request) else None
        if owner is None:
            return
        if owner is self.request and event.table.id == "params":
            with self.prevent(Input.Changed):
                self.query_one("#url", Input).value = self._display_url(owner)
        self._changed(owner)

    @on(Button.Pressed, "#send-button")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.SendPressed(self))

    @on(Button.Pressed, "#auth-login")
    def _login_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.LoginPressed(self))

    def show_json_error(self, line: int, column: int) -> None:
        """Put the cursor on a JSON error in the body."""
        self.query_one(LazyTabbedContent).active = "tab-body"  # built now if it was not
        area = self.query_one("#body-text", TextArea)
        area.cursor_location = (max(0, line - 1), max(0, column - 1))
        self.screen.set_focus(area)

    @property
    def url_input(self) -> Input:
        return self.query_one("#url", Input)
