"""Secrets are masked before they are written: nothing of them reaches the database files."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange
from tui.core.history import HistoryStore, entry_from_exchange
from tui.core.history.redaction import SECRET_PARAMS, is_secret_field, may_hold_secret_field
from tui.core.masking import MASK, SECRET_NAMES, SECRET_WORDS
from tui.core.prepare import PreparedRequest
from tui.core.send import SendPipeline

MakeExchange = Callable[..., Exchange]

ACCESS = "at-5f2c9e0d-1b7a-4c3e-8f6a-0123456789ab"
REFRESH = "rt-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
CLIENT_SECRET = "cs+9z8y/7x6w=5v4u3t2s1r"  # URL- and JSON-unfriendly characters on purpose
AUTH_CODE = "code-7d1e2f3a4b5c6d7e"
ID_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0.sig-abcdef"
COOKIE = "session-4c9d8e7f6a5b4c3d"
API_KEY = "key-1122334455667788"
KNOWN = "vault-known-secret-value-42"  # only known through the workspace's secret values
SECRETS = (ACCESS, REFRESH, CLIENT_SECRET, AUTH_CODE, ID_TOKEN, COOKIE, API_KEY, KNOWN)


def _spellings(secret: str) -> set[bytes]:
    """The ways a secret can be written: raw, URL-encoded, JSON-escaped, in Basic auth."""
    forms = {
        secret,
        quote(secret, safe=""),
        json.dumps(secret)[1:-1],
        base64.b64encode(f"smartcar-client:{secret}".encode()).decode(),
    }
    return {form.encode() for form in forms}


def _database_bytes(path: Path) -> dict[str, bytes]:
    files = {}
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            files[name.name] = name.read_bytes()
    return files


def _assert_no_secrets(path: Path) -> None:
    files = _database_bytes(path)
    assert files, "no database files to scan"
    for name, data in files.items():
        for secret in SECRETS:
            for spelling in _spellings(secret):
                assert spelling not in data, f"{secret!r} written to {name} as {spelling!r}"


def _basic(secret: str) -> str:
    return "Basic " + base64.b64encode(f"smartcar-client:{secret}".encode()).decode()


def _exchanges(make_exchange: MakeExchange) -> list[Exchange]:
    token_answer = {
        "access_token": ACCESS,
        "token_type": "Bearer",
        "expires_in": 7200,
        "refresh_token": REFRESH,
        "id_token": ID_TOKEN,
    }
    return [
        # The authorization-code exchange at the token endpoint, and its answer.
        make_exchange(
            method="POST",
            url="https://auth.smartcar.com/oauth/token",
            headers=[
                ("Authorization", _basic(CLIENT_SECRET)),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body=(
                f"grant_type=authorization_code&code={AUTH_CODE}"
                f"&client_secret={quote(CLIENT_SECRET, safe='')}"
                "&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fexchange"
            ).encode(),
            response_body=json.dumps(token_answer, indent=2).encode(),
            response_headers=[
                ("Content-Type", "application/json"),
                ("Set-Cookie", f"sc_session={COOKIE}; Path=/; HttpOnly"),
            ],
            request_name="Token",
        ),
        # A refresh, with the answer compact and a slash escaped the way some servers do.
        make_exchange(
            method="POST",
            url="https://auth.smartcar.com/oauth/token",
            headers=[("Content-Type", "application/x-www-form-urlencoded")],
            body=f"grant_type=refresh_token&refresh_token={REFRESH}".encode(),
            response_body=(
                '{"access_token":"' + ACCESS + '","refresh_token":"' + REFRESH + '",'
                '"nested":{"client_secret":"' + CLIENT_SECRET.replace("/", "\\/") + '"}}'
            ).encode(),
        ),
        # An API call: bearer header, token in the query too, cookies, an API key.
        make_exchange(
            url=f"https://api.smartcar.com/v2.0/vehicles?access_token={ACCESS}&limit=10",
            headers=[
                ("Authorization", f"Bearer {ACCESS}"),
                ("Cookie", f"sc_session={COOKIE}; theme=dark"),
                ("X-Api-Key", API_KEY),
            ],
            # The server echoes what it got, the way a debugging proxy would.
            response_body=json.dumps(
                {"seen": f"Bearer {ACCESS}", "path": f"/v2.0/vehicles?access_token={ACCESS}"}
            ).encode(),
        ),
        # A JSON request body with secret fields, and a known secret in the URL and body.
        make_exchange(
            method="POST",
            url=f"https://api.example.com/vault/{KNOWN}/items",
            headers=[("Content-Type", "application/json")],
            body=json.dumps({"client_secret": CLIENT_SECRET, "note": KNOWN}).encode(),
            response_body=f"stored {KNOWN} ok".encode(),
        ),
        # The OAuth redirect carrying the code, as a Location header.
        make_exchange(
            url="https://connect.smartcar.com/oauth/authorize?client_id=abc",
            status=302,
            reason="Found",
            response_headers=[
                ("Location", f"http://localhost:8000/exchange?code={AUTH_CODE}&state=s1")
            ],
            response_body=b"",
        ),
    ]


def test_no_secret_reaches_the_database_files(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    for exchange in _exchanges(make_exchange):
        store.record(exchange, secrets={KNOWN})
    # While open, the entries sit in the -wal file; after close, in the main file.
    assert Path(f"{store.path}-wal").exists()
    _assert_no_secrets(store.path)
    store.close()
    _assert_no_secrets(store.path)


def test_masked_entries_stay_readable(store: HistoryStore, make_exchange: MakeExchange) -> None:
    ids = [store.record(e, secrets={KNOWN}) for e in _exchanges(make_exchange)]
    token = store.get(ids[0] or 0)
    assert token.header("authorization") == f"Basic {MASK}"
    assert token.request_body.decode() == (
        f"grant_type=authorization_code&code={MASK}&client_secret={MASK}"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fexchange"
    )
    answer = json.loads(token.response_body)
    assert answer == {
        "access_token": MASK,
        "token_type": "Bearer",  # named like a secret, but it is not one
        "expires_in": 7200,
        "refresh_token": MASK,
        "id_token": MASK,
    }
    assert token.response_body.startswith(b'{\n  "access_token"')  # formatting kept
    assert token.header("set-cookie", response=True) == f"sc_session={MASK}; Path=/; HttpOnly"
    refresh = store.get(ids[1] or 0)
    assert json.loads(refresh.response_body)["nested"] == {"client_secret": MASK}
    call = store.get(ids[2] or 0)
    assert call.url == f"https://api.smartcar.com/v2.0/vehicles?access_token={MASK}&limit=10"
    assert call.header("authorization") == f"Bearer {MASK}"
    assert call.header("cookie") == f"sc_session={MASK}; theme={MASK}"
    assert call.header("x-api-key") == MASK
    vault = store.get(ids[3] or 0)
    assert vault.url == f"https://api.example.com/vault/{MASK}/items"
    assert vault.response_body == f"stored {MASK} ok".encode()
    redirect = store.get(ids[4] or 0)
    assert redirect.header("location", response=True) == (
        f"http://localhost:8000/exchange?code={MASK}&state=s1"
    )
    assert store.check() == []


async def test_a_real_send_echoing_the_token_is_masked(
    store: HistoryStore, http_server: str
) -> None:
    """The test server echoes request headers and path into its JSON answer."""
    pipeline = SendPipeline()
    try:
        exchange = await pipeline.send(
            PreparedRequest(
                "POST",
                f"{http_server}/echo?access_token={ACCESS}",
                [("Authorization", f"Bearer {ACCESS}"), ("X-Client-Secret", CLIENT_SECRET)],
                f"refresh_token={REFRESH}".encode(),
            )
        )
    finally:
        await pipeline.aclose()
    assert exchange.response is not None and ACCESS.encode() in exchange.response.body
    entry = store.get(store.record(exchange) or 0)
    echoed = json.loads(entry.response_body)
    assert echoed["headers"]["Authorization"] == MASK  # a secret-named JSON field
    assert echoed["path"] == f"/echo?access_token={MASK}"
    _assert_no_secrets(store.path)


def test_a_body_without_secrets_is_stored_byte_for_byte(make_exchange: MakeExchange) -> None:
    body = b'{\n    "distance": 104032.4,\n    "unit": "km"  ,  "code": "OK"\n}'
    binary = bytes(range(256)) * 8
    entry = entry_from_exchange(
        make_exchange(body=binary, response_body=body), max_body_bytes=1 << 20
    )
    assert entry.response_body == body  # a JSON "code" field is not an OAuth code
    assert entry.request_body == binary


def test_a_secret_straddling_the_body_cap_leaves_no_prefix(make_exchange: MakeExchange) -> None:
    prefix = b'{"padding": "' + b"p" * 980 + b'", "access_token": "'
    body = prefix + ACCESS.encode() + b'"}'
    entry = entry_from_exchange(make_exchange(response_body=body), max_body_bytes=1010)
    assert entry.response_body_truncated and len(entry.response_body) == 1010
    assert ACCESS[:8].encode() not in entry.response_body


def test_short_known_secrets_and_short_fields_are_masked_in_place(
    make_exchange: MakeExchange,
) -> None:
    entry = entry_from_exchange(
        make_exchange(
            url="https://x.example.com/login?password=pw12",
            body=b'{"password": "pw12", "user": "ann"}',
        ),
        secrets={"pw12"},
        max_body_bytes=1000,
    )
    assert entry.url == f"https://x.example.com/login?password={MASK}"
    assert json.loads(entry.request_body) == {"password": MASK, "user": "ann"}


def test_url_credentials_are_masked(make_exchange: MakeExchange) -> None:
    entry = entry_from_exchange(
        make_exchange(url="https://ann:s3cr3t-pass@api.example.com/v1"), max_body_bytes=1000
    )
    assert entry.url == f"https://ann:{MASK}@api.example.com/v1"


def test_secret_nested_under_a_secret_named_object(make_exchange: MakeExchange) -> None:
    body = json.dumps({"tokens": {"primary": ACCESS, "lifetime": 3600}}).encode()
    entry = entry_from_exchange(make_exchange(response_body=body), max_body_bytes=1 << 20)
    assert json.loads(entry.response_body) == {"tokens": {"primary": MASK, "lifetime": 3600}}


def test_masking_is_applied_before_the_limits_are_measured(
    xdg: object, make_exchange: MakeExchange
) -> None:
    limits = HistoryLimits(max_entries=10, max_bytes=1_000_000, max_body_bytes=64)
    with HistoryStore(limits=limits) as store:
        body = json.dumps({"access_token": ACCESS}).encode()
        entry = store.get(store.record(make_exchange(response_body=body)) or 0)
    assert entry.response_body == json.dumps({"access_token": MASK}, ensure_ascii=False).encode()
    assert entry.response_body_size == len(json.dumps({"access_token": ACCESS}))


PASSPHRASE = "open sesame pass-42"  # a space: URL-encoded as %20 by quote, + by quote_plus


def test_url_encoded_secrets_in_free_text_and_other_values_are_masked(
    make_exchange: MakeExchange,
) -> None:
    """The second pass also looks for the URL-encoded spellings of every secret: here the
    structural pass cannot see them (a text body, the value of a harmless parameter)."""
    encoded = quote(CLIENT_SECRET, safe="")  # cs%2B9z8y%2F7x6w%3D5v4u3t2s1r
    assert encoded != CLIENT_SECRET
    # The secret of a redirect target, encoded into the value of the harmless "next".
    next_value = quote(f"/done?client_secret={CLIENT_SECRET}", safe="")
    entry = entry_from_exchange(
        make_exchange(
            method="POST",
            url=f"https://api.example.com/cb?next={next_value}&page=2",
            headers=[
                ("Authorization", _basic(CLIENT_SECRET)),  # discovered here by structure
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body=f"note={quote_plus(PASSPHRASE)}&user=ann".encode(),
            response_headers=[("Content-Type", "text/plain")],
            response_body=(
                f"client secret seen as {encoded}; passphrase as {quote(PASSPHRASE)}."
            ).encode(),
        ),
        secrets={PASSPHRASE},  # known through the workspace's secret values
        max_body_bytes=1 << 20,
    )
    assert entry.url == (
        f"https://api.example.com/cb?next={quote('/done?client_secret=', safe='')}{MASK}&page=2"
    )
    assert entry.request_body == f"note={MASK}&user=ann".encode()
    assert entry.response_body == f"client secret seen as {MASK}; passphrase as {MASK}.".encode()


def test_every_secret_field_name_passes_the_body_prefilter() -> None:
    # The prefilter skips the per-pair scan of a body holding none of the secret words: it
    # must never skip a body whose only secret is a field named in any case or spelling.
    names = [
        *SECRET_PARAMS,
        *SECRET_NAMES,
        *SECRET_WORDS,
        "X-Api-Key",
        "clientSecret",
        "AMT",
        "Refresh_Token",
        "USER_PASSWORD",
        "proxyAuthorization",
        " access_token ",
    ]
    secret = [name for name in names if is_secret_field(name)]
    assert len(secret) >= 12  # the list above really holds secret fields
    for name in secret:
        assert may_hold_secret_field(f'{{"{name}": "x"}}'), name
    assert not may_hold_secret_field('{"odometer": 1.5, "make": "TESLA", "unit": "km"}')


def test_a_secret_field_at_the_end_of_a_large_body_is_masked(
    make_exchange: MakeExchange,
) -> None:
    # A megabyte of records with no secret word, no "=", then one secret field: the fast paths
    # for bodies without secrets must not let it through.
    records = ", ".join(f'{{"id": "{n:08d}", "odometer": {n}.5}}' for n in range(30_000))
    body = f'{{"items": [{records}], "Client_Secret": "{CLIENT_SECRET}"}}'.encode()
    plain = f'{{"items": [{records}]}}'.encode()
    entry = entry_from_exchange(make_exchange(response_body=body), max_body_bytes=2 << 20)
    assert json.loads(entry.response_body)["Client_Secret"] == MASK
    assert CLIENT_SECRET.encode() not in entry.response_body
    untouched = entry_from_exchange(make_exchange(response_body=plain), max_body_bytes=2 << 20)
    assert untouched.response_body == plain
