"""The native ``AsyncClient`` against the sandbox: many calls in flight on no thread of their
own, cancellation (before sending, in a retry pause, after a TOD create was sent), timeouts,
errors, ``sender=`` in the executor, and the coroutine protocol (tasks, task groups)."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable
from typing import Any, Callable

import pytest

import contactnow
from contactnow import Assignment, AsyncClient, DefaultAction, core
from contactnow.testing import Sandbox

#: Every request of the sandbox is delayed this long in the concurrency tests.
DELAY_MS = 100
#: Apply a fault to every later request.
EVERY = 2**32 - 1


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Waits until ``predicate()`` holds, polling."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


def os_threads() -> int:
    """The threads of this process (the OS's count where it gives one)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def seed(sandbox: Sandbox, agents: int) -> list[Assignment]:
    """Agents 1..agents, each in queue 7000 + agent, written with the blocking client."""
    records = [Assignment(agent, 7000 + agent, agent % 100) for agent in range(1, agents + 1)]
    with sandbox.client() as client:
        client.priority.create(records)
    return records


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    """``asyncio.run(main())``."""
    return asyncio.run(main())  # type: ignore[arg-type]


def test_256_calls_in_flight_all_complete_and_are_correct(sandbox: Sandbox) -> None:
    records = seed(sandbox, 128)
    sandbox.clear_requests()
    sandbox.push_fault("delay", ms=DELAY_MS, times=EVERY)

    async def main() -> tuple[list[Any], float]:
        async with sandbox.async_client() as client:
            start = time.perf_counter()
            reads = [client.priority.read(agent_id=a.agent_id) for a in records]
            reads += [client.priority.read(queue_id=a.queue_id) for a in records]
            results = await asyncio.gather(*reads)
            return results, time.perf_counter() - start

    results, elapsed = run(main)
    assert [list(r) for r in results] == [[a] for a in records] * 2
    # Not one after another (256 x 100 ms), nor in waves of a thread pool.
    assert elapsed < 20 * DELAY_MS / 1000, elapsed
    assert len(sandbox.requests()) == 256


def test_no_thread_per_call_in_flight(sandbox: Sandbox) -> None:
    sandbox.push_fault("delay", ms=400, times=EVERY)

    async def main() -> tuple[int, int, int, int]:
        async with sandbox.async_client() as client:
            await client.tod_policies.read()  # the runtime is up
            before = (threading.active_count(), os_threads())
            calls = asyncio.gather(*[client.priority.read() for _ in range(64)])
            await until(lambda: len(sandbox.requests()) == 65)
            during = (threading.active_count(), os_threads())
            await calls
            return (*before, *during)

    py_before, os_before, py_during, os_during = run(main)
    assert py_during <= py_before + 1, (py_before, py_during)
    # The runtime's blocking pool (at most 4 threads) may grow; nothing per call.
    assert os_during <= os_before + 4, (os_before, os_during)


def test_cancelling_in_a_retry_pause_sends_nothing_more(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="contactnow")
    sandbox.push_fault("status", status=503, retry_after=1, method="priority")

    async def main() -> None:
        async with sandbox.async_client() as client:
            task = asyncio.create_task(client.priority.read())
            await until(lambda: len(sandbox.requests()) == 1)
            await asyncio.sleep(0.2)  # in the pause of at least 1 s now
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(1.5)  # longer than the pause

    run(main)
    assert [r.fault for r in sandbox.requests()] == ["status 503"]
    ends = [r for r in caplog.records if getattr(r, "event", None) == "call.end"]
    assert [(r.result, r.outcome_unknown) for r in ends] == [("Cancelled", False)]  # type: ignore[attr-defined]


def test_a_cancelled_tod_create_in_flight_logs_outcome_unknown(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="contactnow")
    sandbox.push_fault("delay", ms=800, method="tod_policy", action="create")

    def ends() -> list[logging.LogRecord]:
        return [r for r in caplog.records if getattr(r, "event", None) == "call.end"]

    async def main() -> None:
        async with sandbox.async_client() as client:
            task = asyncio.create_task(client.tod_policies.create(description="Night", default=DefaultAction.HANGUP))
            await until(lambda: len(sandbox.requests()) == 1)  # sent; the server waits
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
            assert type(info.value) is asyncio.CancelledError
            # Logged from the runtime thread that drops the call's future.
            await until(lambda: len(ends()) == 1, timeout=2.0)
            # The server still applies it: that is why the outcome is unknown.
            await asyncio.sleep(1.0)
            assert [p.description for p in await client.tod_policies.read()] == ["Night"]

    run(main)
    end, read = ends()
    assert read.result == "ok"  # type: ignore[attr-defined]
    assert (end.result, end.outcome_unknown, end.attempts) == ("Cancelled", True, 1)  # type: ignore[attr-defined]
    # The duration runs to the cancel: it counts the time the request was in flight.
    assert end.duration_ms >= 200, end.duration_ms  # type: ignore[attr-defined]
    assert end.levelno == logging.INFO and end.name == "contactnow"
    assert end.thread != threading.get_ident()  # a thread of the runtime, not the loop's
    assert sandbox.token not in end.getMessage()


def test_a_call_cancelled_before_it_starts_sends_nothing(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client() as client:
            task = asyncio.create_task(client.tod_policies.create(description="x", default="hangup"))
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.2)

    run(main)
    assert sandbox.requests() == []


def test_a_timeout_still_works_and_the_client_goes_on(sandbox: Sandbox) -> None:
    sandbox.push_fault("delay", ms=3000, method="priority")

    async def main() -> float:
        async with sandbox.async_client(timeout=0.3, retries=0) as client:
            start = time.perf_counter()
            with pytest.raises(contactnow.TimeoutError) as info:
                await client.priority.read()
            elapsed = time.perf_counter() - start
            assert isinstance(info.value, TimeoutError) and info.value.outcome_unknown is False
            assert len(await client.priority.read()) == 0
            return elapsed

    assert run(main) < 2.0
    assert len(sandbox.requests()) == 2


def test_asyncio_wait_for_cancels_the_request(sandbox: Sandbox) -> None:
    sandbox.push_fault("delay", ms=2000, method="priority")

    async def main() -> None:
        async with sandbox.async_client() as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.priority.read(), 0.2)

    start = time.perf_counter()
    run(main)
    assert time.perf_counter() - start < 1.5


def test_errors_are_those_of_the_blocking_client(sandbox: Sandbox) -> None:
    sandbox.push_fault("status", status=500, times=3, method="tod_policy")
    sandbox.push_fault("api_error", error="Invalid token", method="priority")

    async def main() -> None:
        async with sandbox.async_client() as client:
            with pytest.raises(contactnow.HttpStatusError) as http:
                await client.tod_policies.read()
            assert http.value.status == 500
            with pytest.raises(contactnow.ApiError) as api:
                await client.priority.read()
            assert api.value.token_rejected
            assert sandbox.token not in str(api.value) and sandbox.token not in repr(api.value)

    run(main)


def test_bad_input_raises_when_the_call_is_made() -> None:
    client = AsyncClient(token="t", base_url="http://127.0.0.1:9")
    with pytest.raises(contactnow.InvalidInputError) as info:
        _ = client.priority.create([{"agent_id": 1, "queue_id": 2, "level": -1}])
    assert info.value.field == "records[0].level"
    # Checks of values too (they are made as the request is built): no coroutine is made.
    for make, field in [
        (lambda: client.priority.create([]), "records"),
        (lambda: client.priority.read(agent_id=0), "agent_id"),
        (lambda: client.tod_policies.create(description="", default="queue"), "records[0].description"),
        (lambda: client.tod_policies.create(description="d", default="jump:x"), "records[0].default"),
        (lambda: client.tod_policies.update(5), "records[0]"),
    ]:
        with pytest.raises(contactnow.InvalidInputError) as info:
            make()
        assert info.value.field.startswith(field), info.value
    with pytest.raises(contactnow.InvalidInputError):
        AsyncClient(token="t", timeout=0)
    with pytest.raises(contactnow.InvalidInputError):
        AsyncClient(token="t", base_url="http://example.com")


def test_calls_are_coroutines_for_tasks_and_task_groups(sandbox: Sandbox) -> None:
    seed(sandbox, 3)

    async def main() -> None:
        async with sandbox.async_client() as client:
            call = client.priority.read(agent_id=1)
            assert inspect.iscoroutine(call)
            assert list(await call) == [Assignment(1, 7001, 1)]
            tasks = [asyncio.create_task(client.priority.read(agent_id=a)) for a in (2, 3)]
            assert [len(await t) for t in tasks] == [1, 1]
            assert await client.execute("priority.read", {"agent_id": 2}) == await client.priority.read(agent_id=2)
            generic = await client.call("priority", "read", filters={"agent": 3})
            assert [r["qid"] for r in generic["records"]] == ["7003"]
            written = await client.priority.update({"agent_id": 3, "queue_id": 7003, "level": 9})
            assert written.total == 1
            made = await client.tod_policies.create([{"description": "Day", "default": "queue"}])
            assert (await client.tod_policies.update(made.key or 0, default="voicemail")).total == 1

    run(main)


def test_close_aclose_and_async_with(sandbox: Sandbox) -> None:
    async def main() -> None:
        client = sandbox.async_client()
        assert repr(client).startswith("AsyncClient(base_url=") and sandbox.token not in repr(client)
        async with client as entered:
            assert entered is client
        assert client.closed
        with pytest.raises(contactnow.ContactNowError):
            _ = client.priority.read()
        other = sandbox.async_client()
        await other.aclose()
        assert other.closed
        await other.close()
        # close() closes at once; awaiting it is for symmetry (e.g. in a sync `finally`).
        third = sandbox.async_client()
        pending = third.close()
        assert third.closed
        await pending

    run(main)


def test_clients_cannot_be_copied_or_pickled(sandbox: Sandbox) -> None:
    import copy
    import pickle

    for client in (sandbox.client(), sandbox.async_client()):
        for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="cannot be copied"):
                attempt(client)


def test_a_sender_client_runs_its_calls_in_the_executor(sandbox: Sandbox) -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    seen: list[tuple[str, bool]] = []
    main_thread = threading.get_ident()

    def send(request: core.Request, timeout: float) -> tuple[int, str, bytes]:
        seen.append((var.get(), threading.get_ident() != main_thread))
        return 200, "application/json", b'{"success":true,"total":0,"list":[]}'

    async def main() -> None:
        var.set("caller")
        async with AsyncClient(token="t", base_url="http://127.0.0.1:9", sender=send) as client:
            assert "sender" not in repr(client)
            assert len(await client.priority.read()) == 0

    run(main)
    assert seen == [("caller", True)]


#: Ends right after a burst of answers, with calls still in flight (cancelled by
#: ``asyncio.run`` as it ends, so dropped on the runtime) and logging on: the runtime's threads
#: are handing answers over and logging while the interpreter exits.
EXIT_RIGHT_AFTER_CALLS = """
import asyncio, logging, os
from contactnow.testing import Sandbox
logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))
sandbox = Sandbox()
async def main():
    client = sandbox.async_client()
    await asyncio.gather(*[client.priority.read() for _ in range(300)])
    for _ in range(50):
        asyncio.ensure_future(client.priority.read())
asyncio.run(main())
"""


def test_the_interpreter_exits_cleanly_right_after_calls() -> None:
    # Before the exit hook (exit.rs), about one run in seven aborted in PyGILState_Release.
    for _ in range(12):
        done = subprocess.run([sys.executable, "-c", EXIT_RIGHT_AFTER_CALLS], capture_output=True, text=True)
        assert (done.returncode, done.stderr) == (0, "")


#: An ``atexit`` hook registered before contactnow is imported runs after its own: a call
#: then is refused at once (the runtime no longer hands answers over), it does not hang.
CALL_AFTER_THE_EXIT_HOOK = """
import asyncio, atexit
def late():
    import contactnow
    try:
        asyncio.run(client.priority.read())
    except contactnow.ContactNowError as e:
        print("refused:", e)
atexit.register(late)
from contactnow.testing import Sandbox
sandbox = Sandbox()
client = sandbox.async_client()
asyncio.run(client.priority.read())
"""


def test_a_call_after_the_exit_hook_is_refused() -> None:
    done = subprocess.run([sys.executable, "-c", CALL_AFTER_THE_EXIT_HOOK], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused: the interpreter is exiting"), done.stdout
