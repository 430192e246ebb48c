"""The generic call: every case of tests/vectors/generic/ through ``Client.call`` with a scripted
sender, and the call against the sandbox (on method=priority it gives the typed fields)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import contactnow
from contactnow import Assignment
from contactnow.testing import Sandbox

from conftest import VECTORS
from test_calls import ERRORS, Script

CASES = sorted((VECTORS / "generic").glob("*.json"))


def test_generic_cases_exist() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("via", ["call", "execute"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_generic_vector(path: Path, via: str) -> None:
    """Each case through ``client.call(...)`` and through ``client.execute("call", ...)``."""
    case = json.loads(path.read_text(encoding="utf-8"))
    response = case.get("response")
    exchanges = [] if response is None else [{"answer": response}]
    script = Script(exchanges)
    client = contactnow.Client(token="T0KEN", format=case["format"], sender=script.send, sleep=script.sleep)
    spec = case["call"]
    outcome: Any
    try:
        options: dict[str, Any] = {
            "filters": dict(spec.get("filters", [])),
            "records": [dict(r) for r in spec.get("records", [])] or None,
            "repeatable": spec.get("repeatable", False),
        }
        if via == "call":
            outcome = client.call(spec["method"], spec["action"], **options)
        else:
            outcome = client.execute("call", {"method": spec["method"], "action": spec["action"], **options})
    except contactnow.ContactNowError as e:
        outcome = e
    if "request" in case:
        assert len(script.sent) == 1
        request = script.sent[0][0]
        assert {
            "method": request.method,
            "url": request.url,
            "content_type": request.content_type,
            "body": request.body.decode(),
        } == case["request"]
    else:
        assert script.sent == [], "nothing is sent for refused input"
    expect = case["expect"]
    if "ok" in expect:
        assert outcome == expect["ok"]
        return
    want = expect["error"]
    assert isinstance(outcome, ERRORS[want["kind"]]), repr(outcome)
    for key, value in want.items():
        if key != "kind":
            assert getattr(outcome, key) == value, key


def test_generic_call_on_priority_matches_the_typed_read() -> None:
    with Sandbox() as sandbox, sandbox.client() as client:
        client.priority.create([Assignment(1234, 1007, 100), Assignment(1234, 1008, 5)])
        for fmt in ("json", "xml"):
            with sandbox.client(format=fmt) as c:
                generic = c.call("priority", "read", filters={"agent": 1234})
                typed = c.priority.read(agent_id=1234)
                assert [(r["agentid"], r["qid"], r["level"]) for r in generic["records"]] == [
                    (str(a.agent_id), str(a.queue_id), str(a.level)) for a in typed
                ]
                with pytest.raises(contactnow.ApiError):
                    c.call("queues", "read")
        written = client.call("priority", "create", records=[{"agentid": 1234, "qid": 1301, "level": "9"}])
        assert written["total"] == 1
        assert {(a.queue_id, a.level) for a in client.priority.read(agent_id=1234)} >= {(1301, 9)}
        with pytest.raises(contactnow.InvalidInputError) as info:
            client.call("priority", "read", filters={"token": "x"})
        assert info.value.field == "filters[0]"
