"""OAuth2 authorization-code login (Smartcar Connect or any provider) and token upkeep.

    authorize      the Connect URL
    callback       what a redirect back carries, in words; the pasted-URL fallback
    listener       the loopback callback listener (stdlib http.server in a thread)
    token_client   code exchange and refresh at the token endpoint
    token_store    tokens on disk, per (environment, client id), safe across processes
    manager        TokenManager (the send pipeline's token source) and LoginFlow

Modules are imported directly (``from tui.core.oauth.manager import TokenManager``) so that
nothing here is loaded before the first OAuth2 request needs it.
"""
