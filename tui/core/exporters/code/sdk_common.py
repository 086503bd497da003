"""What both SDK targets need from a request: the mapped call and its arguments as templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.core.exporters.code.build import query_pairs, split_query
from tui.core.exporters.code.model import CodeRequest, NotApplicable, RawJson
from tui.core.exporters.code.template import (
    Template,
    Var,
    hinted,
    is_literal,
    normalise,
    slice_hinted,
    text_of,
    variables,
)
from tui.core.smartcar.sdk_calls import NOT_JSON, SDK_HEADERS, NotMapped, SdkCall

DEFAULT_ORIGINS = {"v2": "https://api.smartcar.com", "v3": "https://vehicle.api.smartcar.com"}
OTHER_TARGETS = "Use the Python + requests, Python + httpx or JavaScript fetch target instead."


@dataclass
class SdkPlan:
    call: SdkCall
    token: Template
    origin: Template | None  # None: the SDK's default origin
    unit_system: Template | None
    vehicle_id: Template | None
    path_args: dict[str, Template]
    query: dict[str, Template]
    json_body: Any
    generic_path: Template  # under /vehicles/{id}, with the query string
    extra_headers: list[tuple[Template, Template]]
    authorization: tuple[Template, Template] | None
    caveats: list[str] = field(default_factory=list)

    def templates(self) -> list[Template]:
        found = [self.token, *self.path_args.values(), *self.query.values()]
        for item in (self.origin, self.unit_system, self.vehicle_id):
            if item is not None:
                found.append(item)
        return found


def plan(code: CodeRequest) -> SdkPlan:
    call = code.sdk
    if isinstance(call, NotMapped):
        raise NotApplicable(f"{call.reason}. {OTHER_TARGETS}")
    bearer = code.header("authorization")
    authorization = (("Authorization",), bearer) if bearer is not None else None
    token = _bearer(bearer or ())
    if token is None:
        raise NotApplicable(
            "The SDKs authenticate with a bearer token and this request sends none "
            f"(no 'Authorization: Bearer …'). {OTHER_TARGETS}"
        )
    base, query_template = split_query(code.url)

    def cut(span: tuple[int, int] | None, what: str) -> Template | None:
        if span is None:
            return None
        piece = slice_hinted(base, *span)
        if piece is None:
            raise NotApplicable(
                f"The {what} of this request is part of a variable that cannot be split. "
                + OTHER_TARGETS
            )
        return piece

    origin = cut(call.origin, "origin") or ()
    default = DEFAULT_ORIGINS["v3" if call.version == "3" else "v2"]
    origin_template = None if is_literal(origin) and text_of(origin) == default else origin
    unit = code.header("sc-unit-system")
    query = {name: value for name, value in query_pairs(query_template)}
    path = cut(call.generic_path, "path") if call.generic_path else ()
    if query_template:
        path = normalise([*(path or ()), "?", *query_template])
    extra = [
        (n, v) for n, v in code.headers if not (is_literal(n) and text_of(n).lower() in SDK_HEADERS)
    ]
    if code.body is not None and code.json_body in (None, NOT_JSON) and not call.dedicated:
        raise NotApplicable(f"The SDKs' request() sends JSON bodies only. {OTHER_TARGETS}")
    return SdkPlan(
        call=call,
        token=token,
        origin=origin_template,
        unit_system=unit,
        vehicle_id=cut(call.vehicle_id, "vehicle id"),
        path_args={name: cut(span, name) or () for name, span in call.path_args.items()},
        query=query,
        json_body=code.json_body,
        generic_path=path or (),
        extra_headers=extra,
        authorization=authorization,
    )


def _bearer(value: Template) -> Template | None:
    if not value or not isinstance(value[0], str) or not value[0].startswith("Bearer "):
        return None
    token = normalise([value[0][len("Bearer ") :], *value[1:]])
    return token or None


def ordered_variables(templates: list[Template], json_values: tuple[Any, ...] = ()) -> list[Var]:
    seen: dict[str, Var] = {}
    for template in templates:
        for var in variables(template):
            seen.setdefault(var.env, var)
    for value in json_values:
        for var in _json_vars(value):
            seen.setdefault(var.env, var)
    return list(seen.values())


def _json_vars(value: Any) -> list[Var]:
    if isinstance(value, RawJson):
        return [value.var]
    if isinstance(value, tuple):
        return list(variables(value))
    if isinstance(value, list):
        return [var for item in value for var in _json_vars(item)]
    if isinstance(value, dict):
        return [var for item in value.values() for var in _json_vars(item)]
    return []


def header_names(headers: list[tuple[Template, Template]]) -> str:
    return ", ".join(hinted(name) for name, _ in headers)
