"""Judging a callback's answer to VERIFY (shared/smartcar-v3.md §7.5).

Required: HTTP 200 within the timeout and a JSON body ``{"challenge": "<hex HMAC-SHA256(AMT,
challenge)>"}``. The answer's Content-Type is not checked (carman's leniency: the body decides).
The reason is stored on the webhook and shown by the admin namespace, so it says what to fix.
"""

from __future__ import annotations

import json

from tui.core.smartcar import webhook_signing
from tui.sandbox.webhooks.transport import Answer

ANSWER_SHAPE = '{"challenge": "<hex HMAC-SHA256(AMT, challenge)>"}'


def judge(amt: str, challenge: str, answer: Answer) -> tuple[bool, str]:
    """Whether the answer passes, and a sentence saying so or why not."""
    if answer.error is not None:
        return False, answer.error
    if answer.status != 200:
        status = answer.status
        return False, f"the callback answered HTTP {status}; VERIFY needs 200 with {ANSWER_SHAPE}"
    try:
        reply = json.loads(answer.body)
    except (ValueError, UnicodeDecodeError):
        return False, f"the answer is not JSON; VERIFY needs {ANSWER_SHAPE}"
    if not isinstance(reply, dict) or "challenge" not in reply:
        return False, f'the answer has no "challenge" member; VERIFY needs {ANSWER_SHAPE}'
    if not webhook_signing.verify_challenge_answer(amt, challenge, reply["challenge"]):
        return False, (
            "the challenge answer is wrong: it must be the hex HMAC-SHA256 of the challenge, "
            "keyed with the application management token (AMT)"
        )
    return True, "the callback answered the challenge"
