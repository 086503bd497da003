"""JavaScript + Smartcar's official Node SDK (``npm install smartcar``, 10.x; Node 18+)."""

from __future__ import annotations

from typing import Any

from tui.core.exporters.code import lang_js as js
from tui.core.exporters.code.model import CodeRequest
from tui.core.exporters.code.sdk_common import (
    OTHER_TARGETS,
    SdkPlan,
    header_names,
    ordered_variables,
    plan,
)
from tui.core.exporters.code.template import Template

# The SDK reads its origins from these at each call.
ORIGIN_VARIABLES = {"v2": "SMARTCAR_API_ORIGIN", "v3": "SMARTCAR_API_V3_ORIGIN"}


def render(code: CodeRequest) -> str:
    sdk = plan(code)
    call = sdk.call
    json_values: list[Any] = []
    templates: list[Template] = sdk.templates()
    caveats: list[str] = []
    # The generic vehicle.request() can send extra headers to any version; module-level
    # functions cannot.
    use_generic = call.scope == "vehicle" and (not call.dedicated or bool(call.extra_headers))
    if call.extra_headers and call.scope == "module":
        caveats.append(
            f"carman also sends {header_names(sdk.extra_headers)}, which "
            f"smartcar.{call.node}() cannot send. {OTHER_TARGETS}"
        )
    body: list[str] = []
    if call.scope == "module":
        args = [js.expr(sdk.token)]
        if call.node == "getVehicle":
            args.append(js.expr(sdk.vehicle_id or ()))
        elif call.node == "getVehicles" and sdk.query:
            args.append(_paging(sdk))
        if call.version not in ("2.0", "3"):
            body.append(f"smartcar.setApiVersion({js.string(call.version)});")
        body.append(f"const response = await smartcar.{call.node}({', '.join(args)});")
    else:
        body.append(_vehicle(sdk))
        if use_generic:
            body.append(_generic(sdk, templates, json_values))
        else:
            args = _args(sdk, json_values)
            body.append(f"const response = await vehicle.{call.node}({', '.join(args)});")
    body.append("console.log(JSON.stringify(response, null, 2));")

    variables = ordered_variables(templates, tuple(json_values))
    text: list[str] = ["// Node 18+; npm install smartcar"]
    text += js.reads_comment(variables)
    text += [f"// Note: {caveat}" for caveat in caveats]
    text += ['const smartcar = require("smartcar");', ""]
    if variables:
        text += [*js.environment_lines(variables), ""]
    if sdk.origin is not None:
        name = ORIGIN_VARIABLES["v3" if call.version == "3" else "v2"]
        text += [
            "// This request goes to another origin than Smartcar's.",
            f"process.env.{name} ??= {js.expr(sdk.origin)};",
            "",
        ]
    text.append("async function main() {")
    text += [f"  {line}" for line in body]
    text += [
        "}",
        "",
        "main().catch((error) => {",
        "  console.error(error);",
        "  process.exitCode = 1;",
        "});",
    ]
    code.notes.extend(caveats)
    return "\n".join(text) + "\n"


def _vehicle(sdk: SdkPlan) -> str:
    options: list[str] = []
    if sdk.unit_system is not None:
        options.append(f"unitSystem: {js.expr(sdk.unit_system)}")
    if sdk.call.version not in ("2.0", "3"):
        options.append(f"version: {js.string(sdk.call.version)}")
    args = [js.expr(sdk.vehicle_id or ()), js.expr(sdk.token)]
    if options:
        args.append("{" + ", ".join(options) + "}")
    return f"const vehicle = new smartcar.Vehicle({', '.join(args)});"


def _paging(sdk: SdkPlan) -> str:
    return "{" + ", ".join(f"{js.string(k)}: {js.expr(v)}" for k, v in sdk.query.items()) + "}"


def _args(sdk: SdkPlan, json_values: list[Any]) -> list[str]:
    out: list[str] = []
    for arg in sdk.call.args:
        if arg.kind == "path":
            out.append(js.expr(sdk.path_args[arg.key]))
        elif arg.kind == "body":
            value = sdk.json_body[arg.key]
            json_values.append(value)
            out.append(js.json_value(value, "  "))
        elif arg.kind == "paging":
            if sdk.query:
                out.append(_paging(sdk))
        else:
            out.append(js.expr(sdk.query[arg.key]) if arg.key in sdk.query else "undefined")
    while out and out[-1] == "undefined":
        out.pop()
    return out


def _generic(sdk: SdkPlan, templates: list[Template], json_values: list[Any]) -> str:
    templates.append(sdk.generic_path)
    headers = list(sdk.extra_headers)
    if sdk.call.own_authorization and sdk.authorization is not None:
        headers.insert(0, sdk.authorization)
    for name, value in headers:
        templates += [name, value]
    body = "null"
    if sdk.json_body is not None:
        json_values.append(sdk.json_body)
        body = js.json_value(sdk.json_body, "  ")
    rows = ", ".join(f"{js.expr(n)}: {js.expr(v)}" for n, v in headers)
    args = [
        js.string(sdk.call.http.lower()),
        js.expr(sdk.generic_path),
        body,
        "{" + rows + "}",
        js.string(sdk.call.version),
    ]
    return f"const response = await vehicle.request({', '.join(args)});"
