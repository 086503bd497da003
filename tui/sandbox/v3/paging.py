"""v3 list endpoints' paging (connections, webhooks, subscriptions): ``page[number]`` and
``page[size]``, and the page of rows with ``meta`` counts and ``links``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import errors


def positive_param(request: Request, name: str, default: int, largest: int | None) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.invalid_parameter(f"{name} must be an integer.", name) from None
    if value < 1 or (largest is not None and value > largest):
        bound = f"between 1 and {largest}" if largest is not None else "at least 1"
        raise errors.invalid_parameter(f"{name} must be {bound}.", name)
    return value


def page_of(request: Request, sizes: tuple[int, int]) -> tuple[int, int]:
    """``page[number]`` and ``page[size]`` (default and largest from ``sizes``)."""
    number = positive_param(request, "page[number]", 1, None)
    size = positive_param(request, "page[size]", sizes[0], sizes[1])
    return number, size


def page_response(
    request: Request,
    path: str,
    rows: list[dict[str, Any]],
    page: tuple[int, int],
    kept: list[str],
    extra_meta: dict[str, Any] | None = None,
) -> Response:
    """200 with the rows of page ``page`` (number, size); links keep the ``kept`` filters."""
    number, size = page
    total = len(rows)
    pages = max(1, -(-total // size))
    filters = {name: request.param(name) for name in kept if request.param(name)}

    def link(page: int) -> str:
        query = urlencode({**filters, "page[number]": page, "page[size]": size}, safe="[]")
        return f"{path}?{query}"

    meta = {"pageNumber": number, "pageSize": size, "totalCount": total, "totalPages": pages}
    return json_response(
        200,
        {
            "data": rows[(number - 1) * size : number * size],
            "meta": {**meta, **(extra_meta or {})},
            "links": {
                "self": link(number),
                "first": link(1),
                "prev": link(number - 1) if number > 1 else None,
                "next": link(number + 1) if number < pages else None,
                "last": link(pages),
            },
        },
    )
