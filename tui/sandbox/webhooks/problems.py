"""Why the webhook engine refuses a request: the exceptions its Python API raises.

The admin namespace turns them into 400 / 404 answers, the Management API into v3 errors.
(Bad definitions raise ``definitions.DefinitionError``; a second subscription
``subscriptions.AlreadySubscribed``.)
"""

from __future__ import annotations


class NotFound(LookupError):
    """A webhook, vehicle or subscription that does not exist (``name``: the field)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class Refused(ValueError):
    """A request the engine cannot carry out as asked (``name``: the field at fault)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
