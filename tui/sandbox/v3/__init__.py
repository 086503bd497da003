"""Smartcar API v3 in the sandbox: application tokens, vehicles, signals, commands, connections.

Modules, one job each: ``settings`` (the switches of shared/smartcar-v3.md §10.1), ``errors``
(the §8 envelope), ``app_tokens`` (``POST /oauth2/token``, client credentials), ``access``
(who is calling: application token + ``sc-user-id``, or a legacy v2.0 token), ``connections``
(``/v3/connections``, ``/v3/users``), ``resources`` (vehicle resource, envelopes, timestamps),
``signal_values`` and ``signals`` (``/v3/vehicles/{id}/signals``), ``commands`` and
``schedules`` (``/v3/vehicles/{id}/commands/...``, ``/charge-schedules/...``), and ``routes``,
which dispatches ``/v3/...``. Kept free of imports so ``context`` can import ``settings``.
"""
