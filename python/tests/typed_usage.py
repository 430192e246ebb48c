"""Checked with ``mypy --strict``: the public API as a typed caller uses it (not run)."""

from __future__ import annotations

import asyncio
import copy
import pickle
from typing import Any

import contactnow
from contactnow import (
    ApiError,
    Assignment,
    AsyncClient,
    Client,
    ContactNowError,
    DefaultAction,
    InvalidInputError,
    Listing,
    NewTodPolicy,
    TodPolicy,
    TodPolicyUpdate,
    WriteResult,
    core,
)
from contactnow.testing import Sandbox


def sync_usage(client: Client) -> int:
    result: WriteResult = client.priority.create([Assignment(1, 2, 3), {"agent_id": 4, "qid": 5, "level": 6}])
    listing: Listing[Assignment] = client.priority.read(agent_id=1)
    levels: list[int] = [a.level for a in listing]
    first: Assignment = listing[0]
    client.priority.update(Assignment(first.agent_id, first.queue_id, 10))
    created = client.tod_policies.create(description="Night", default=DefaultAction.jump(1007))
    client.tod_policies.create([NewTodPolicy("Day", "queue"), {"description": "x", "default": DefaultAction.HANGUP}])
    policies: Listing[TodPolicy] = client.tod_policies.read(policy_id=created.key)
    for policy in policies.records:
        action: DefaultAction = policy.default
        qid: int | None = action.queue_id
        print(policy.uid, policy.description, action.value, action.kind, qid)
    client.tod_policies.update(5, description="Renamed")
    client.tod_policies.update([TodPolicyUpdate(5, default="voicemail"), policies[0]])
    return result.total + sum(levels)


def errors(client: Client) -> str:
    try:
        client.priority.read()
    except ApiError as e:
        return f"{e.message} {e.total} {e.bad} {e.partial} {e.token_rejected}"
    except InvalidInputError as e:
        return e.field
    except contactnow.TransportError as e:
        return str(e.outcome_unknown)
    except contactnow.HttpStatusError as e:
        return str(e.status)
    except ContactNowError as e:
        return e.kind
    return ""


def sans_io() -> int:
    request = core.build_request("priority.create", {"records": [{"agent_id": 1, "queue_id": 2, "level": 3}]}, token="T")
    method: str = request.method
    body: bytes = request.body
    headers: list[tuple[str, str]] = request.headers
    print(method, request.redacted_url, body, headers)
    written: WriteResult = core.parse_response("priority.create", 200, "application/json", b"{}")
    listing: Listing[TodPolicy] = core.parse_response("tod_policy.read", 200, None, "{}", format="xml")
    grant: core.TokenGrant = core.parse_response("token.get", 200, None, b"{}")
    return written.total + len(listing) + grant.expire


def pickling(listing: Listing[Assignment], error: ApiError) -> int:
    back: Listing[Assignment] = pickle.loads(pickle.dumps(listing))
    cached: Listing[Assignment] = copy.deepcopy(listing)
    action: DefaultAction = copy.copy(DefaultAction.from_wire("transfer:9"))
    status = core.TokenStatus(1700000000)
    grant: core.TokenGrant = copy.deepcopy(core.parse_response("token.get", 200, None, b"{}"))
    raised: ApiError = pickle.loads(pickle.dumps(error))
    print(action, grant.expire, raised.message, raised.partial)
    return len(back) + len(cached) + status.expire


async def async_usage() -> None:
    async with AsyncClient(token="t", base_url="http://127.0.0.1:1") as client:
        listing: Listing[Assignment] = await client.priority.read(queue_id=3)
        written: WriteResult = await client.tod_policies.create(description="a", default="hangup")
        task: asyncio.Task[Listing[TodPolicy]] = asyncio.create_task(client.tod_policies.read())
        generic: dict[str, Any] = await client.call("queues", "read", filters={"qid": 1})
        output: Any = await client.execute("token.validate", {"token": "t"})
        print(listing, written, await task, generic, output)
    other = AsyncClient(token="t", timeout=None, retries=None, sender=lambda request, timeout: (200, None, b""))
    await other.aclose()


def kit_misuse(sandbox: Sandbox) -> None:
    """What the typings refuse (each would raise too)."""
    sandbox.client(base_url=sandbox.url)  # type: ignore[call-arg]  # the kit's URL, always
    sandbox.async_client(timeout="5")  # type: ignore[arg-type]


def with_sandbox() -> None:
    with Sandbox() as sandbox:
        sandbox.push_fault("delay", ms=200, times=2)
        sandbox.push_fault("status", status=503)
        with Client(token=sandbox.token, base_url=sandbox.url) as client:
            sync_usage(client)
        with sandbox.client(format="xml") as client:
            errors(client)
        with sandbox.client(username="demo", password="demo-password", user_agent="kit/1", retries=0) as client:
            sync_usage(client)
        requests: list[contactnow.testing.RecordedRequest] = sandbox.requests()
        print([(r.method, r.path, r.action, r.fault) for r in requests])
        sandbox.expire_token()
        sandbox.reset()
    asyncio.run(async_usage())
