"""Which values are secret, and how they are shown."""

from __future__ import annotations

import re
from collections.abc import Collection

# A name is secret when it contains one of these words (case-insensitive):
# access_token, client_secret, password, api_key, X-Api-Key, amt_key ...
SECRET_WORDS = ("token", "secret", "password", "key", "authorization")
# Exact names that are secret without containing a secret word: Smartcar's management token,
# and an authorization code held in a variable.
SECRET_NAMES = ("amt", "code")
# JSON fields that match a secret name but are not secrets (Smartcar's "code": "DOOR_OPEN").
PUBLIC_JSON_FIELDS = ("code", "token_type")
MASK = "••••••"


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_NAMES or any(word in lowered for word in SECRET_WORDS)


def mask_value(value: str) -> str:
    """Hide a secret entirely (even a prefix would land in screenshots and shared screens)."""
    return MASK if value else value


def mask_authorization(value: str) -> str:
    """Keep the scheme of an Authorization header, hide the credentials."""
    scheme, _, credentials = value.partition(" ")
    if credentials:
        return f"{scheme} {MASK}"
    return MASK


def redact(text: str, secrets: Collection[str]) -> str:
    """Replace every occurrence of each known secret value in ``text`` by the mask."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def redact_auth_schemes(text: str) -> str:
    """Mask credentials that follow ``Bearer`` / ``Basic`` anywhere in free text."""
    return _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)


def mask_json_secrets(value: object) -> tuple[object, set[str]]:
    """A copy of a JSON value with secret-named string fields masked, and the values hidden.

    For showing a token endpoint's answer on screen: the layout stays, the tokens do not.
    """
    hidden: set[str] = set()

    def walk(node: object) -> object:
        if isinstance(node, dict):
            out: dict[str, object] = {}
            for key, item in node.items():
                secret = isinstance(item, str) and item and is_secret_name(str(key))
                if secret and str(key).lower() not in PUBLIC_JSON_FIELDS:
                    hidden.add(item)
                    out[key] = MASK
                    continue
                out[key] = walk(item)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(value), hidden
