"""The Smartcar tables in tui.core.smartcar, and the sandbox's import discipline."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.smartcar import endpoints, errors, oauth_errors, permissions

REPO = Path(__file__).resolve().parents[2]

# Spec 5.2, row by row: (type, code, HTTP status, resolution type).
SPEC_ROWS = [
    ("AUTHENTICATION", None, 401, None),
    *[
        ("BILLING", c, 430, "CONTACT_SUPPORT")
        for c in ("INVALID_PLAN", "VEHICLE_LIMIT", "VEHICLE_REQUEST_LIMIT")
    ],
    ("BILLING", "ACCOUNT_SUSPENDED", 430, "FINANCE"),
    *[
        ("COMPATIBILITY", c, 501, None)
        for c in ("MAKE_NOT_COMPATIBLE", "SMARTCAR_NOT_CAPABLE", "VEHICLE_NOT_CAPABLE")
    ],
    ("COMPATIBILITY", "PLATFORM_NOT_CAPABLE", 501, "REAUTHENTICATE"),
    *[
        ("CONNECTED_SERVICES_ACCOUNT", c, 400, None)
        for c in ("ACCOUNT_ISSUE", "NO_VEHICLES", "SUBSCRIPTION", "VEHICLE_MISSING")
    ],
    ("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED", 400, "REAUTHENTICATE"),
    ("CONNECTED_SERVICES_ACCOUNT", "PERMISSION", 400, "REAUTHENTICATE"),
    ("CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED", 400, "ACTION_REQUIRED"),
    ("PERMISSION", None, 403, "REAUTHENTICATE"),
    ("RATE_LIMIT", "SMARTCAR_API", 429, "RETRY_LATER"),
    ("RATE_LIMIT", "VEHICLE", 429, "RETRY_LATER"),
    ("RESOURCE_NOT_FOUND", "PATH", 404, None),
    ("RESOURCE_NOT_FOUND", "VERSION", 404, None),
    ("SERVER", "INTERNAL", 500, "RETRY_LATER"),
    ("SERVER", "RECORD_NOT_FOUND", 500, "CONTACT_SUPPORT"),
    ("SERVER", "MULTIPLE_RECORDS_FOUND", 500, "CONTACT_SUPPORT"),
    *[
        ("UPSTREAM", c, 502, "RETRY_LATER")
        for c in ("INVALID_DATA", "KNOWN_ISSUE", "NO_RESPONSE", "RATE_LIMIT", "UNKNOWN_ISSUE")
    ],
    ("VALIDATION", None, 400, None),
    ("VALIDATION", "PARAMETER", 400, None),
    *[
        ("VEHICLE_STATE", c, 409, None)
        for c in (
            "ASLEEP",
            "CHARGING_IN_PROGRESS",
            "CHARGING_PLUG_CONNECTED",
            "CHARGING_PLUG_NOT_CONNECTED",
            "DOOR_OPEN",
            "FULLY_CHARGED",
            "NOT_CHARGING",
            "CHARGE_FAULT",
            "HOOD_OPEN",
            "IGNITION_ON",
            "IN_MOTION",
            "REMOTE_ACCESS_DISABLED",
            "TRUNK_OPEN",
            "UNREACHABLE",
            "VEHICLE_OFFLINE_FOR_SERVICE",
        )
    ],
    ("VEHICLE_STATE", "UNKNOWN", 409, "RETRY_LATER"),
    ("VEHICLE_STATE", "LOW_BATTERY", 409, "RETRY_LATER"),
]


@pytest.mark.parametrize(("error_type", "code", "status", "resolution"), SPEC_ROWS)
def test_error_table_matches_the_spec(
    error_type: str, code: str | None, status: int, resolution: str | None
) -> None:
    row = errors.lookup(error_type, code)
    assert row is not None
    assert (row.status, row.resolution) == (status, resolution)
    assert row.description.endswith(".") and row.hint


def test_error_table_has_no_extra_rows_and_helpers_work() -> None:
    assert len(errors.ERRORS) == len(SPEC_ROWS) == len(errors.BY_KEY)
    assert errors.lookup("vehicle_state", "asleep") is errors.BY_KEY[("VEHICLE_STATE", "ASLEEP")]
    assert errors.lookup("NOPE") is None
    assert errors.doc_url("VEHICLE_STATE", "DOOR_OPEN") == (
        "https://smartcar.com/docs/errors/api-errors/vehicle-state-errors#door-open"
    )
    assert errors.doc_url("PERMISSION", None).endswith("/permission-errors")
    body = errors.error_body("RATE_LIMIT", "VEHICLE", "rid", detail=[{"x": 1}])
    assert list(body) == [
        "type",
        "code",
        "description",
        "docURL",
        "statusCode",
        "requestId",
        "resolution",
        "suggestedUserMessage",
        "detail",
    ]
    virtual_key = errors.error_body("CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED", "r")
    assert virtual_key["resolution"]["url"].startswith("https://www.tesla.com/")
    assert {e.error for e in oauth_errors.CONNECT_ERRORS} >= {
        "access_denied",
        "vehicle_incompatible",
        "no_vehicles",
        "configuration_error",
    }
    assert "invalid_client" in oauth_errors.TOKEN_BY_ERROR


def test_permission_table() -> None:
    assert len(permissions.READ_PERMISSIONS) == 22 and len(permissions.CONTROL_PERMISSIONS) == 6
    assert permissions.meaning("required:read_vin").startswith("The VIN")
    assert permissions.meaning("read_nothing") == ""
    parsed = permissions.parse_scope("read_vin required:read_odometer read_vin required:read_vin")
    assert [(i.name, i.required) for i in parsed] == [("read_vin", True), ("read_odometer", True)]


def test_endpoint_table() -> None:
    assert endpoints.find("GET", "/") is endpoints.find("GET", "")
    assert endpoints.find("GET", "/fuel").capable("PHEV", "CHEVROLET")
    assert not endpoints.find("GET", "/fuel").capable("BEV", "TESLA")
    compass = endpoints.find("GET", "/{make}/compass")
    assert compass.capable("BEV", "TESLA") and not compass.capable("BEV", "AUDI")
    assert endpoints.make_specific_path("/TESLA/compass") == ("TESLA", "/{make}/compass")
    assert endpoints.make_specific_path("/charge/limit") is None
    every_permission = {e.permission for e in endpoints.ENDPOINTS if e.permission}
    assert every_permission <= set(permissions.BY_NAME)


def test_core_tables_import_no_ui_library() -> None:
    code = (
        "import sys, tui.core.smartcar, tui.core.smartcar.endpoints;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_sandbox_imports_only_what_it_may() -> None:
    allowed_carman = ("tui.sandbox", "tui.core.smartcar", "tui.core.paths", "tui.core.atomic")
    for path in sorted((REPO / "tui" / "sandbox").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "tui":
                    assert name.startswith(allowed_carman) or name == "tui", (path, name)
                else:
                    assert name.split(".")[0] in sys.stdlib_module_names, (path, name)
