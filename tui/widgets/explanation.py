"""Renders a Smartcar error explanation (from tui.core.smartcar.explainer) for the response pane:
an error answer, or a successful v3 signals answer whose signals failed one by one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from tui.core.exchange import Exchange
from tui.core.model import Request
from tui.core.smartcar.explainer import Explanation, explain
from tui.core.smartcar.vehicles import current_vehicle

if TYPE_CHECKING:
    from tui.app import CarmanApp


def render(explanation: Explanation) -> Text:
    text = Text()
    text.append("ⓘ ", style="bold yellow")
    text.append(explanation.title, style="bold")
    if explanation.description:
        text.append(f"\n{explanation.description}")
    for detail in explanation.details:
        text.append(f"\n  {detail}", style="italic")
    for line in explanation.advice:
        text.append("\n• ", style="bold yellow")
        text.append(line)
    if explanation.resolution:
        text.append("\nResolution: ", style="bold")
        text.append(explanation.resolution)
    if explanation.resolution_url:
        text.append(
            f"\n  {explanation.resolution_url}",
            style=f"underline link {explanation.resolution_url}",
        )
    if explanation.suggested_user_message:
        text.append("\nTell the owner: ", style="dim")
        text.append(explanation.suggested_user_message, style="italic")
    if explanation.docs_url:
        text.append("\nDocs: ", style="dim")
        text.append(explanation.docs_url, style=f"underline link {explanation.docs_url}")
    return text


def explanation_for(
    app: CarmanApp,
    exchange: Exchange,
    request: Request | None,
    granted: Iterable[str] | None = None,
) -> Explanation | None:
    # A 2xx is explained too when it is a v3 signals answer with failed signals.
    if exchange.response is None:
        return None
    vehicle = current_vehicle(app.workspace)
    label = vehicle.label if vehicle is not None and vehicle.ok else None
    return explain(exchange, request=request, granted_permissions=granted, vehicle_label=label)


def render_explanation(
    app: CarmanApp,
    exchange: Exchange,
    request: Request | None,
    granted: Iterable[str] | None = None,
) -> Text | None:
    found = explanation_for(app, exchange, request, granted)
    return render(found) if found is not None else None
