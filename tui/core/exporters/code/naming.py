"""The environment variable a snippet reads a carman variable from.

The rule, in order:

1. In a request to Smartcar, Smartcar's credentials get the names Smartcar's SDKs and docs
   use: ``access_token`` -> ``SMARTCAR_ACCESS_TOKEN``, ``refresh_token`` ->
   ``SMARTCAR_REFRESH_TOKEN``, ``client_id`` -> ``SMARTCAR_CLIENT_ID``, ``client_secret`` ->
   ``SMARTCAR_CLIENT_SECRET``, ``redirect_uri`` -> ``SMARTCAR_REDIRECT_URI``, ``amt`` ->
   ``SMARTCAR_AMT`` (the application management token), ``app_token`` ->
   ``SMARTCAR_APP_TOKEN`` (v3's application token).
2. Everything else is upper snake case: ``vehicle_id`` -> ``VEHICLE_ID``, ``bearerToken`` ->
   ``BEARER_TOKEN``, ``api-url`` -> ``API_URL``; a leading digit gets a ``_`` in front.
3. Two variables that would share a name: the second gets ``_2`` (then ``_3``...).

A literal secret found in a header, query parameter or form field (``X-Api-Key: abc``) is read
from the environment too, named after that field by rule 2 (``X_API_KEY``).
"""

from __future__ import annotations

import re

SMARTCAR_NAMES = {
    "access_token": "SMARTCAR_ACCESS_TOKEN",
    "refresh_token": "SMARTCAR_REFRESH_TOKEN",
    "client_id": "SMARTCAR_CLIENT_ID",
    "client_secret": "SMARTCAR_CLIENT_SECRET",
    "redirect_uri": "SMARTCAR_REDIRECT_URI",
    "amt": "SMARTCAR_AMT",
    "app_token": "SMARTCAR_APP_TOKEN",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_OTHER = re.compile(r"[^A-Za-z0-9]+")


def env_name(name: str, *, smartcar: bool = False) -> str:
    if smartcar and name in SMARTCAR_NAMES:
        return SMARTCAR_NAMES[name]
    words = _OTHER.sub("_", _CAMEL.sub("_", name)).strip("_").upper()
    if not words:
        return "VALUE"
    return f"_{words}" if words[0].isdigit() else words


class EnvNames:
    """Hands out one environment name per carman name, never the same one twice."""

    def __init__(self, *, smartcar: bool) -> None:
        self.smartcar = smartcar
        self._by_name: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, name: str) -> str:
        if name in self._by_name:
            return self._by_name[name]
        base = env_name(name, smartcar=self.smartcar)
        chosen, number = base, 2
        while chosen in self._taken:
            chosen, number = f"{base}_{number}", number + 1
        self._by_name[name] = chosen
        self._taken.add(chosen)
        return chosen
