"""Inputs every binding refuses the same way: InvalidInputError naming the field, nothing sent."""

from __future__ import annotations

from typing import Any

import pytest

import contactnow
from contactnow import core


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": "5"}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"retries": 1.5}, "retries"),
        ({"retries": 2**40}, "retries"),
        ({"sleep": lambda seconds: None}, "sleep"),
    ],
)
def test_client_settings_name_their_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(contactnow.InvalidInputError) as info:
        contactnow.Client(token="T0KEN", **kwargs)
    assert info.value.field == field


def test_lone_surrogates_are_refused_not_replaced() -> None:
    sent: list[Any] = []

    def sender(request: core.Request, timeout: float) -> tuple[int, str, bytes]:
        sent.append(request)
        return 200, "application/json", b'{"success":true,"total":1,"bad":0,"key":1}'

    client = contactnow.Client(token="T0KEN", sender=sender)
    with pytest.raises(contactnow.InvalidInputError) as info:
        contactnow.NewTodPolicy("Night \udc80", "hangup")
    assert info.value.field == "description"
    with pytest.raises(contactnow.InvalidInputError) as info:
        client.tod_policies.create([{"description": "Night \udc80", "default": "hangup"}])
    assert info.value.field == "records[0].description"
    with pytest.raises(contactnow.InvalidInputError) as info:
        core.build_request("tod_policy.create", {"records": [{"description": "\ud800", "default": "queue"}]}, token="T")
    assert info.value.field == "records[0].description"
    assert sent == []


def test_a_zero_filter_names_the_parameter() -> None:
    with pytest.raises(contactnow.InvalidInputError) as info:
        core.build_request("priority.read", {"agent_id": 0}, token="T")
    assert info.value.field == "agent_id"


def test_a_wrong_case_action_is_refused() -> None:
    with pytest.raises(contactnow.InvalidInputError) as info:
        core.build_request("tod_policy.create", {"records": [{"description": "N", "default": "JUMP:12"}]}, token="T")
    assert info.value.field == "records[0].default"


@pytest.mark.parametrize(
    "options,field",
    [
        ({"timeout": 0}, "timeout"),
        ({"connect_timeout": -1}, "connect_timeout"),
        ({"total_timeout": 0}, "total_timeout"),
        ({"retries": {"max_attempts": 0}}, "retries.max_attempts"),
        ({"retries": {"pause": 1}}, "retries.pause"),
        ({"region": "mars"}, "region"),
        ({"region": "us", "base_url": "https://example.test"}, "region"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"batch_size": 0}, "batch_size"),
        ({"proxy": "::"}, "proxy"),
        ({"user_agent": "a\nb"}, "user_agent"),
    ],
)
def test_every_client_option_names_itself(options: dict, field: str) -> None:
    for cls in (contactnow.Client, contactnow.AsyncClient):
        with pytest.raises(contactnow.InvalidInputError) as e:
            cls(token="tok-SECRET", **options)
        assert e.value.field == field
        assert "tok-SECRET" not in str(e.value)


def test_the_options_of_every_language_make_a_client() -> None:
    client = contactnow.Client(
        token="t",
        region="us",
        connect_timeout=0.5,
        total_timeout=5,
        retries={"max_attempts": 2, "initial_backoff": 0.01, "max_backoff": 0.1},
        max_response_bytes=1024,
        proxy="http://127.0.0.1:3128",
        user_agent="ops-tool/1",
        batch_size=10,
    )
    assert "8x8.com" in repr(client) and "retries=1" in repr(client)


def test_the_tod_policy_calls_answer_to_the_clients_namespace_too() -> None:
    """``tod_policies.*`` (the namespace ``client.tod_policies``) names the ``tod_policy.*`` calls."""
    for action in ("read", "create", "update"):
        inputs: dict[str, Any] = {
            "read": {"policy_id": 3},
            "create": {"records": [{"description": "N", "default": "queue"}]},
            "update": {"records": [{"uid": 3, "description": "M"}]},
        }
        alias = core.build_request(f"tod_policies.{action}", inputs[action], token="T")
        plain = core.build_request(f"tod_policy.{action}", inputs[action], token="T")
        assert (alias.method, alias.url, alias.body) == (plain.method, plain.url, plain.body)
        assert core.redact_url(alias.url) == alias.redacted_url
    body = b'{"success":true,"total":1,"list":[{"uid":"3","description":"N","default":"queue"}]}'
    listing = core.parse_response("tod_policies.read", 200, "application/json", body)
    assert [p.uid for p in listing] == [3]


def test_a_float_id_is_refused_as_a_float() -> None:
    for value, says in [(1234.0, "must be an integer, got the float 1234.0"), (1.5, "must be an integer"), (2.0**70, "not a safe integer")]:
        with pytest.raises(contactnow.InvalidInputError) as info:
            core.build_request("priority.read", {"agent_id": value}, token="T")
        assert info.value.field == "agent_id" and says in str(info.value), info.value
