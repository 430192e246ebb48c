"""Every execution vector of tests/vectors/calls/ through the Python client's bring-your-own-HTTP
mode: ``Client(sender=..., sleep=...)`` with a scripted sender. The requests sent, the pauses
and the result or error must be the case's (schema in tests/vectors/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

import contactnow
from contactnow import core

from conftest import VECTORS
from test_vectors import ERROR_CLASSES, as_value

CASES = sorted((VECTORS / "calls").glob("*.json"))

ERRORS = {**ERROR_CLASSES, "Transport": contactnow.TransportError, "Timeout": contactnow.TimeoutError}


class Script:
    """Answers each send with the next exchange; records requests and the pause before each."""

    def __init__(self, exchanges: list[dict[str, Any]]) -> None:
        self.exchanges = exchanges
        self.sent: list[tuple[core.Request, float]] = []
        self.pause = 0.0

    def send(self, request: core.Request, timeout: float) -> tuple[int, Optional[str], bytes, Optional[str]]:
        assert timeout > 0
        self.sent.append((request, self.pause))
        self.pause = 0.0
        if len(self.sent) > len(self.exchanges):
            raise ConnectionResetError("the script has no more exchanges")
        exchange = self.exchanges[len(self.sent) - 1]
        failure = exchange.get("failure")
        if failure is not None:
            if failure.get("timeout"):
                raise TimeoutError(failure["message"])
            if failure.get("not_sent"):
                raise ConnectionRefusedError(failure["message"])
            raise ConnectionResetError(failure["message"])
        answer = exchange["answer"]
        return answer["status"], answer.get("content_type"), answer["body"].encode(), answer.get("retry_after")

    def sleep(self, seconds: float) -> None:
        self.pause += seconds


def test_calls_exist() -> None:
    assert len(CASES) >= 15, f"expected at least 15 execution vectors in {VECTORS / 'calls'}, found {len(CASES)}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_call(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    script = Script(case["exchanges"])
    auth = case["auth"]
    client = contactnow.Client(
        token=auth.get("token"),
        username=auth.get("username"),
        password=auth.get("password"),
        format=case["format"],
        sender=script.send,
        sleep=script.sleep,
    )
    outcome: Any
    try:
        outcome = as_value(client.execute(case["operation"], case["input"]))
    except contactnow.ContactNowError as e:
        outcome = e

    assert len(script.sent) == len(case["exchanges"]), f"sent {len(script.sent)}: {outcome!r}"
    for n, ((request, pause), exchange) in enumerate(zip(script.sent, case["exchanges"])):
        want = exchange["request"]
        actual: dict[str, Any] = {"method": request.method, "url": request.url}
        if "body" in want:
            actual["content_type"] = request.content_type
            actual["body"] = request.body.decode("utf-8", "replace")
        assert actual == want, f"request {n}"
        ms = pause * 1000
        expected = exchange.get("pause_ms")
        if expected is None:
            assert ms == 0, f"pause before request {n}: {ms} ms"
        elif isinstance(expected, dict):
            assert ms <= expected["max"], f"pause before request {n}: {ms} ms > {expected['max']}"
        else:
            assert ms == pytest.approx(expected), f"pause before request {n}"

    expect = case["expect"]
    if "ok" in expect:
        assert not isinstance(outcome, Exception), f"expected a value, got {outcome!r}"
        assert outcome == expect["ok"]
        return
    want = expect["error"]
    assert isinstance(outcome, ERRORS[want["kind"]]), f"expected {want['kind']}, got {outcome!r}"
    text = f"{outcome} {outcome!r}"
    for key, value in want.items():
        if key == "kind":
            assert outcome.kind == value
        elif key == "message_contains":
            assert value in text
        elif key == "absent":
            assert all(s not in text for s in value), text
        else:
            assert getattr(outcome, key) == value, f"error.{key}: {getattr(outcome, key)!r} != {value!r}"


def test_a_senders_unusable_answer_is_a_failure_after_sending() -> None:
    sent: list[core.Request] = []

    def sender(request: core.Request, timeout: float) -> tuple[Any, ...]:
        sent.append(request)
        return (200, "application/json")  # no body

    client = contactnow.Client(token="T0KEN", sender=sender, sleep=lambda seconds: None, retries=1)
    with pytest.raises(contactnow.TransportError) as info:
        client.tod_policies.create(description="Night", default="hangup")
    assert info.value.outcome_unknown and "sender's answer" in str(info.value)
    assert len(sent) == 1, "a TOD create that may have been applied is not repeated"
    sent.clear()
    with pytest.raises(contactnow.TransportError) as info:
        client.priority.read()
    assert not info.value.outcome_unknown and len(sent) == 2, "a read is repeated"


@pytest.mark.parametrize("field", ["sender", "sleep"])
def test_a_sender_or_sleep_that_is_not_a_function_is_refused_on_its_name(field: str) -> None:
    options: dict[str, Any] = {"sender": lambda request, timeout: (200, None, b""), field: 5}
    with pytest.raises(contactnow.InvalidInputError) as info:
        contactnow.Client(token="T0KEN", **options)
    assert info.value.field == field and "expected a function" in str(info.value)
