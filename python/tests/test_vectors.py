"""Every case of tests/vectors/ (the cross-language contract) through the Python layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import contactnow
from contactnow import core

from conftest import VECTORS

CASES = sorted(VECTORS.glob("*.json"))

ERROR_CLASSES = {
    "InvalidInput": contactnow.InvalidInputError,
    "Api": contactnow.ApiError,
    "Decode": contactnow.DecodeError,
    "HttpStatus": contactnow.HttpStatusError,
}


def test_vectors_exist() -> None:
    assert len(CASES) >= 40, f"expected at least 40 vector cases in {VECTORS}, found {len(CASES)}"


def as_value(result: Any) -> Any:
    if isinstance(result, (contactnow.WriteResult, contactnow.Listing)):
        return result.to_dict()
    if isinstance(result, core.TokenGrant):
        return {"token": result.token, "expire": result.expire}
    if isinstance(result, core.TokenStatus):
        return {"expire": result.expire}
    raise AssertionError(f"unexpected result {result!r}")


def run(case: dict[str, Any]) -> tuple[Any, Any]:
    """Returns (request, result-or-exception)."""
    op = case["operation"]
    fmt = case.get("format", "json")
    try:
        request = core.build_request(
            op, case.get("input", {}), token=case.get("token", "T0KEN"), base_url=case.get("base_url"), format=fmt
        )
    except contactnow.ContactNowError as e:
        return None, e
    response = case.get("response")
    if response is None:
        return request, None
    body: bytes = bytes.fromhex(response["body_hex"]) if "body_hex" in response else response["body"].encode()
    try:
        return request, as_value(
            core.parse_response(op, response["status"], response.get("content_type"), body, format=fmt)
        )
    except contactnow.ContactNowError as e:
        return request, e


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_vector(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    request, outcome = run(case)
    if "request" in case:
        assert request is not None, f"no request built: {outcome!r}"
        actual = {
            "method": request.method,
            "url": request.url,
            "content_type": request.content_type,
            "body": request.body.decode("utf-8", "replace"),
        }
        assert actual == case["request"]
        assert "T0KEN" not in repr(request) or case.get("token", "T0KEN") != "T0KEN"
    expect = case["expect"]
    if "ok" in expect:
        assert "response" in case, "expect.ok needs a response"
        assert not isinstance(outcome, Exception), f"expected a value, got {outcome!r}"
        assert outcome == expect["ok"]
    else:
        want = expect["error"]
        assert isinstance(outcome, contactnow.ContactNowError), f"expected {want}, got {outcome!r}"
        cls = ERROR_CLASSES[want["kind"]]
        assert isinstance(outcome, cls), f"expected {cls.__name__}, got {outcome!r}"
        assert outcome.kind == want["kind"]
        if "message_contains" in want:
            assert want["message_contains"] in str(outcome)
        for key, value in want.items():
            if key in ("kind", "message_contains"):
                continue
            assert getattr(outcome, key) == value, f"error.{key}: {getattr(outcome, key)!r} != {value!r}"
        if want["kind"] in ("InvalidInput", "Decode"):
            assert isinstance(outcome, ValueError)
