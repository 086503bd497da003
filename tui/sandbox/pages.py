"""The HTML pages of the sandbox's Connect: plain forms, no JavaScript, no cookies.

Element ids follow the ones Smartcar's own Connect uses (preamble ``button#continue-button``,
``button#<MAKE>.brand-list-item``, ``#username``, ``#password``, ``#sign-in-button``,
``#approval-button``), so browser automation written for one works on the other. Every page
also has a "Back to application" button (``#back-to-application-button``), which ends Connect
with ``user_manually_returned_to_application``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from tui.core.smartcar import permissions as permission_table
from tui.sandbox import catalog

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;
color:#1d2330;background:#f6f7f9}
h1{font-size:1.4rem}.card{background:#fff;border:1px solid #d8dce3;border-radius:8px;
padding:1rem 1.25rem;margin:1rem 0}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;
border-radius:6px;border:1px solid #8893a6;background:#fff;cursor:pointer}
button.primary{background:#1f5eff;color:#fff;border-color:#1f5eff}
.brand-list-item{display:block;width:100%;text-align:left}
label{display:block;margin:.5rem 0 .2rem}input[type=text],input[type=password]{width:100%;
padding:.45rem;box-sizing:border-box}.required{color:#b3261e;font-size:.85em}
.note{color:#5b6475;font-size:.9em}.error{color:#b3261e}code{font-size:.9em}
"""

_EMAIL_HINTS = (
    ("anything@example.com", "one vehicle of the chosen brand"),
    ("2-vehicles@smartcar.com", "an electric and a petrol car (N-vehicles@: N vehicles)"),
    (
        "<VIN>@bev.smartcar.com",
        "a vehicle with that VIN; levels compatible, phev, bev, fuel, incompatible, dinosaur",
    ),
    ("VEHICLE_STATE.ASLEEP@smartcar.com", "every data call answers that error"),
    ("smartcar@vehicle-incompatible.com", "Connect ends with vehicle_incompatible"),
    ("smartcar@server-error.com", "Connect ends with server_error"),
)


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · carman sandbox</title><style>{_STYLE}</style></head>"
        f'<body><p class="note">carman sandbox · Smartcar Connect (test mode)</p>'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )


def _hidden(session_id: str, step: str) -> str:
    return (
        f'<input type="hidden" name="session" value="{escape(session_id)}">'
        f'<input type="hidden" name="step" value="{escape(step)}">'
    )


def _back_button() -> str:
    return (
        '<button type="submit" name="action" value="return" id="back-to-application-button">'
        "Back to application</button>"
    )


def preamble_page(session_id: str, client_id: str) -> str:
    return _page(
        "Connect your vehicle",
        f'<form method="post" action="/oauth/authorize" class="card">'
        f"{_hidden(session_id, 'preamble')}"
        f"<p>The application <code>{escape(client_id)}</code> uses Smartcar to connect to "
        f"your vehicle. You will pick your vehicle's brand, sign in to its connected "
        f"services account and choose what the application may see and do.</p>"
        f'<p><button type="submit" id="continue-button" class="primary">Continue</button> '
        f"{_back_button()}</p></form>",
    )


def error_page(message: str) -> str:
    return _page(
        "Connect cannot start",
        f'<div class="card"><p class="error">{escape(message)}</p>'
        f'<p class="note">Check the Connect URL your application built.</p></div>',
    )


def brand_page(session_id: str, country: str) -> str:
    buttons = "".join(
        f'<button type="submit" name="brand" value="{escape(make)}" '
        f'id="{escape(make.replace(" ", "_"))}" '
        f'class="brand-list-item">{escape(make.title())}</button>'
        for make in catalog.makes_for_country(country)
    )
    return _page(
        "Select your vehicle's brand",
        f'<form method="post" action="/oauth/authorize" class="card">'
        f"{_hidden(session_id, 'brand')}{buttons}<p>{_back_button()}</p></form>"
        f'<p class="note">Country: {escape(country)}</p>',
    )


def login_page(session_id: str, make: str, message: str = "", email: str = "") -> str:
    hints = "".join(f"<li><code>{escape(e)}</code> — {escape(m)}</li>" for e, m in _EMAIL_HINTS)
    error = f'<p class="error">{escape(message)}</p>' if message else ""
    return _page(
        f"Sign in to {make.title()}",
        f'<form method="post" action="/oauth/authorize" class="card">'
        f"{_hidden(session_id, 'login')}{error}"
        f'<label for="username">Email</label>'
        f'<input type="text" id="username" name="username" value="{escape(email)}" '
        f'autocomplete="username" autofocus>'
        f'<label for="password">Password</label>'
        f'<input type="password" id="password" name="password" '
        f'autocomplete="current-password">'
        f'<p><button type="submit" id="sign-in-button" class="primary">Sign in'
        f"</button> {_back_button()}</p></form>"
        f'<div class="card note"><p>Test mode: any email and any password sign in. '
        f"Special emails:</p><ul>{hints}</ul></div>",
    )


def grant_page(
    session_id: str,
    client_id: str,
    vehicles: list[dict[str, Any]],
    scope: list[dict[str, Any]],
    single_select: bool,
    message: str = "",
) -> str:
    kind = "radio" if single_select else "checkbox"
    rows = "".join(
        f'<label><input type="{kind}" name="vehicle" value="{escape(v["id"])}"'
        f"{' checked' if (not single_select or i == 0) else ''}> "
        f"{v['year']} {escape(v['make'])} {escape(v['model'])} "
        f'<span class="note">VIN {escape(v["vin"])}</span></label>'
        for i, v in enumerate(vehicles)
    )
    items = "".join(
        f"<li><strong>{escape(s['name'])}</strong> — "
        f"{escape(permission_table.meaning(s['name']) or 'unknown permission')}"
        f"{' <span class=required>required:</span>' if s['required'] else ''}</li>"
        for s in scope
    )
    error = f'<p class="error">{escape(message)}</p>' if message else ""
    return _page(
        "Allow access to your vehicle?",
        f'<form method="post" action="/oauth/authorize" class="card">'
        f"{_hidden(session_id, 'grant')}{error}"
        f"<p>The application <code>{escape(client_id)}</code> asks to:</p>"
        f"<ul>{items}</ul><p>Vehicles:</p>{rows}"
        f'<p><button type="submit" name="action" value="approve" id="approval-button" '
        f'class="primary">Allow</button> '
        f'<button type="submit" name="action" value="deny" id="deny-button">'
        f"Deny access</button> {_back_button()}</p></form>",
    )
