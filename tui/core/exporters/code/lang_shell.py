"""POSIX shell words (bash, zsh): single quotes for literal text, "$NAME" for variables.

Inside single quotes nothing is special (a quote itself is written '\\''); a word with a
variable is double-quoted when its literal text holds none of $ ` \\ " ! (``!`` expands
history in an interactive bash), else literal pieces stay single-quoted around "$NAME".
"""

from __future__ import annotations

import shlex

from tui.core.exporters.code.template import Template, Var, is_literal, text_of

_DOUBLE_QUOTE_SPECIAL = frozenset('$`\\"!')


def _name(var: Var, following: str) -> str:
    # ${NAME} when the next character would otherwise continue the name.
    if following[:1].isalnum() or following[:1] == "_":
        return "${" + var.env + "}"
    return "$" + var.env


def word(template: Template) -> str:
    if is_literal(template):
        return shlex.quote(text_of(template))
    literal_text = "".join(p for p in template if isinstance(p, str))
    if not _DOUBLE_QUOTE_SPECIAL & set(literal_text):
        out = []
        for index, part in enumerate(template):
            if isinstance(part, Var):
                following = template[index + 1] if index + 1 < len(template) else ""
                out.append(_name(part, following if isinstance(following, str) else ""))
            else:
                out.append(part)
        return '"' + "".join(out) + '"'
    return "".join(
        shlex.quote(part) if isinstance(part, str) else f'"${{{part.env}}}"' for part in template
    )


def reads_comment(variables: list[Var]) -> list[str]:
    if not variables:
        return []
    lines = [f"# Reads from the environment: {', '.join(var.env for var in variables)}"]
    if any(var.query for var in variables):
        names = ", ".join(sorted({var.env for var in variables if var.query}))
        lines.append(f"# {names} go into the query string as they are: URL-encode them first.")
    return lines
