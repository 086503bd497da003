"""The vehicle picker: the vehicles of this login with make, model and year; sets vehicle_id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.smartcar.vehicles import (
    VehicleSummary,
    cache_for,
    list_vehicles,
    select_vehicle,
    short_id,
    vehicle_ids,
)
from tui.dialogs.basic import DIALOG_CSS

if TYPE_CHECKING:
    from tui.app import CarmanApp


class VehiclePicker(ModalScreen[str | None]):
    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "VehiclePicker")
        + """
    VehiclePicker OptionList { height: auto; max-height: 16; }
    VehiclePicker #picker-status { color: $text-muted; }
    """
    )
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, ids: list[str], current: str | None) -> None:
        super().__init__()
        self.ids = ids
        self.current = current
        self.summaries: list[VehicleSummary] = [VehicleSummary(i) for i in ids]

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Pick a vehicle (sets {{vehicle_id}})", classes="dialog-title")
            yield OptionList(*self._options(), id="vehicles")
            yield Static("fetching make, model and year …", id="picker-status")

    def _options(self) -> list[Option]:
        options = []
        for summary in self.summaries:
            mark = "● " if summary.id == self.current else "  "
            label = f"{mark}{summary.label}   {short_id(summary.id)}"
            if summary.error:
                label += f"   ({summary.error})"
            options.append(Option(label, id=summary.id))
        return options

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        self.set_focus(option_list)
        if self.current in self.ids:
            option_list.highlighted = self.ids.index(self.current)
        self.fetch()

    def action_reload(self) -> None:
        self.fetch(refresh=True)

    @work(exclusive=True)
    async def fetch(self, refresh: bool = False) -> None:
        self.summaries = await list_vehicles(self.carman.workspace, refresh=refresh)
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(self._options())
        option_list.highlighted = highlighted
        failed = sum(1 for s in self.summaries if not s.ok)
        status = f"{len(self.summaries)} vehicle(s)" + (
            f", {failed} without details" if failed else ""
        )
        self.query_one("#picker-status", Static).update(status + " · enter picks · r reloads")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def open_vehicle_picker(app: CarmanApp) -> None:
    ids = vehicle_ids(app.workspace)
    if not ids:
        app.notify(
            "No vehicles yet: log in (ctrl+o), then send 'User / All Vehicles' to list them.",
            severity="warning",
        )
        return

    def chosen(vehicle_id: str | None) -> None:
        if vehicle_id:
            select_vehicle(app.workspace, vehicle_id)  # the header follows vehicle_id
            known = cache_for(app.workspace).get(app.workspace.environment_name, vehicle_id)
            app.notify(f"Vehicle: {known.label if known else short_id(vehicle_id)}")

    app.push_screen(VehiclePicker(ids, app.workspace.variables.get("vehicle_id")), chosen)
