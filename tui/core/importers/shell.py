"""Splitting a pasted shell command into words, as a POSIX shell would.

``shlex`` does the splitting; this module first rewrites what ``shlex`` does not know:
``$'...'`` ANSI-C strings (decoded and re-quoted), backslash-newline continuations, ``#``
comments, and ``$NAME`` / ``${NAME}`` outside single quotes, which become ``{{NAME}}`` (the
shell would have put the variable's value there; carman's variables play that part).
"""

from __future__ import annotations

import re
import shlex

from tui.core.importers.report import ImportFailed

_NAME = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_HEX = "0123456789abcdefABCDEF"


def _ansi_c(text: str, start: int) -> tuple[str, int]:
    """Decode a ``$'...'`` string whose body starts at ``start``; returns (value, end)."""
    out: list[str] = []
    index = start
    while index < len(text):
        char = text[index]
        if char == "'":
            return "".join(out), index + 1
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        index += 2
        if code in _SIMPLE:
            out.append(_SIMPLE[code])
        elif code in "01234567":
            digits = code
            while len(digits) < 3 and index < len(text) and text[index] in "01234567":
                digits += text[index]
                index += 1
            out.append(chr(int(digits, 8) & 0xFF))
        elif code in "xuU":
            limit = {"x": 2, "u": 4, "U": 8}[code]
            digits = ""
            while len(digits) < limit and index < len(text) and text[index] in _HEX:
                digits += text[index]
                index += 1
            value = int(digits, 16) if digits else None
            if value is None or value > 0x10FFFF:
                out.append("\\" + code + digits)
            else:
                out.append(chr(value))
        elif code == "c" and index < len(text):
            out.append(chr(ord(text[index]) & 0x1F))
            index += 1
        else:
            out.append("\\" + code)
    raise ImportFailed("unterminated $'...' string in the command")


def _rewrite(command: str, variables: list[str]) -> str:
    out: list[str] = []
    text = command.replace("\r\n", "\n")
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote == "'":
            out.append(char)
            quote = "" if char == "'" else quote
            index += 1
            continue
        if char == "\\" and index + 1 < len(text):
            if text[index + 1] == "\n":  # a line continuation
                index += 2
                continue
            if quote == '"' and text[index + 1] in "$`":
                out.append(text[index + 1])  # shlex would keep the backslash; a shell does not
            else:
                out.append(text[index : index + 2])
            index += 2
            continue
        if char == "$":
            if not quote and text.startswith("$'", index):
                value, index = _ansi_c(text, index + 2)
                out.append(shlex.quote(value))
                continue
            found = _NAME.match(text, index)
            if found:
                name = found.group(1) or found.group(2)
                variables.append(name)
                out.append("{{" + name + "}}")
                index = found.end()
                continue
        if not quote and char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        if char == '"':
            quote = "" if quote == '"' else '"'
        elif char == "'" and not quote:
            quote = "'"
        out.append(char)
        index += 1
    return "".join(out)


def shell_words(command: str) -> tuple[list[str], list[str]]:
    """``(words, shell variable names turned into {{names}})``; ImportFailed on bad quoting."""
    variables: list[str] = []
    rewritten = _rewrite(command, variables)
    try:
        words = shlex.split(rewritten, posix=True)
    except ValueError as exc:
        raise ImportFailed(f"cannot split the command: {exc} (an unbalanced quote?)") from None
    return words, list(dict.fromkeys(variables))
