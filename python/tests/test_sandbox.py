"""Integration: both clients against the in-process Rust sandbox, all six operations in
both formats, faults and retries, token expiry."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

import contactnow
from contactnow import Assignment, AsyncClient, DefaultAction, NewTodPolicy, TodPolicy, TodPolicyUpdate
from contactnow.testing import Sandbox

FORMATS = ["json", "xml"]


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Sandbox:
    shared_sandbox.reset()
    return shared_sandbox


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


def test_credentials_get_a_token(sandbox: Sandbox) -> None:
    username, password = sandbox.users[0]
    with contactnow.Client(username=username, password=password, base_url=sandbox.url) as client:
        assert client.priority.create(Assignment(5, 6, 7)).total == 1
        assert list(client.priority.read(agent_id=5)) == [Assignment(5, 6, 7)]
    with contactnow.Client(username=username, password="wrong", base_url=sandbox.url, retries=0) as client:
        with pytest.raises(contactnow.ApiError) as e:
            client.priority.read()
        assert "wrong" not in repr(e.value)


def test_gil_released_with_sandbox_delay(sandbox: Sandbox) -> None:
    client = sandbox.client()
    client.priority.read()
    sandbox.push_fault("delay", ms=200, times=2)
    threads = [threading.Thread(target=client.priority.read) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.35, f"took {elapsed:.3f} s"


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
            sandbox.push_fault("delay", ms=200, times=2)
            start = time.perf_counter()
            await asyncio.gather(client.priority.read(), client.tod_policies.read())
            assert time.perf_counter() - start < 0.35

    asyncio.run(main())
