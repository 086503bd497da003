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
* ``transport`` — one POST to a callback, with a timeout;
* ``delivery_log`` — what was sent, answered and retried, for tests and the admin namespace;
* ``engine`` — the dispatcher (schedules and retries on the sandbox clock) and the sender
  threads; the Python API tests use;
* ``admin`` — ``/_sandbox/webhooks/...`` and ``/_sandbox/vehicle_error``.

Kept free of imports so ``tui.sandbox.v3.signals`` can import ``subscriptions``.
"""
