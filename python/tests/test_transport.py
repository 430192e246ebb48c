"""The clients over real HTTP against a scripted local server: GIL release, asyncio,
timeouts, retries and redaction."""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from collections.abc import Iterator

import pytest

import contactnow
from contactnow import Assignment, AsyncClient, Client

import fakeserver
from fakeserver import FakeServer, Reply

SECRET = "tok-SECRET-7c1d-e5f0-PLEASE-NEVER-PRINT"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = fakeserver.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def client_for(server: FakeServer, **kwargs: object) -> Client:
    return Client(token=SECRET, base_url=server.url, **kwargs)  # type: ignore[arg-type]


def test_read_and_write(server: FakeServer) -> None:
    with client_for(server) as client:
        assert list(client.priority.read(agent_id=7)) == [Assignment(7, 9, 100)]
        assert client.tod_policies.create(description="Night", default="hangup").key == 42
    assert "agent=7" in server.paths[0]


#: The delay of each of two concurrent requests in the GIL and asyncio tests. Run together
#: they take about one delay; one after the other (the GIL held, the loop blocked), at least
#: two. The upper bound leaves most of a delay for slow shared machines.
DELAY = 0.4
CONCURRENT_LIMIT = 1.875 * DELAY  # 0.75 s: sequential would be >= 0.8 s


def test_gil_is_released_during_io(server: FakeServer) -> None:
    client = client_for(server)
    client.priority.read()  # warm the pool
    server.paths.clear()
    server.default = Reply(delay=DELAY)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(client.priority.read())) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert len(results) == 2 and len(server.paths) == 2
    assert elapsed >= DELAY, f"{elapsed:.3f} s: the delay did not apply"
    assert elapsed < CONCURRENT_LIMIT, f"two {DELAY} s requests in two threads took {elapsed:.3f} s: the GIL was held"


def test_async_client_does_not_block_the_loop(server: FakeServer) -> None:
    server.default = Reply(delay=DELAY)

    async def main() -> tuple[float, int]:
        async with AsyncClient(token=SECRET, base_url=server.url) as client:
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            task = asyncio.create_task(ticker())
            start = time.perf_counter()
            a, b = await asyncio.gather(client.priority.read(), client.priority.read(agent_id=7))
            elapsed = time.perf_counter() - start
            task.cancel()
            assert len(server.paths) == 2, "both requests reached the server"
            server.default = Reply()
            assert list(a) == list(b) == [Assignment(7, 9, 100)]
            written = await client.priority.create({"agent_id": 1, "queue_id": 2, "level": 3})
            assert written.total == 1
        assert client.closed
        return elapsed, ticks

    elapsed, ticks = asyncio.run(main())
    assert elapsed >= DELAY, f"{elapsed:.3f} s: the delay did not apply"
    assert elapsed < CONCURRENT_LIMIT, f"two concurrent awaited {DELAY} s requests took {elapsed:.3f} s"
    # 10 ms ticks: about 40 in 400 ms when the loop runs freely, none while it is blocked.
    assert ticks >= 10, f"the event loop ticked only {ticks} times during {DELAY} s of I/O"


def test_retry_on_503_then_success(server: FakeServer) -> None:
    server.script = [Reply(status=503, body=b"busy"), Reply(status=503, body=b"busy")]
    with client_for(server, retries=2) as client:
        assert len(client.priority.read()) == 1
    assert len(server.paths) == 3


def test_http_status_after_retries_and_no_retry_for_tod_create(server: FakeServer) -> None:
    server.default = Reply(status=503, body=b"busy")
    with client_for(server, retries=1) as client:
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.priority.read()
        assert e.value.status == 503 and len(server.paths) == 2 and e.value.outcome_unknown is False
        server.paths.clear()
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.tod_policies.create(description="x", default="queue")
        assert len(server.paths) == 1, "a TOD policy create must never be repeated"
        assert e.value.outcome_unknown is False, "a 503 says the request was not processed"


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_after_a_tod_create_is_outcome_unknown(server: FakeServer, status: int) -> None:
    server.default = Reply(status=status, body=b"upstream trouble")
    with client_for(server, retries=3) as client:
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.tod_policies.create(description="x", default="queue")
        assert (e.value.status, e.value.outcome_unknown) == (status, True)
        assert "outcome unknown" in str(e.value)
        assert len(server.paths) == 1, "a TOD policy create must never be repeated"
    with client_for(server, retries=0) as client:
        # Repeatable calls have nothing to be unsure about.
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.priority.read()
        assert (e.value.status, e.value.outcome_unknown) == (status, False)
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.priority.update({"agent_id": 1, "queue_id": 2, "level": 3})
        assert (e.value.status, e.value.outcome_unknown) == (status, False)
        server.default = Reply(status=404, body=b"not found")
        with pytest.raises(contactnow.HttpStatusError) as e:
            client.tod_policies.create(description="x", default="queue")
        assert (e.value.status, e.value.outcome_unknown) == (404, False)


def test_unreadable_answer_to_a_tod_create_is_outcome_unknown(server: FakeServer) -> None:
    server.default = Reply(body=b"<html>proxy error</html>")
    with client_for(server, retries=3) as client:
        with pytest.raises(contactnow.DecodeError) as e:
            client.tod_policies.create(description="x", default="queue")
        assert e.value.outcome_unknown is True and "outcome unknown" in str(e.value)
        assert len(server.paths) == 1
        with pytest.raises(contactnow.DecodeError) as e:
            client.priority.read()
        assert e.value.outcome_unknown is False


def test_timeout_is_a_transport_error_and_builtin_timeout(server: FakeServer) -> None:
    server.default = Reply(delay=3.0)
    with client_for(server, timeout=0.2, retries=0) as client:
        start = time.perf_counter()
        with pytest.raises(contactnow.TimeoutError) as e:
            client.priority.read()
        elapsed = time.perf_counter() - start
    # Not before the 0.2 s timeout (a little slack for clock granularity), long before the
    # server's 3 s answer.
    assert 0.18 <= elapsed < 2.0, f"a 0.2 s timeout took {elapsed:.3f} s"
    assert len(server.paths) == 1
    assert isinstance(e.value, contactnow.TransportError)
    assert isinstance(e.value, TimeoutError)
    assert e.value.kind == "Timeout" and e.value.outcome_unknown is False


def test_tod_create_timeout_is_outcome_unknown(server: FakeServer) -> None:
    server.default = Reply(delay=1.0)
    with client_for(server, timeout=0.2, retries=3) as client:
        with pytest.raises(contactnow.TransportError) as e:
            client.tod_policies.create(description="x", default="queue")
    assert e.value.outcome_unknown is True
    assert len(server.paths) == 1


def test_api_error_over_http(server: FakeServer) -> None:
    server.default = Reply(body=b'{"success":false,"error":"Expired token","expire":-1}')
    with client_for(server, retries=0) as client:
        with pytest.raises(contactnow.ApiError) as e:
            client.priority.read()
    assert e.value.message == "Expired token" and e.value.token_rejected


def all_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
    parts += [repr(v) for v in vars(exc).values()]
    return "\n".join(parts)


def test_token_never_printed(server: FakeServer) -> None:
    client = client_for(server, retries=0)
    assert SECRET not in repr(client) and SECRET not in str(client)
    assert SECRET not in repr(client.priority) and SECRET not in repr(client.tod_policies)
    server.default = Reply(status=500, echo_path=True)
    with pytest.raises(contactnow.HttpStatusError) as e:
        client.priority.read()
    assert "database.php" in e.value.excerpt  # the echoed URL is there, its token is not
    assert SECRET not in all_text(e.value)
    server.default = Reply(status=200, echo_path=True)
    with pytest.raises(contactnow.DecodeError) as d:
        client.priority.read()
    assert SECRET not in all_text(d.value)
    server.default = Reply(body=b'{"success":false,"error":"Invalid token ' + SECRET.encode() + b'"}')
    with pytest.raises(contactnow.ApiError) as a:
        client.priority.read()
    assert SECRET not in all_text(a.value)
    # connection refused: ureq's error text may carry the URL
    port_closed = Client(token=SECRET, base_url="http://127.0.0.1:1", retries=0)
    with pytest.raises(contactnow.TransportError) as t:
        port_closed.priority.read()
    assert SECRET not in all_text(t.value)


def test_password_never_printed() -> None:
    client = Client(username="api-user", password=SECRET, base_url="http://127.0.0.1:1", retries=0)
    assert SECRET not in repr(client) and "api-user" in repr(client)
    with pytest.raises(contactnow.TransportError) as e:
        client.priority.read()
    assert SECRET not in all_text(e.value)


def test_a_short_secret_leaves_the_sdks_words_whole() -> None:
    # Hiding every "e" of "must be a positive id" would mangle it, and where the stars fell
    # would show the secret; standing alone it is still hidden.
    with pytest.raises(contactnow.InvalidInputError) as e:
        Client(token="e", base_url="http://127.0.0.1:1").priority.read(agent_id=0)
    assert "must be a positive id" in str(e.value) and "***" not in str(e.value)
    with pytest.raises(contactnow.InvalidInputError) as e:
        Client(username="u", password="pw", base_url="http://127.0.0.1:1").tod_policies.create(
            description="x", default="jump:pw"
        )
    assert '"jump:***"' in str(e.value) and "pw" not in str(e.value), str(e.value)
