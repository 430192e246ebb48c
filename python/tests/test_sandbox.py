"""Integration: both clients against the in-process Rust sandbox, all six operations in
both formats, faults and retries, token expiry."""

from __future__ import annotations

import asyncio
import threading
import time

from typing import Any

import pytest

import contactnow
from contactnow import Assignment, AsyncClient, DefaultAction, NewTodPolicy, TodPolicy, TodPolicyUpdate
from contactnow.testing import Sandbox

FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_priority_create_read_update(sandbox: Sandbox, fmt: str) -> None:
    with sandbox.client(format=fmt) as client:  # type: ignore[arg-type]
        created = client.priority.create(
            [Assignment(1234, 1007, 100), {"agentid": 1234, "qid": 1008, "level": 50}, {"agent_id": 99, "queue_id": 1007, "level": 1}]
        )
        assert created.total == 3 and created.bad == 0
        again = client.priority.create(Assignment(1234, 1007, 100))
        assert again.total == 0, "an existing pair is not added again"
        mine = client.priority.read(agent_id=1234)
        assert sorted(mine) == [Assignment(1234, 1007, 100), Assignment(1234, 1008, 50)]
        assert {a.agent_id for a in client.priority.read(queue_id=1007)} == {1234, 99}
        assert list(client.priority.read(agent_id=1234, queue_id=1008)) == [Assignment(1234, 1008, 50)]
        assert len(client.priority.read()) == 3
        updated = client.priority.update({"agent_id": 1234, "queue_id": 1008, "level": 75})
        assert updated.total == 1
        assert list(client.priority.read(agent_id=1234, queue_id=1008)) == [Assignment(1234, 1008, 75)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tod_policy_create_read_update(sandbox: Sandbox, fmt: str) -> None:
    with sandbox.client(format=fmt) as client:  # type: ignore[arg-type]
        night = client.tod_policies.create(description="Night & <weekend>", default=DefaultAction.jump(1007))
        assert night.total == 1 and night.key
        batch = client.tod_policies.create([NewTodPolicy("Day", "queue"), {"description": "Lunch", "default": "voicemail"}])
        assert batch.total == 2
        assert night.key is not None
        (policy,) = client.tod_policies.read(policy_id=night.key)
        assert policy == TodPolicy(night.key, "Night & <weekend>", DefaultAction.jump(1007))
        assert len(client.tod_policies.read()) == 3
        assert client.tod_policies.update(night.key, description="Night").total == 1
        assert client.tod_policies.update([TodPolicyUpdate(night.key, default=DefaultAction.HANGUP)]).total == 1
        (policy,) = client.tod_policies.read(policy_id=night.key)
        assert (policy.description, policy.default) == ("Night", DefaultAction.HANGUP)


def test_records_are_recorded_and_faults_retried(sandbox: Sandbox) -> None:
    with sandbox.client(retries=2) as client:
        sandbox.push_fault("status", status=503, times=2)
        assert len(client.priority.read()) == 0
        assert len(sandbox.requests()) == 3
        sandbox.clear_requests()
        sandbox.push_fault("status", status=503, times=5)
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.priority.read()
        assert e.value.status == 503 and len(sandbox.requests()) == 3


def test_tod_create_is_never_repeated(sandbox: Sandbox) -> None:
    with sandbox.client(retries=3, timeout=0.3) as client:
        sandbox.push_fault("delay", ms=1000)
        with pytest.raises(contactnow.TransportError) as e:
            client.tod_policies.create(description="once", default="queue")
        assert e.value.outcome_unknown
    time.sleep(0.8)
    assert len([r for r in sandbox.requests() if r.action == "create"]) == 1


def test_http_status_after_a_tod_create_is_outcome_unknown(sandbox: Sandbox) -> None:
    with sandbox.client(retries=3) as client:
        # A 502 may come after the create was applied: not repeated, outcome unknown.
        sandbox.push_fault("status", status=502, method="tod_policy", action="create")
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.tod_policies.create(description="Maybe", default="queue")
        assert e.value.status == 502 and e.value.outcome_unknown is True
        assert "outcome unknown" in str(e.value)
        assert [(r.api_method, r.action, r.fault) for r in sandbox.requests()] == [("tod_policy", "create", "status 502")]
        assert len(client.tod_policies.read()) == 0, "the fault answered instead of the sandbox"

        # A 503 says the request was not processed: never outcome unknown, even for a create.
        sandbox.clear_requests()
        sandbox.push_fault("status", status=503, method="tod_policy", action="create")
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.tod_policies.create(description="Busy", default="queue")
        assert e.value.status == 503 and e.value.outcome_unknown is False
        assert len(sandbox.requests()) == 1

    # A read is repeatable (retried when retries allow): a 5xx on it is never outcome unknown.
    with sandbox.client(retries=0) as client:
        for status in (503, 502):
            sandbox.push_fault("status", status=status, method="tod_policy", action="read")
            with pytest.raises(contactnow.HttpStatusError) as e:
                client.tod_policies.read()
            assert e.value.status == status and e.value.outcome_unknown is False
            assert "outcome unknown" not in str(e.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_bodies_as_sent(sandbox: Sandbox, fmt: str) -> None:
    """The sandbox records the bodies: in XML a lone TOD policy or priority update record
    sits bare under ``<dxi>``, a batch (and every priority create) is wrapped per record."""
    with sandbox.client(format=fmt) as client:  # type: ignore[arg-type]
        client.priority.create(Assignment(1, 2, 3))
        client.priority.update(Assignment(1, 2, 4))
        key = client.tod_policies.create(description="Night", default="voicemail").key
        client.tod_policies.create([NewTodPolicy("A", "queue"), NewTodPolicy("B", "hangup")])
        client.tod_policies.update(key, description="N")
        client.tod_policies.update([TodPolicyUpdate(key, default="queue"), TodPolicyUpdate(key, description="M")])
    bodies = [(r.api_method, r.action, r.body) for r in sandbox.requests()]
    if fmt == "json":
        assert bodies == [
            ("priority", "create", '[{"agentid":"1","qid":"2","level":"3"}]'),
            ("priority", "update", '[{"agentid":"1","qid":"2","level":"4"}]'),
            ("tod_policy", "create", '[{"description":"Night","default":"voicemail"}]'),
            ("tod_policy", "create", '[{"description":"A","default":"queue"},{"description":"B","default":"hangup"}]'),
            ("tod_policy", "update", f'[{{"uid":"{key}","description":"N"}}]'),
            ("tod_policy", "update", f'[{{"uid":"{key}","default":"queue"}},{{"uid":"{key}","description":"M"}}]'),
        ]
        return
    decl = '<?xml version="1.0" encoding="utf-8"?>'
    assert bodies == [
        ("priority", "create", f"{decl}<dxi><priority><agentid>1</agentid><qid>2</qid><level>3</level></priority></dxi>"),
        ("priority", "update", f"{decl}<dxi><agentid>1</agentid><qid>2</qid><level>4</level></dxi>"),
        ("tod_policy", "create", f"{decl}<dxi><description>Night</description><default>voicemail</default></dxi>"),
        (
            "tod_policy",
            "create",
            f"{decl}<dxi><tod_policy><description>A</description><default>queue</default></tod_policy>"
            "<tod_policy><description>B</description><default>hangup</default></tod_policy></dxi>",
        ),
        ("tod_policy", "update", f"{decl}<dxi><uid>{key}</uid><description>N</description></dxi>"),
        (
            "tod_policy",
            "update",
            f"{decl}<dxi><tod_policy><uid>{key}</uid><default>queue</default></tod_policy>"
            f"<tod_policy><uid>{key}</uid><description>M</description></tod_policy></dxi>",
        ),
    ]


def test_api_error_fault_and_expired_token(sandbox: Sandbox) -> None:
    with sandbox.client(retries=0) as client:
        sandbox.push_fault("api_error", error="Database busy")
        with pytest.raises(contactnow.ApiError) as e:
            client.priority.read()
        assert e.value.message == "Database busy" and not e.value.token_rejected
        sandbox.expire_token()
        with pytest.raises(contactnow.ApiError) as e:
            client.priority.read()
        assert e.value.token_rejected
        assert sandbox.token not in str(e.value) and sandbox.token not in repr(client)


@pytest.mark.parametrize(
    "kind,options,field",
    [
        ("status", {"status": 42}, "fault.status"),
        ("status", {}, "fault.status"),
        ("delay", {"ms": 600_001}, "fault.ms"),
        ("delay", {}, "fault.ms"),
        ("reset", {"times": 0}, "fault.times"),
        ("nope", {}, "fault"),
        ("status", {"status": "503"}, "fault.status"),
        ("status", {"status": 503, "times": "2"}, "fault.times"),
        ("status", {"status": 503, "retry_after": "soon"}, "fault.retry_after"),
        ("delay", {"ms": -3}, "fault.ms"),
        ("reset", {"method": 5}, "fault.method"),
    ],
)
def test_invalid_faults_are_invalid_input_and_queue_nothing(sandbox: Sandbox, kind: str, options: dict, field: str) -> None:
    with pytest.raises(contactnow.InvalidInputError) as e:
        sandbox.push_fault(kind, **options)  # type: ignore[arg-type]
    assert e.value.field == field, e.value
    # The sandbox still works, and nothing was queued.
    with sandbox.client(retries=0) as client:
        assert client.priority.read().total == 0


def test_credentials_get_a_token(sandbox: Sandbox) -> None:
    username, password = sandbox.users[0]
    with contactnow.Client(username=username, password=password, base_url=sandbox.url) as client:
        assert client.priority.create(Assignment(5, 6, 7)).total == 1
        assert list(client.priority.read(agent_id=5)) == [Assignment(5, 6, 7)]
    with contactnow.Client(username=username, password="wrong", base_url=sandbox.url, retries=0) as client:
        with pytest.raises(contactnow.ApiError) as e:
            client.priority.read()
        assert "wrong" not in repr(e.value)


def test_the_kits_clients_take_every_client_option(sandbox: Sandbox) -> None:
    from contactnow.testing import CLIENT_TIMEOUT

    for make in (sandbox.client, sandbox.async_client):
        assert f"timeout={CLIENT_TIMEOUT}" in repr(make()), "a kit's client times out in seconds"
        assert "timeout=0.5, retries=0" in repr(make(timeout=0.5, retries=0))
        # Credentials instead of the kit's token: the client fetches one from token.php.
        username, password = sandbox.users[0]
        assert "auth=credentials(username='demo')" in repr(make(username=username, password=password))
        with pytest.raises(contactnow.InvalidInputError) as e:
            make(batch_size=0)
        assert e.value.field == "batch_size"
    username, password = sandbox.users[0]
    with sandbox.client(username=username, password=password, user_agent="kit-test/1") as client:
        assert client.priority.create(Assignment(5, 6, 7)).total == 1
    assert [r.action for r in sandbox.requests()] == ["get", "create"]
    with sandbox.client(max_response_bytes=10) as client:
        with pytest.raises(contactnow.DecodeError):
            client.priority.read()


#: The sandbox delay of each of two concurrent requests in the GIL and asyncio tests. Run
#: together they take about one delay; one after the other (the GIL held, the loop blocked),
#: at least two. The upper bound leaves most of a delay for slow shared machines.
DELAY_MS = 400
ONE_DELAY = DELAY_MS / 1000
CONCURRENT_LIMIT = 1.875 * ONE_DELAY  # 0.75 s: sequential would be >= 0.8 s


def assert_overlapped(sandbox: Sandbox, elapsed: float) -> None:
    """Both requests were delayed (the fault applied), and the delays overlapped."""
    delayed = [r for r in sandbox.requests() if r.fault == f"delay {DELAY_MS} ms"]
    assert len(delayed) == 2, f"expected two delayed requests: {sandbox.requests()}"
    assert ONE_DELAY <= elapsed < CONCURRENT_LIMIT, f"two {DELAY_MS} ms requests took {elapsed:.3f} s"


def test_gil_released_with_sandbox_delay(sandbox: Sandbox) -> None:
    client = sandbox.client()
    client.priority.read()
    sandbox.clear_requests()
    sandbox.push_fault("delay", ms=DELAY_MS, times=2)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            client.priority.read()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert not errors, errors
    assert_overlapped(sandbox, elapsed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_async_client_against_sandbox(sandbox: Sandbox, fmt: str) -> None:
    async def main() -> None:
        async with AsyncClient(token=sandbox.token, base_url=sandbox.url, format=fmt) as client:  # type: ignore[arg-type]
            assert (await client.priority.create([Assignment(1, 2, 3), Assignment(4, 5, 6)])).total == 2
            assert (await client.priority.update(Assignment(1, 2, 9))).total == 1
            assert list(await client.priority.read(agent_id=1)) == [Assignment(1, 2, 9)]
            key = (await client.tod_policies.create(description="a", default="hangup")).key
            assert key is not None
            assert (await client.tod_policies.update(key, default="voicemail")).total == 1
            (policy,) = await client.tod_policies.read(policy_id=key)
            assert policy.default == DefaultAction.VOICEMAIL
            sandbox.clear_requests()
            sandbox.push_fault("delay", ms=DELAY_MS, times=2)
            start = time.perf_counter()
            await asyncio.gather(client.priority.read(), client.tod_policies.read())
            assert_overlapped(sandbox, time.perf_counter() - start)

    asyncio.run(main())


def test_faults_are_typed_and_requests_structured(sandbox: Sandbox) -> None:
    with pytest.raises(contactnow.InvalidInputError) as e:
        sandbox.push_fault("delay", status=503)
    assert e.value.field == "fault.status" and "delay" in e.value.reason
    with pytest.raises(contactnow.InvalidInputError):
        sandbox.push_fault("status")
    sandbox.push_fault("status", status=503, retry_after=0, method="priority", action="read")
    with sandbox.client() as client:
        client.priority.read(agent_id=1234)
    first, second = sandbox.requests()
    assert (first.api_method, first.action, first.fault, second.fault) == ("priority", "read", "status 503", None)
    assert first.params["agent"] == "1234" and first.params["token"] == "***"
    assert sandbox.token not in str(first)


def test_the_kit_takes_tokens_and_an_account_id() -> None:
    with Sandbox(tokens=["tok-KIT-1"], account_id=4242) as sandbox:
        assert sandbox.token == "tok-KIT-1"
        with sandbox.client() as client:
            assert client.priority.create(Assignment(1, 2, 3)).account_id == 4242


def test_the_kit_names_each_bad_option_and_refuses_use_once_stopped() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"seed": "full"}, "seed"),
        ({"account_id": 0}, "account_id"),
        ({"tokens": [""]}, "tokens"),
        ({"tokens": []}, "tokens"),
        ({"tokens": "tok"}, "tokens"),
    ]
    for options, field in cases:
        with pytest.raises(contactnow.InvalidInputError) as e:
            Sandbox(**options)
        assert e.value.field == field, options
    sandbox = Sandbox()
    sandbox.stop()
    sandbox.stop()
    assert sandbox.stopped
    assert sandbox.url.startswith("http://127.0.0.1:") and sandbox.token, "still readable"
    for use in (
        sandbox.requests,
        sandbox.request_count,
        sandbox.reset,
        lambda: sandbox.push_fault("reset"),
        sandbox.client,
        sandbox.async_client,
    ):
        with pytest.raises(contactnow.InvalidInputError) as e:
            use()
        assert e.value.field == "sandbox"
