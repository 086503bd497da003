"""Smartcar v3 webhooks in the sandbox: definitions, subscriptions, the Management API, delivery.

Modules, one job each:

* ``definitions`` — a webhook's record (name, callback, data signals, triggers, schedule,
  auto-subscribe, verification), checked and stored in the sandbox state;
* ``subscriptions`` — vehicles subscribed to webhooks, tied to the connection they came from;
* ``resources`` — the Management API's JSON:API shapes of both;
* ``management`` — ``/v3/webhooks`` and ``/v3/subscriptions`` (and the blog's aliases);
* ``vehicle_errors`` — errors carman's admin call raises on a vehicle's signals and resolves;
* ``snapshot`` — a vehicle's signals as a delivery carries them (the v3 signals' values, in the
  webhook unit vocabulary);
* ``payloads`` — VERIFY, VEHICLE_STATE and VEHICLE_ERROR events, stamped and encoded;
* ``jobs`` — an event for a webhook and subscription, ready to send;
* ``planning`` — what a dispatcher round finds due (VERIFYs, FIRST_DELIVERYs, schedule slots);
* ``sender`` — the bounded queue and the sender threads;
* ``transport`` — one POST to a callback, with a timeout;
* ``verification`` — judging the answer to VERIFY;
* ``outbox`` — one attempt (stamp, sign, send, log), retries on the sandbox clock;
* ``delivery_log`` — what was sent, answered and retried, for tests and the admin namespace;
* ``settings`` — timeouts, retry delays, catch-up; ``problems`` — the API's exceptions;
* ``engine`` — listeners, the dispatcher thread, and the Python API tests use;
* ``admin`` — ``/_sandbox/webhooks/...``, ``/_sandbox/webhook_settings`` and
  ``/_sandbox/vehicle_error``.

Kept free of imports so ``tui.sandbox.v3.signals`` can import ``subscriptions``.
"""
