"""Fixed values of the sandbox: the test client, the management token, lifetimes, webhooks.

They are documented and not secret: the sandbox only listens on loopback by default and holds
no real data.
"""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700  # the CLI's default; the Python API picks an ephemeral port
# carman's in-process sandbox: 8700 or one of the next ports, the same one every run.
PORT_SEARCH = 20
PORT_FILE = "in-process-port"

# The registered test application. Overridable with --client-id/--client-secret.
DEFAULT_CLIENT_ID = "5a4db0c5-0000-4000-8000-ca7a11c11e47"
DEFAULT_CLIENT_SECRET = "carman-sandbox-secret"
# Application Management Token: Basic "default:<AMT>" for /management, Bearer for unsubscribe.
DEFAULT_AMT = "carman-sandbox-amt"
DEFAULT_REDIRECT_URIS = (
    "http://localhost:8000/exchange",
    "http://127.0.0.1:8000/exchange",
)

# Webhook ids that exist in the sandbox; subscribing to any other id is a VALIDATION error.
WEBHOOK_IDS: dict[str, str] = {
    "5a4db0c5-0000-4000-8000-0000000000a1": "Scheduled vehicle data (every hour)",
    "5a4db0c5-0000-4000-8000-0000000000a2": "Charging events",
}

ACCESS_TOKEN_TTL = 7200  # seconds, like Smartcar
REFRESH_TOKEN_TTL = 60 * 24 * 3600  # 60 days
# Smartcar's docs say both "1 minute" and "10 minutes" for how long a rotated refresh token
# keeps working; carman's sandbox uses the shorter one so clients are tested strictly.
REFRESH_GRACE = 60
CODE_TTL = 600  # an authorization code lives 10 minutes
SESSION_TTL = 1800  # a Connect session (pages between authorize and redirect) lives 30 minutes

STATE_FILE = "state.json"
RUNNING_FILE = "running.json"
FORCED_RETRY_AFTER = 60  # seconds in the Retry-After of a forced RATE_LIMIT.VEHICLE error
# The name Smartcar puts in the "<app name>" of its suggested user messages.
APP_NAME = "carman sandbox"
