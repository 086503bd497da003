"""Python + Smartcar's official SDK (``pip install smartcar``, 6.x)."""

from __future__ import annotations

from typing import Any

from tui.core.exporters.code import lang_python as py
from tui.core.exporters.code.model import CodeRequest, NotApplicable
from tui.core.exporters.code.sdk_common import (
    OTHER_TARGETS,
    SdkPlan,
    header_names,
    ordered_variables,
    plan,
)
from tui.core.exporters.code.template import Template

# The SDK reads its origins from these when it is imported.
ORIGIN_VARIABLES = {"v2": "SMARTCAR_API_ORIGIN", "v3": "SMARTCAR_VEHICLE_API_V3_ORIGIN"}


def render(code: CodeRequest) -> str:
    sdk = plan(code)
    call = sdk.call
    json_values: list[Any] = []
    templates: list[Template] = sdk.templates()
    caveats: list[str] = []
    use_generic = not call.dedicated or (call.extra_headers and call.scope == "vehicle")
    if use_generic and call.version == "3":
        if not call.dedicated:
            raise NotApplicable(
                "The Python SDK's vehicle.request() reaches only the v2.0 origin, and it has "
                f"no method for this v3 endpoint. {OTHER_TARGETS}"
            )
        use_generic = False
    if call.extra_headers and not use_generic:
        caveats.append(
            f"carman also sends {header_names(sdk.extra_headers)}, which "
            f"{_callee(call.scope, call.python)}() cannot send. {OTHER_TARGETS}"
        )

    lines: list[str] = []
    if call.scope == "module":
        args = [py.expr(sdk.token)]
        if call.python.endswith("get_vehicle"):
            args.append(py.expr(sdk.vehicle_id or ()))
        elif call.python == "get_vehicles" and sdk.query:
            args.append(_paging(sdk))
        if call.version not in ("2.0", "3"):
            lines.append(f"smartcar.set_api_version({py.string(call.version)})")
        lines.append(f"response = smartcar.{call.python}({', '.join(args)})")
    else:
        lines.append(_vehicle(sdk))
        if use_generic:
            lines.append(_generic(sdk, templates, json_values))
        else:
            lines.append(f"response = vehicle.{call.python}({', '.join(_args(sdk, json_values))})")
    lines.append("print(response)")

    variables = ordered_variables(templates, tuple(json_values))
    head = ["import os"] if variables or sdk.origin is not None else []
    if any(py.uses_json_loads(value) for value in json_values):
        head.append("import json")
    if any(var.query for var in variables):
        head.append("from urllib.parse import quote")
    text: list[str] = [*head]
    if variables:
        text += ["", *py.reads_comment(variables), *py.environment_lines(variables)]
    if sdk.origin is not None:
        name = ORIGIN_VARIABLES["v3" if call.version == "3" else "v2"]
        text += [
            "",
            "# This request goes to another origin than Smartcar's; the SDK reads it on import.",
            f'os.environ.setdefault("{name}", {py.expr(sdk.origin)})',
        ]
    text += ["", "import smartcar", ""]
    text += [f"# Note: {caveat}" for caveat in caveats]
    text += lines
    code.notes.extend(caveats)
    return "\n".join(text).lstrip("\n") + "\n"


def _callee(scope: str, name: str) -> str:
    return f"smartcar.{name}" if scope == "module" else f"vehicle.{name}"


def _vehicle(sdk: SdkPlan) -> str:
    options: list[str] = []
    if sdk.unit_system is not None:
        options.append(f'"unit_system": {py.expr(sdk.unit_system)}')
    if sdk.call.version not in ("2.0", "3"):
        options.append(f'"version": {py.string(sdk.call.version)}')
    args = [py.expr(sdk.vehicle_id or ()), py.expr(sdk.token)]
    if options:
        args.append("{" + ", ".join(options) + "}")
    return f"vehicle = smartcar.Vehicle({', '.join(args)})"


def _paging(sdk: SdkPlan) -> str:
    items = ", ".join(f"{py.string(k)}: {py.expr(v)}" for k, v in sdk.query.items())
    return "{" + items + "}"


def _args(sdk: SdkPlan, json_values: list[Any]) -> list[str]:
    out: list[str] = []
    for arg in sdk.call.args:
        if arg.kind == "path":
            out.append(py.expr(sdk.path_args[arg.key]))
        elif arg.kind == "body":
            value = sdk.json_body[arg.key]
            json_values.append(value)
            out.append(py.json_value(value))
        elif arg.kind == "paging":
            if sdk.query:
                out.append(_paging(sdk))
        elif arg.key in sdk.query:
            out.append(f"{_snake(arg.key)}={py.expr(sdk.query[arg.key])}")
    return out


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _generic(sdk: SdkPlan, templates: list[Template], json_values: list[Any]) -> str:
    templates.append(sdk.generic_path)
    args = [py.string(sdk.call.http), py.expr(sdk.generic_path)]
    if sdk.json_body is not None:
        json_values.append(sdk.json_body)
        args.append(f"body={py.json_value(sdk.json_body)}")
    headers = list(sdk.extra_headers)
    if sdk.call.own_authorization and sdk.authorization is not None:
        headers.insert(0, sdk.authorization)
    if headers:
        for name, value in headers:
            templates += [name, value]
        rows = ", ".join(f"{py.expr(n)}: {py.expr(v)}" for n, v in headers)
        args.append(f"headers={{{rows}}}")
    return f"response = vehicle.request({', '.join(args)})"
