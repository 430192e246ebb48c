"""Model classes, input conversion and the sans-IO layer, without a network."""

from __future__ import annotations

from typing import Any

import pytest

import contactnow
from contactnow import (
    Assignment,
    DefaultAction,
    InvalidInputError,
    Listing,
    NewTodPolicy,
    TodPolicy,
    TodPolicyUpdate,
    WriteResult,
    core,
)


def test_models_are_frozen_values() -> None:
    a = Assignment(1, 2, 3)
    assert a == Assignment(agent_id=1, queue_id=2, level=3)
    assert a != Assignment(1, 2, 4)
    assert hash(a) == hash(Assignment(1, 2, 3))
    assert len({a, Assignment(1, 2, 3), Assignment(2, 2, 3)}) == 2
    assert sorted([Assignment(2, 1, 1), a]) == [a, Assignment(2, 1, 1)]
    assert repr(a) == "Assignment(agent_id=1, queue_id=2, level=3)"
    with pytest.raises(AttributeError):
        a.level = 5  # type: ignore[misc]
    p = TodPolicy(7, "Night's", "jump:12")
    assert p.default == DefaultAction.jump(12)
    assert repr(p) == "TodPolicy(uid=7, description=\"Night's\", default=DefaultAction.jump(12))"
    assert p.to_dict() == {"uid": 7, "description": "Night's", "default": "jump:12"}
    assert hash(p) == hash(TodPolicy(7, "Night's", DefaultAction.jump(12)))
    assert NewTodPolicy("x", "queue") == NewTodPolicy("x", DefaultAction.QUEUE)
    u = TodPolicyUpdate(5, default="hangup")
    assert (u.uid, u.description, u.default) == (5, None, DefaultAction.HANGUP)
    assert repr(u) == "TodPolicyUpdate(uid=5, description=None, default=DefaultAction.HANGUP)"
    w = WriteResult(total=1, key=9)
    assert w == WriteResult(account_id=None, total=1, bad=0, key=9) and hash(w) == hash(WriteResult(total=1, key=9))
    assert repr(w) == "WriteResult(account_id=None, total=1, bad=0, key=9)"


def test_listing_is_a_sequence() -> None:
    listing: Listing[Assignment] = Listing(records=[Assignment(1, 2, 3), Assignment(4, 5, 6)])
    assert len(listing) == 2 and listing.total == 2 and listing[1] == Assignment(4, 5, 6)
    assert list(listing) == list(listing.records)
    assert listing == Listing(records=(Assignment(1, 2, 3), Assignment(4, 5, 6)), total=2)
    assert listing != Listing(records=[Assignment(1, 2, 3)])
    assert hash(listing) == hash(Listing(records=[Assignment(1, 2, 3), Assignment(4, 5, 6)]))
    assert "Assignment(agent_id=1" in repr(listing)
    big = Listing(records=[Assignment(i, 1, 1) for i in range(1, 100)])
    assert "... 94 more" in repr(big)
    assert Listing[Assignment] is not None  # runtime generic subscription


def test_default_action() -> None:
    assert DefaultAction("queue") is not DefaultAction.QUEUE and DefaultAction("queue") == DefaultAction.QUEUE
    assert DefaultAction("jump:1007") == DefaultAction.jump(1007)
    j = DefaultAction.jump(1007)
    assert (j.value, j.kind, j.queue_id, j.is_known, str(j)) == ("jump:1007", "jump", 1007, True, "jump:1007")
    other = DefaultAction.from_wire("transfer:9")
    assert (other.value, other.kind, other.queue_id, other.is_known) == ("transfer:9", "unknown", None, False)
    assert repr(other) == "DefaultAction.from_wire('transfer:9')"
    assert {DefaultAction.VOICEMAIL, DefaultAction("voicemail")} == {DefaultAction.VOICEMAIL}
    for bad in ["jump:", "jump:0", "voicemial", ""]:
        with pytest.raises(InvalidInputError) as e:
            DefaultAction(bad)
        assert e.value.field == "default"
    with pytest.raises(InvalidInputError):
        DefaultAction.jump(0)
    with pytest.raises(ValueError):  # InvalidInputError is a ValueError
        DefaultAction.jump(-1)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"agent_id": -1, "queue_id": 2, "level": 3}, "records[0].agent_id"),
        ({"agent_id": "1", "queue_id": 2, "level": 3}, "records[0].agent_id"),
        ({"agent_id": True, "queue_id": 2, "level": 3}, "records[0].agent_id"),
        ({"agent_id": 1, "level": 3}, "records[0].queue_id"),
        ({"agent_id": 1, "queue_id": 2, "level": 2**32}, "records[0].level"),
        ({"agent_id": 1, "queue_id": 2, "levl": 3}, "records[0].levl"),
        ({"agent_id": 1, "agentid": 1, "queue_id": 2, "level": 3}, "records[0].agent_id"),
        ("agent", "records"),
        (42, "records"),
    ],
)
def test_invalid_records_name_the_field(record: Any, field: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        core.build_request("priority.create", {"records": record if isinstance(record, (str, int)) else [record]},
                           token="T")
    assert e.value.field == field
    assert isinstance(e.value, ValueError) and e.value.kind == "InvalidInput"


def test_record_spellings_and_single_records() -> None:
    for record in [
        {"agent_id": 1, "queue_id": 2, "level": 3},
        {"agentid": 1, "qid": 2, "level": 3},
        {"agentId": 1, "queueId": 2, "level": 3},
        Assignment(1, 2, 3),
    ]:
        for records in (record, [record], (r for r in [record])):
            req = core.build_request("priority.create", {"records": records}, token="T")
            assert req.body == b'[{"agentid":"1","qid":"2","level":"3"}]'
    req = core.build_request("tod_policy.update", {"records": [TodPolicy(5, "a", "queue")]}, token="T")
    assert req.body == b'[{"uid":"5","description":"a","default":"queue"}]'


def test_sans_io_request_and_redaction() -> None:
    token = "tok-SECRET-9f8e7d"
    req = core.build_request("tod_policy.create", {"records": [{"description": "Night", "default": "hangup"}]},
                             token=token, format="xml", base_url="https://api.contactnow.8x8.com/api")
    assert req.method == "POST" and token in req.url
    assert req.content_type == "application/xml"
    assert ("Content-Type", "application/xml") in req.headers
    assert token not in repr(req) and token not in req.redacted_url
    # One record sits bare under <dxi> (the documented layout); a batch is wrapped per record.
    decl = b'<?xml version="1.0" encoding="utf-8"?>'
    assert req.body == decl + b"<dxi><description>Night</description><default>hangup</default></dxi>"
    batch = core.build_request("tod_policy.create", {"records": [{"description": "A", "default": "queue"},
                                                                 {"description": "B", "default": "jump:7"}]},
                               token=token, format="xml")
    assert batch.body == decl + (b"<dxi><tod_policy><description>A</description><default>queue</default></tod_policy>"
                                 b"<tod_policy><description>B</description><default>jump:7</default></tod_policy></dxi>")
    update = core.build_request("priority.update", {"records": [Assignment(1, 2, 3)]}, token=token, format="xml")
    assert update.body == decl + b"<dxi><agentid>1</agentid><qid>2</qid><level>3</level></dxi>"
    create = core.build_request("priority.create", {"records": [Assignment(1, 2, 3)]}, token=token, format="xml")
    assert create.body == decl + b"<dxi><priority><agentid>1</agentid><qid>2</qid><level>3</level></priority></dxi>"
    grant = core.parse_response("token.get", 200, "application/json", b'{"success":true,"token":"tok-SECRET-1","expire":5}')
    assert grant.token == "tok-SECRET-1" and grant.expire == 5 and "tok-SECRET-1" not in repr(grant)
    with pytest.raises(InvalidInputError) as e:
        core.build_request("priority.delete", {}, token="T")  # type: ignore[arg-type]
    assert e.value.field == "operation"
    with pytest.raises(InvalidInputError) as e:
        core.build_request("priority.read", {"agent": 1}, token="T")
    assert e.value.field == "agent"  # the unknown key itself, as in every language
    with pytest.raises(InvalidInputError):
        core.build_request("priority.read", {}, token="T", format="yaml")  # type: ignore[arg-type]


def test_parse_errors_are_typed() -> None:
    with pytest.raises(contactnow.DecodeError) as d:
        core.parse_response("priority.read", 200, "application/json", b"<html>oops")
    assert isinstance(d.value, ValueError) and d.value.format == "json" and "<html>" in d.value.excerpt
    with pytest.raises(contactnow.HttpStatusError) as h:
        core.parse_response("priority.read", 502, "text/html", "Bad gateway")
    assert h.value.status == 502
    with pytest.raises(contactnow.ApiError) as a:
        core.parse_response("priority.update", 200, None, b'{"success":true,"total":1,"bad":1}')
    assert a.value.partial and a.value.bad == 1 and not a.value.token_rejected


def test_client_settings_are_checked() -> None:
    with pytest.raises(InvalidInputError) as e:
        contactnow.Client(token="t", base_url="http://example.com")
    assert e.value.field == "base_url"
    contactnow.Client(token="t", base_url="http://example.com", allow_insecure_http=True)
    with pytest.raises(InvalidInputError) as e:
        contactnow.Client(token="t", retries={"max_atempts": 2})
    assert e.value.field == "retries.max_atempts" and str(e.value).endswith('did you mean "max_attempts"?')
    with pytest.raises(InvalidInputError) as e:
        core.build_request("priority.read", token="T0KEN", base_url="http://example.com")
    assert e.value.field == "base_url" and "T0KEN" not in str(e.value)
    built = core.build_request("priority.read", token="T0KEN", base_url="http://example.com", allow_insecure_http=True)
    assert built.url.startswith("http://example.com/database.php?")
    assert core.build_request("priority.read", token="T0KEN", base_url="http://127.0.0.1:9").url.startswith("http://127.0.0.1:9/")
    with pytest.raises(InvalidInputError):
        contactnow.Client(token="t", timeout=0)
    with pytest.raises(InvalidInputError):
        contactnow.Client(token="t", username="u", password="p")
    with pytest.raises(InvalidInputError):
        contactnow.Client(username="u")
    with pytest.raises(InvalidInputError):
        contactnow.Client(token="t", format="csv")  # type: ignore[arg-type]
    with contactnow.Client(token="t") as client:
        assert client.base_url == "https://api-106.dxi.eu" and client.format == "json" and not client.closed
        # One namespace per client, read-only.
        assert client.priority is client.priority and client.tod_policies is client.tod_policies
        with pytest.raises(AttributeError):
            client.priority = client.tod_policies  # type: ignore[misc, assignment]
    assert client.closed
    with pytest.raises(contactnow.InvalidInputError, match="closed") as closed:
        client.priority.read()
    assert closed.value.field == "client"
