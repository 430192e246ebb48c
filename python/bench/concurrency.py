"""Benchmark (not a test): many calls in flight, contactnow.AsyncClient against aiohttp.

Against the in-process sandbox with a server-side delay on every request (the ``delay``
fault pushed once with ``times=2**32 - 1``), both sides sending the identical URL (the one
``contactnow.core.build_request`` makes for ``priority.read``) and making objects of the
answer (the baseline with ``json.loads`` + dataclasses, as in ``bench.py``):

1. N concurrent ``priority.read`` (N = 64 and 256) with ``asyncio.gather``: the AsyncClient
   with default settings vs one aiohttp ``ClientSession`` with default settings (keep-alive;
   its connector opens at most 100 connections, so it is also shown with ``limit=0``).
   Alternating rounds, medians of the wall times; ratio = contactnow / aiohttp (goal <= 1.1x).
2. Sequential awaited round trips without the delay: ``await client.priority.read()`` in a
   loop vs an aiohttp loop; ratio = contactnow rate / aiohttp rate (goal >= 0.9x); and the
   event loop thread's CPU time per call (``time.thread_time``), what a busy service runs short of.
3. Memory per call in flight: the RSS increase of a fresh process (one per side, after one
   warm-up call) with 256 calls waiting on the server (a 1 s delay), divided by 256: the
   connection each call opens is in it, and so is the sandbox's share, for both sides
   (aiohttp with ``limit=0``, so that all 256 are in flight); and the process's threads then.

Run (release build): ``cd python && maturin develop --release && python bench/concurrency.py``
(needs ``aiohttp``). ``--rounds N`` sets the rounds of parts 1 and 2 (default 9).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable
from typing import Any, Callable

import aiohttp
import yarl

from bench import Assignment, baseline_json
from contactnow import AsyncClient, core
from contactnow.testing import Sandbox

#: The server-side delay of every request in parts 1 and 3.
DELAY_MS = 100
MEMORY_DELAY_MS = 1000
#: Apply a fault to every later request (the most ``times`` the sandbox takes).
EVERY = 2**32 - 1
SIZES = (64, 256)


def rss_bytes() -> int:
    """The resident set size of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def os_threads() -> int:
    """The threads of this process."""
    return len(os.listdir("/proc/self/task"))


class Baseline:
    """aiohttp with one session: the request contactnow sends, its answer made into objects."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = yarl.URL(url, encoded=True)  # sent exactly as built

    async def read(self) -> list[Assignment]:
        async with self.session.get(self.url, headers={"Accept": "application/json"}) as resp:
            if resp.status != 200:
                raise RuntimeError(resp.status)
            return baseline_json(await resp.read())


async def wall(calls: Callable[[], list[Awaitable[Any]]]) -> float:
    """The wall time of awaiting all of ``calls()`` at once."""
    start = time.perf_counter()
    await asyncio.gather(*calls())
    return time.perf_counter() - start


async def in_flight(side: str, n: int) -> tuple[float, int, int]:
    """In this (fresh) process: bytes of RSS per call and the threads, before and while ``n``
    calls of ``side`` wait on the server."""
    with Sandbox() as sandbox:
        url = core.build_request("priority.read", token=sandbox.token, base_url=sandbox.url).url
        async with contextlib.AsyncExitStack() as stack:
            if side == "contactnow":
                client = await stack.enter_async_context(AsyncClient(token=sandbox.token, base_url=sandbox.url))
                call: Callable[[], Awaitable[Any]] = client.priority.read
            else:
                session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
                call = Baseline(await stack.enter_async_context(session), url).read
            await call()
            sandbox.push_fault("delay", ms=MEMORY_DELAY_MS, times=EVERY)
            sandbox.clear_requests()
            gc.collect()
            before, idle = rss_bytes(), os_threads()
            pending = asyncio.gather(*[call() for _ in range(n)])
            while len(sandbox.requests()) < n:
                await asyncio.sleep(0.02)
            during, threads = rss_bytes(), os_threads()
            await pending
    return (during - before) / n, idle, threads


def memory(side: str, n: int) -> tuple[float, int, int]:
    """:func:`in_flight` of ``side`` in a new process."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory", side, "--calls", str(n)], check=True, capture_output=True, text=True
    )
    per_call, idle, threads = json.loads(out.stdout)
    return float(per_call), int(idle), int(threads)


async def main(rounds: int) -> None:
    print(f"Python {sys.version.split()[0]}, aiohttp {aiohttp.__version__}, {os.cpu_count()} CPUs")
    with Sandbox() as sandbox:
        with sandbox.client() as seed:
            seed.priority.create([{"agent_id": 1, "queue_id": 2, "level": 3}])
        url = core.build_request("priority.read", token=sandbox.token, base_url=sandbox.url).url
        async with contextlib.AsyncExitStack() as stack:
            client = await stack.enter_async_context(AsyncClient(token=sandbox.token, base_url=sandbox.url))
            default_session = await stack.enter_async_context(aiohttp.ClientSession())
            no_limit = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
            unlimited_session = await stack.enter_async_context(no_limit)
            default, unlimited = Baseline(default_session, url), Baseline(unlimited_session, url)
            expected = [Assignment(1, 2, 3)]
            assert [(a.agent_id, a.queue_id, a.level) for a in await client.priority.read()] == [(1, 2, 3)]
            assert await default.read() == expected and await unlimited.read() == expected

            # 2. Sequential round trips, no delay.
            async def loop(call: Callable[[], Awaitable[Any]], n: int) -> tuple[float, float]:
                """Round trips per second, and the event loop's CPU time per call."""
                start, cpu = time.perf_counter(), time.thread_time()
                for _ in range(n):
                    await call()
                return n / (time.perf_counter() - start), (time.thread_time() - cpu) / n

            for _ in range(300):
                await client.priority.read()
                await default.read()
            cn_loops, ah_loops = [], []
            for _ in range(rounds):
                cn_loops.append(await loop(client.priority.read, 1000))
                ah_loops.append(await loop(default.read, 1000))
            cn_rt, ah_rt = (statistics.median(r for r, _ in loops) for loops in (cn_loops, ah_loops))
            cn_cpu, ah_cpu = (statistics.median(c for _, c in loops) for loops in (cn_loops, ah_loops))

            # 1. Concurrency with the delay on every request.
            sandbox.push_fault("delay", ms=DELAY_MS, times=EVERY)
            sides: dict[str, Callable[[int], Callable[[], list[Awaitable[Any]]]]] = {
                "contactnow": lambda n: lambda: [client.priority.read() for _ in range(n)],
                "aiohttp": lambda n: lambda: [default.read() for _ in range(n)],
                "aiohttp limit=0": lambda n: lambda: [unlimited.read() for _ in range(n)],
            }
            times: dict[tuple[str, int], list[float]] = {}
            for n in SIZES:
                for make in sides.values():  # warm up: open the connections
                    await wall(make(n))
                for _ in range(rounds):
                    for name, make in sides.items():
                        times.setdefault((name, n), []).append(await wall(make(n)))

    # 3. Memory and threads with 256 in flight, each side in a process of its own.
    n = 256
    memories = {side: memory(side, n) for side in ("contactnow", "aiohttp")}

    print(f"\n1. {DELAY_MS} ms server delay on every request; medians of {rounds} alternating rounds (wall time)")
    for n in SIZES:
        cn = statistics.median(times[("contactnow", n)])
        print(f"  {n:3d} concurrent priority.read:")
        print(f"    {'contactnow.AsyncClient':31s} {cn * 1e3:7.1f} ms")
        for name in ("aiohttp", "aiohttp limit=0"):
            base = statistics.median(times[(name, n)])
            label = "aiohttp (default, <= 100 conns)" if name == "aiohttp" else "aiohttp TCPConnector(limit=0)"
            print(f"    {label:31s} {base * 1e3:7.1f} ms   contactnow/baseline {cn / base:4.2f}x  (goal <= 1.1x)")
    print("\n2. sequential awaited round trips, no delay (priority.read, 1 record, keep-alive)")
    print(f"    {'contactnow.AsyncClient':31s} {cn_rt:7.0f} /s   event loop CPU {cn_cpu * 1e6:5.1f} us per call")
    print(
        f"    {'aiohttp loop':31s} {ah_rt:7.0f} /s   event loop CPU {ah_cpu * 1e6:5.1f} us per call"
        f"   contactnow/aiohttp {cn_rt / ah_rt:4.2f}x  (goal >= 0.9x)"
    )
    print(f"\n3. {n} calls in flight ({MEMORY_DELAY_MS} ms server delay), a fresh process per side")
    for name, (per_call, idle, threads) in memories.items():
        label = "contactnow.AsyncClient" if name == "contactnow" else "aiohttp TCPConnector(limit=0)"
        print(f"    {label:31s} {per_call / 1024:5.1f} KiB RSS per call in flight; threads {idle} idle, {threads} then")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--memory", choices=["contactnow", "aiohttp"], help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=256, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        print(json.dumps(asyncio.run(in_flight(args.memory, args.calls))))
    else:
        asyncio.run(main(args.rounds))
