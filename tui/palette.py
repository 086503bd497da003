"""Command palette providers: every action by name, and fuzzy search over requests."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.actions import ACTIONS, key_of, show_key

if TYPE_CHECKING:
    from tui.app import CarmanApp


class ActionCommands(Provider):
    """Every action in the registry, with its key."""

    def _entries(self) -> list[tuple[str, str, str]]:
        app: CarmanApp = self.app  # type: ignore[assignment]  # Textual: App[object]; carman runs in CarmanApp
        keymap = app.workspace.config.keymap
        return [
            (spec.description, spec.action, show_key(key_of(spec, keymap)))
            for spec in ACTIONS
            if spec.id not in ("palette",)
        ]

    async def discover(self) -> Hits:
        for description, action, key in self._entries():
            yield DiscoveryHit(description, partial(self._run, action), help=key or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, action, key in self._entries():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(description),
                    partial(self._run, action),
                    help=key or None,
                )

    async def _run(self, action: str) -> None:
        # "app." actions run on the app (Textual resolves the prefix), others on the screen.
        await self.app.run_action(action, self.app.screen)


class RequestCommands(Provider):
    """Open any request by typing part of its collection, folder or name."""

    async def search(self, query: str) -> Hits:
        app: CarmanApp = self.app  # type: ignore[assignment]  # Textual: App[object]; carman runs in CarmanApp
        matcher = self.matcher(query)
        for collection in app.workspace.collections:
            for folders, request in collection.walk():
                label = " / ".join([collection.name, *folders, request.name])
                score = matcher.match(label)
                if score > 0:
                    yield Hit(
                        score,
                        matcher.highlight(label),
                        partial(app.open_request, collection, request),
                        help=f"{request.method} {request.url}",
                    )


class EnvironmentCommands(Provider):
    async def search(self, query: str) -> Hits:
        app: CarmanApp = self.app  # type: ignore[assignment]  # Textual: App[object]; carman runs in CarmanApp
        matcher = self.matcher(query)
        for name in sorted(app.workspace.environments):
            label = f"Environment: {name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(app.switch_environment, name))
