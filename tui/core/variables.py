"""Postman-style ``{{name}}`` variables with layers.

Layers, lowest first: environment < collection < session. The session layer holds values
captured from responses or edited by hand. Dynamic providers (``access_token`` from the token
store) answer only when no layer defines the name. Listeners hear about every change so URL
previews can re-render.
"""

from __future__ import annotations

import builtins
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tui.core.masking import is_secret_name, mask_value

VARIABLE = re.compile(r"\{\{\s*([^{}\s]+?)\s*\}\}")
LAYERS = ("environment", "collection", "session")
MAX_NESTING = 5
# One resolve may substitute this many times and produce this many characters by substitution.
# Why: without a cap, {{a}} = "{{a}}{{a}}..." or a chain of values that each repeat the next
# one 30 times grows exponentially with the nesting (a "billion laughs"), freezing the UI,
# which resolves the URL preview on every keystroke. What is over the cap stays unresolved.
MAX_SUBSTITUTIONS = 10_000
MAX_RESOLVED_LENGTH = 10_000_000

Listener = Callable[[str, str], None]  # (layer, name) -> None
Provider = Callable[[], str | None]


def variable_names(text: str) -> list[str]:
    """The distinct ``{{names}}`` in ``text``, in order of appearance."""
    seen: list[str] = []
    for match in VARIABLE.finditer(text):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def _dynamic(name: str) -> str | None:
    # A few of Postman's dynamic variables, so imported collections keep working.
    if name == "$guid" or name == "$randomUUID":
        return str(uuid.uuid4())
    if name == "$timestamp":
        return str(int(time.time()))
    if name == "$isoTimestamp":
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return None


@dataclass(frozen=True)
class Resolution:
    text: str
    unresolved: tuple[str, ...]


@dataclass(frozen=True)
class VariableInfo:
    name: str
    value: str
    layer: str
    source: str  # where the layer came from: environment name, collection name, "captured"...

    @property
    def secret(self) -> bool:
        return is_secret_name(self.name)

    @property
    def display(self) -> str:
        return mask_value(self.value) if self.secret else self.value


class _Budget:
    """What one resolve may still do (see MAX_SUBSTITUTIONS)."""

    def __init__(self, substitutions: int, characters: int) -> None:
        self.substitutions = substitutions
        self.characters = characters

    def take(self) -> bool:
        self.substitutions -= 1
        return self.substitutions >= 0 and self.characters >= 0

    def produce(self, length: int) -> bool:
        self.characters -= length
        return self.characters >= 0


class VariableStore:
    def __init__(self) -> None:
        self._layers: dict[str, dict[str, str]] = {layer: {} for layer in LAYERS}
        self._sources: dict[str, str] = {layer: "" for layer in LAYERS}
        self._providers: dict[str, Provider] = {}
        self._listeners: list[Listener] = []

    # -- layers ----------------------------------------------------------------------------
    def set_layer(self, layer: str, values: dict[str, str], source: str = "") -> None:
        self._check(layer)
        self._layers[layer] = dict(values)
        self._sources[layer] = source
        self._notify(layer, "*")

    def layer(self, layer: str) -> dict[str, str]:
        self._check(layer)
        return dict(self._layers[layer])

    def set(self, name: str, value: str, layer: str = "session") -> None:
        self._check(layer)
        if self._layers[layer].get(name) == value:
            return
        self._layers[layer][name] = value
        self._notify(layer, name)

    def delete(self, name: str, layer: str = "session") -> None:
        self._check(layer)
        if self._layers[layer].pop(name, None) is not None:
            self._notify(layer, name)

    def add_provider(self, name: str, provider: Provider) -> None:
        self._providers[name] = provider

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- lookup ----------------------------------------------------------------------------
    def get(self, name: str) -> str | None:
        for layer in reversed(LAYERS):
            if name in self._layers[layer]:
                return self._layers[layer][name]
        provider = self._providers.get(name)
        if provider is not None:
            value = provider()
            if value is not None:
                return value
        return _dynamic(name)

    def is_defined(self, name: str) -> bool:
        return self.get(name) is not None

    def describe(self) -> list[VariableInfo]:
        """Every variable by layer (shadowed ones included), for the variables screen."""
        infos = [
            VariableInfo(name, value, layer, self._sources[layer])
            for layer in LAYERS
            for name, value in sorted(self._layers[layer].items())
        ]
        for name, provider in sorted(self._providers.items()):
            value = provider()
            if value is not None:
                infos.append(VariableInfo(name, value, "dynamic", "token store"))
        return infos

    def secret_values(self) -> builtins.set[str]:  # `set` here is the method above
        """Values of secret-named variables: the masker redacts them from any text."""
        values = {
            value
            for layer in LAYERS
            for name, value in self._layers[layer].items()
            if is_secret_name(name) and value
        }
        for name, provider in self._providers.items():
            value = provider()
            if value and is_secret_name(name):
                values.add(value)
        return values

    # -- templating ------------------------------------------------------------------------
    def resolve(self, text: str, *, masked: bool = False) -> Resolution:
        unresolved: list[str] = []
        budget = _Budget(MAX_SUBSTITUTIONS, MAX_RESOLVED_LENGTH)
        return Resolution(self._resolve(text, masked, unresolved, (), budget), tuple(unresolved))

    def _resolve(
        self,
        text: str,
        masked: bool,
        unresolved: list[str],
        expanding: tuple[str, ...],
        budget: _Budget,
    ) -> str:
        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            # A name inside its own value ({{a}} = "{{a}}") is a cycle: never followed.
            cycle = name in expanding
            value = None if cycle or not budget.take() else self.get(name)
            if value is None or len(expanding) >= MAX_NESTING:
                if name not in unresolved:
                    unresolved.append(name)
                return match.group(0)
            if masked and is_secret_name(name):
                return mask_value(value)
            # Values may themselves hold variables ({{api_url}} = "{{base}}/v2.0").
            expanded = self._resolve(value, masked, unresolved, (*expanding, name), budget)
            if not budget.produce(len(expanded)):
                if name not in unresolved:
                    unresolved.append(name)
                return match.group(0)
            return expanded

        return VARIABLE.sub(substitute, text)

    def unresolved_in(self, texts: Iterable[str]) -> list[str]:
        missing: list[str] = []
        for text in texts:
            for name in self.resolve(text).unresolved:
                if name not in missing:
                    missing.append(name)
        return missing

    # -- internals -------------------------------------------------------------------------
    def _check(self, layer: str) -> None:
        if layer not in self._layers:
            raise ValueError(f"unknown variable layer {layer!r} (one of: {', '.join(LAYERS)})")

    def _notify(self, layer: str, name: str) -> None:
        for listener in list(self._listeners):
            listener(layer, name)
