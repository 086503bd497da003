"""carman's offline Smartcar: Connect, the token endpoint and the Vehicle API in test mode.

Used as a newcomer's demo (``carman sandbox``) and as the server every test talks to. One
origin serves ``/oauth/authorize`` (Connect pages), ``/oauth/token``, ``/v2.0/...`` (Vehicle,
Compatibility and Management APIs), ``/v1.0/...`` (the same in v1.0's shapes, ``legacy_v1``),
``/oauth2/token`` and ``/v3/...`` (API v3: application tokens, signals, commands, connections,
see ``tui.sandbox.v3``; webhooks and subscriptions, delivered to your callback, see
``tui.sandbox.webhooks``) and carman's own ``/_sandbox/...`` controls.

Quick start::

    from tui.sandbox import start_sandbox

    with start_sandbox(state_dir=tmp_path, seed=1) as sandbox:
        sandbox.register_redirect_uri("http://127.0.0.1:8765/callback")
        location = sandbox.approve(connect_url_built_by_the_app, "2-vehicles@smartcar.com")
        webhook = sandbox.define_webhook("http://127.0.0.1:9000/hook", auto_subscribe=True)
        sandbox.webhooks.wait_idle()  # VERIFY and FIRST_DELIVERY sent

Fixed test credentials (documented, not secret): client id ``DEFAULT_CLIENT_ID``, secret
``DEFAULT_CLIENT_SECRET``, management token ``DEFAULT_AMT`` (also the key of webhook
signatures; ``start_sandbox(amt=...)`` sets another), v2.0 webhook ids ``WEBHOOK_IDS``. Login
emails and the vehicles they give are described in ``tui.sandbox.accounts``.
"""

from tui.sandbox.config import (
    DEFAULT_AMT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PORT,
    DEFAULT_REDIRECT_URIS,
    WEBHOOK_IDS,
)
from tui.sandbox.running import RunningSandbox, ensure_sandbox, find_running
from tui.sandbox.runtime import Sandbox, start_sandbox

__all__ = [
    "DEFAULT_AMT",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_PORT",
    "DEFAULT_REDIRECT_URIS",
    "WEBHOOK_IDS",
    "RunningSandbox",
    "Sandbox",
    "ensure_sandbox",
    "find_running",
    "start_sandbox",
]
