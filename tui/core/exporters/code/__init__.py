"""Copy a request as working code: curl, HTTPie, Python (httpx, requests, Smartcar's SDK),
JavaScript (fetch, Smartcar's Node SDK) and Go.

    code = build_code_request(workspace, collection, request, CodeOptions(resolve=False))
    snippet = generate(code, "python-sdk")      # raises NotApplicable with the reason

``build`` turns the request into templates from carman's own prepare(); each target module
renders them; ``generate`` adds the last check that no known secret is in the text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tui.core.exporters.code.build import CodeOptions, build_code_request
from tui.core.exporters.code.model import CodeRequest, NotApplicable
from tui.core.exporters.code.registry import BY_ID, DEFAULT_TARGET, TARGETS, Target
from tui.core.exporters.code.template import Var
from tui.core.masking import MASK

__all__ = [
    "BY_ID",
    "DEFAULT_TARGET",
    "TARGETS",
    "CodeOptions",
    "CodeRequest",
    "NotApplicable",
    "Snippet",
    "Target",
    "available",
    "build_code_request",
    "generate",
]


@dataclass(frozen=True)
class Snippet:
    target: Target
    text: str
    variables: tuple[Var, ...]  # the environment variables the snippet reads
    notes: tuple[str, ...]  # caveats, said in the snippet and to the user


def generate(code: CodeRequest, target_id: str) -> Snippet:
    """The snippet for ``target_id``; NotApplicable (with the reason) when it cannot be."""
    target = BY_ID.get(target_id)
    if target is None:
        known = ", ".join(t.id for t in TARGETS)
        raise NotApplicable(f"No target {target_id!r} (one of: {known})")
    work = dataclasses.replace(code, notes=list(code.notes))
    text = target.render(work)
    notes = list(work.notes)
    # The last line of defence: a known secret that reached the text some other way.
    leaked = [s for s in sorted(code.known_secrets, key=len, reverse=True) if s in text]
    for secret in leaked:
        text = text.replace(secret, MASK)
    if leaked:
        notes.append(
            "A secret value was found in the snippet and masked; keep secrets in "
            "secret-named variables so the snippet reads them from the environment."
        )
    return Snippet(target, text, tuple(_used(code, text)), tuple(notes))


def available(code: CodeRequest) -> list[tuple[Target, str | None]]:
    """Each target, with None when it can send the request, else the reason it cannot."""
    out: list[tuple[Target, str | None]] = []
    for target in TARGETS:
        try:
            generate(code, target.id)
        except NotApplicable as exc:
            out.append((target, str(exc)))
        else:
            out.append((target, None))
    return out


def _used(code: CodeRequest, text: str) -> list[Var]:
    return [var for var in code.variables if var.env in text]
