"""How Smartcar can reach the receiver, in words for the screen and the CLI.

Smartcar posts only to a public HTTPS URL with a valid certificate (§7.3), so a receiver on
loopback needs a way in: a reverse SSH forward from a host the user controls (with TLS
terminated there), or a tunnel program. Over SSH, all of it runs on the machine where carman
runs, not on the laptop. The sandbox is local: it posts to the receiver directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit


def over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


@dataclass(frozen=True)
class Reach:
    callback_url: str  # what to register as the webhook's callback (and what ``copy`` copies)
    lines: list[str]  # how to make Smartcar reach it, one instruction a line
    local: bool  # True when nothing public is needed (the sandbox)


def reach(local_url: str, *, sandbox: bool, public_url: str = "", ssh: bool | None = None) -> Reach:
    parts = urlsplit(local_url)
    port = parts.port or 80
    path = parts.path or "/"
    if sandbox:
        return Reach(
            local_url,
            [
                f"Against the sandbox everything is local: it posts to {local_url}.",
                "Use this URL as the sandbox webhook's callback.",
            ],
            True,
        )
    remote = over_ssh() if ssh is None else ssh
    # Over SSH the forward starts where carman runs: the remote host, not the laptop.
    where = "run on this host, where carman runs, not on your laptop" if remote else "run here"
    target = public_url or f"https://<your-host>{path}"
    lines = [
        f"Smartcar posts only to a public HTTPS URL. Register {target} as the webhook's "
        "callback URI in the Smartcar Dashboard and forward it to this receiver:",
        f"• ssh -R 443:localhost:{port} you@your-host   ({where})",
        "  ssh forwards bytes, not TLS: Smartcar speaks HTTPS to your-host:443, and this "
        "receiver speaks plain HTTP. Terminate TLS on your-host instead: forward a local port "
        f"there (ssh -R {port}:localhost:{port} you@your-host) and run a proxy with a "
        f"certificate, e.g. caddy reverse-proxy --from your-host.example.com --to localhost:{port}",
        f"• or a tunnel program ({where}): cloudflared tunnel --url http://localhost:{port}   "
        f"or   ngrok http {port}; register the https URL it prints + {path}",
    ]
    if not public_url:
        lines.append(
            "Set public_url under [webhooks] in config.toml to the URL you registered, and "
            "copying the callback URL gives that one."
        )
    return Reach(public_url or local_url, lines, False)
