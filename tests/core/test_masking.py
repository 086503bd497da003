"""Which names are secret, and how values and JSON bodies are masked."""

from __future__ import annotations

from tui.core.formatting import format_body
from tui.core.masking import MASK, is_secret_name, mask_authorization, mask_json_secrets, redact


def test_secret_names() -> None:
    for name in ("access_token", "client_secret", "Password", "X-Api-Key", "amt", "code"):
        assert is_secret_name(name), name
    for name in ("vehicle_id", "api_url", "unit_system", "amount"):
        assert not is_secret_name(name), name


def test_masks_hide_everything() -> None:
    assert mask_authorization("Bearer abc.def") == f"Bearer {MASK}"
    assert redact("x=tok-123456 y=tok-123456", {"tok-123456"}) == f"x={MASK} y={MASK}"


def test_json_secret_fields_are_masked_but_error_codes_stay() -> None:
    body = {
        "access_token": "a1b2c3d4",
        "token_type": "Bearer",
        "code": "DOOR_OPEN",
        "nested": [{"refresh_token": "r9r9r9r9"}],
    }
    masked, hidden = mask_json_secrets(body)
    assert masked == {
        "access_token": MASK,
        "token_type": "Bearer",
        "code": "DOOR_OPEN",
        "nested": [{"refresh_token": MASK}],
    }
    assert hidden == {"a1b2c3d4", "r9r9r9r9"}
    formatted = format_body(b'{"access_token": "a1b2c3d4"}', "application/json")
    assert "a1b2c3d4" not in "\n".join(formatted.lines)
    assert formatted.revealed is not None and "a1b2c3d4" in "\n".join(formatted.revealed)
    assert formatted.document == {"access_token": "a1b2c3d4"}  # the filter sees the real value
