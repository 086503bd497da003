"""Smartcar API generations and when the old one goes away.

v3 is current (April 2026): one application token plus ``sc-user-id``. v2.0 (per-vehicle
tokens) is deprecated. Its switch-off date is a CONFLICT in Smartcar's own pages
(smartcar-v3.md §9): "by Q3 2026" (the current v2 page banners), "by Q4 2026" (the migration
guide's copies), and "December 1, 2026" (a third-party note quoting the docs, for v2.0, the
make-specific endpoints and the backend SDKs' security patches). carman takes the one exact
date, 1 December 2026: the latest reading, the only one with a day, and the one Smartcar's
older pages and the third-party note agree on as "late 2026". Shown in the built-in
collection's v2.0 folder; change it here if Smartcar says otherwise.
"""

from __future__ import annotations

V2_SWITCH_OFF = "2026-12-01"
V2_SWITCH_OFF_WORDS = "1 December 2026"
V2_FOLDER = "v2.0 (deprecated)"
