"""The vehicle picker: the vehicles of this login with make, model and year.

With API Authentication (Smartcar v3) it lists the application's connections and picking one
sets both ``{{vehicle_id}}`` and ``{{user_id}}`` (sent as ``sc-user-id``); otherwise the
vehicles of the v2.0 login (``vehicle_id_all``) and picking sets ``{{vehicle_id}}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.errors import CarmanError
from tui.core.smartcar.vehicles import (
    VehicleSummary,
    list_vehicles,
    select_vehicle,
    short_id,
    uses_connections,
    vehicle_ids,
)
from tui.dialogs.basic import DIALOG_CSS

if TYPE_CHECKING:
    from tui.app import CarmanApp


class VehiclePicker(ModalScreen[VehicleSummary | None]):
    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "VehiclePicker")
        + """
    VehiclePicker OptionList { height: auto; max-height: 16; }
    VehiclePicker #picker-status { color: $text-muted; }
    """
    )
    # While the list loads, the keys that move and pick wait (typed ahead over SSH, they would
    # act on the few vehicles known before the details came); they are played on the list.
    TYPED_AHEAD = {"up": "cursor_up", "down": "cursor_down", "enter": "select"}
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("r", "reload", "Reload"),
        *(
            Binding(key, f"type_ahead('{key}')", show=False, priority=True)
            for key in TYPED_AHEAD
        ),
    ]

    def __init__(
        self,
        ids: list[str],
        current: str | None,
        *,
        current_user: str | None = None,
        connections: bool = False,
    ) -> None:
        super().__init__()
        self.ids = ids
        self.current = current
        self.current_user = current_user
        self.connections = connections
        self.summaries: list[VehicleSummary] = [VehicleSummary(i) for i in ids]
        self._loading = True
        self._typed_ahead: list[str] = []

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        what = "{{vehicle_id}} and {{user_id}}" if self.connections else "{{vehicle_id}}"
        with Vertical():
            yield Label(f"Pick a vehicle (sets {what})", classes="dialog-title")
            yield OptionList(*self._options(), id="vehicles")
            source = "listing the connections" if self.connections else "fetching"
            yield Static(f"{source}: make, model and year …", id="picker-status")

    def _is_current(self, summary: VehicleSummary) -> bool:
        if summary.id != self.current:
            return False
        return not summary.user_id or not self.current_user or summary.user_id == self.current_user

    def _options(self) -> list[Option]:
        options = []
        for index, summary in enumerate(self.summaries):
            mark = "● " if self._is_current(summary) else "  "
            label = f"{mark}{summary.label}   {short_id(summary.id)}"
            if summary.user_id:
                label += f"   user {short_id(summary.user_id)}"
            if summary.error:
                label += f"   ({summary.error})"
            # One option per connection: the same vehicle may be connected by two users.
            options.append(Option(label, id=f"{index}"))
        return options

    def _highlight_current(self) -> None:
        option_list = self.query_one(OptionList)
        for index, summary in enumerate(self.summaries):
            if self._is_current(summary):
                option_list.highlighted = index
                return

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))
        self._highlight_current()
        self.fetch()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "type_ahead":
            return self._loading  # otherwise the keys go to the list as usual
        return True

    def action_type_ahead(self, key: str) -> None:
        self._typed_ahead.append(key)

    def _play_typed_ahead(self) -> None:
        option_list = self.query_one(OptionList)
        keys, self._typed_ahead = self._typed_ahead, []
        for key in keys:
            getattr(option_list, f"action_{self.TYPED_AHEAD[key]}")()

    def action_reload(self) -> None:
        self.fetch(refresh=True)

    @work(exclusive=True)
    async def fetch(self, refresh: bool = False) -> None:
        status = self.query_one("#picker-status", Static)
        try:
            found = await list_vehicles(self.carman.workspace, refresh=refresh)
        except CarmanError as exc:
            status.update(f"{exc} · r retries")
            self._loading = False
            self._play_typed_ahead()
            return
        option_list = self.query_one(OptionList)
        # The highlight stays on the vehicle it is on (keys typed while the list loaded).
        on = option_list.highlighted
        kept = self.summaries[on].id if on is not None and on < len(self.summaries) else None
        self.summaries = found
        option_list.clear_options()
        option_list.add_options(self._options())
        ids = [summary.id for summary in found]
        if kept is not None and kept in ids:
            option_list.highlighted = ids.index(kept)
        else:
            self._highlight_current()
        failed = sum(1 for s in self.summaries if not s.ok)
        noun = "connection(s)" if any(s.user_id for s in self.summaries) else "vehicle(s)"
        text = f"{len(self.summaries)} {noun}" + (f", {failed} without details" if failed else "")
        if not self.summaries:
            text = "No connections yet: log in (ctrl+o) to connect a vehicle"
        status.update(text + " · enter picks · r reloads")
        self._loading = False
        self._play_typed_ahead()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.dismiss(self.summaries[index] if index < len(self.summaries) else None)


def open_vehicle_picker(app: CarmanApp) -> None:
    workspace = app.workspace
    connections = uses_connections(workspace)
    ids = vehicle_ids(workspace)
    if not ids and not connections:
        app.notify(
            "No vehicles yet: log in (ctrl+o), then send 'User / All Vehicles' to list them.",
            severity="warning",
        )
        return

    def chosen(summary: VehicleSummary | None) -> None:
        if summary is None:
            return
        # The header follows vehicle_id and user_id.
        select_vehicle(workspace, summary.id, summary.user_id or None)
        label = summary.label if summary.ok and summary.make else short_id(summary.id)
        if summary.user_id:
            label += f" (user {short_id(summary.user_id)})"
        app.notify(f"Vehicle: {label}")

    app.push_screen(
        VehiclePicker(
            ids,
            workspace.variables.get("vehicle_id"),
            current_user=workspace.variables.get("user_id"),
            connections=connections,
        ),
        chosen,
    )
