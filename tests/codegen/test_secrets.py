"""Secrets never reach a snippet unless asked for by name: tokens, client secrets,
secret-named variables, literal secrets typed into secret-named fields, and values that are
known secrets whatever the variable's name. Every target, both modes."""

from __future__ import annotations

import pytest

from tui.core.exporters.code import (
    TARGETS,
    CodeOptions,
    NotApplicable,
    build_code_request,
    generate,
)
from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, OAuth2Settings, Request
from tui.core.workspace import Workspace

ACCESS = "at-4f1c9e2b77d0"
API_KEY = "sk-live-1234567890"
LITERAL_BEARER = "literal-bearer-ABCDEFG"
QUERY_SECRET = "qp-secret-0987654"
FORM_SECRET = "pw-secret-55555"
CLIENT_SECRET = "cs-0123456789abcdef"
SNEAKY = "looks-harmless-secret"  # a known secret held by a variable with a harmless name
ALL = (ACCESS, API_KEY, LITERAL_BEARER, QUERY_SECRET, FORM_SECRET, CLIENT_SECRET, SNEAKY)


def requests() -> dict[str, Request]:
    oauth = Auth(
        kind=AuthKind.OAUTH2,
        oauth2=OAuth2Settings(client_id="c", authorize_url="https://a/x", token_url="https://a/t"),
    )
    return {
        "oauth": Request(name="OAuth", url="{{base}}/v2.0/vehicles/v1/odometer", auth=oauth),
        "literals": Request(
            name="Literals",
            method="POST",
            url="{{base}}/x?token=" + QUERY_SECRET + "&q=1",
            headers=[
                KeyValue("Authorization", f"Bearer {LITERAL_BEARER}"),
                KeyValue("X-Api-Key", "{{api_key}}"),
                KeyValue("X-Plain", "{{plain}}"),
            ],
            body=Body(kind=BodyKind.FORM, form=[KeyValue("password", FORM_SECRET)]),
            auth=Auth(kind=AuthKind.NONE),
        ),
        "basic": Request(
            name="Basic",
            method="POST",
            url="{{base}}/token",
            body=Body(kind=BodyKind.JSON, text='{"grant": "client_credentials"}'),
            auth=Auth(kind=AuthKind.BASIC, username="{{client_id}}", password="{{client_secret}}"),
        ),
    }


@pytest.fixture
def workspace(echo_workspace: Workspace) -> Workspace:
    echo_workspace.set_session({"api_key": API_KEY, "client_id": "cid", "plain": SNEAKY})
    echo_workspace.variables.add_provider("access_token", lambda: ACCESS)
    echo_workspace.variables.add_provider("client_secret", lambda: CLIENT_SECRET)
    echo_workspace.secrets.set_client_secret("other-client", SNEAKY)  # so SNEAKY is known
    return echo_workspace


@pytest.mark.parametrize("target", [t.id for t in TARGETS if not t.sdk])
@pytest.mark.parametrize("resolve", [False, True])
def test_no_secret_is_written(target: str, resolve: bool, workspace: Workspace) -> None:
    for name, request in requests().items():
        code = build_code_request(workspace, None, request, CodeOptions(resolve=resolve))
        text = generate(code, target).text
        for secret in ALL:
            assert secret not in text, f"{target} {name}: {secret}\n{text}"
    literal = generate(build_code_request(workspace, None, requests()["literals"]), target).text
    for env in ("AUTHORIZATION", "API_KEY", "TOKEN", "PASSWORD", "PLAIN"):
        assert env in literal, f"{target}: {env} missing\n{literal}"


def test_sdk_targets_keep_the_token_out(workspace: Workspace) -> None:
    code = build_code_request(workspace, None, requests()["oauth"], CodeOptions(resolve=True))
    for target in ("python-sdk", "js-sdk"):
        text = generate(code, target).text
        assert ACCESS not in text and "ACCESS_TOKEN" in text


def test_named_secrets_are_inlined_and_only_those(workspace: Workspace) -> None:
    options = CodeOptions(resolve=True, inline_secrets=frozenset({"api_key", "token"}))
    code = build_code_request(workspace, None, requests()["literals"], options)
    text = generate(code, "python-requests").text
    assert API_KEY in text and QUERY_SECRET in text  # asked for by name
    for secret in (LITERAL_BEARER, FORM_SECRET, SNEAKY):
        assert secret not in text
    oauth = build_code_request(
        workspace,
        None,
        requests()["oauth"],
        CodeOptions(inline_secrets=frozenset({"access_token"})),
    )
    assert ACCESS in generate(oauth, "curl").text


def test_a_leaked_secret_is_masked_and_said(workspace: Workspace) -> None:
    # A secret inside a literal that is not a secret-named field: the last check catches it.
    request = Request(
        name="Leak",
        url="{{base}}/x",
        headers=[KeyValue("X-Note", f"see {API_KEY}")],
        auth=Auth(kind=AuthKind.NONE),
    )
    snippet = generate(build_code_request(workspace, None, request), "curl")
    assert API_KEY not in snippet.text and "••••••" in snippet.text
    assert any("masked" in note for note in snippet.notes)


def test_sdk_target_says_why_it_cannot(workspace: Workspace) -> None:
    code = build_code_request(workspace, None, requests()["basic"])
    with pytest.raises(NotApplicable, match="not a Smartcar Vehicle API request"):
        generate(code, "python-sdk")
