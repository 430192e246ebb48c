"""The coroutines of :class:`~contactnow.AsyncClient`'s calls (used by the extension).

Each call of the native client converts its arguments, then answers one of these
coroutines; nothing starts until it is awaited, so ``asyncio.create_task``, task groups and
``asyncio.gather`` take a call as they take any coroutine.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Awaitable
from typing import Any, Callable, TypeVar


_T = TypeVar("_T")

#: Each event loop's bridge (``bridge.rs``): the loop watches its socket and sets the futures
#: of the calls that finished on the Rust runtime.
_bridges: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]" = weakref.WeakKeyDictionary()


async def _wait(start: Callable[[], Awaitable[_T]]) -> _T:
    """Starts the call (its Rust future, on the extension's runtime) and awaits it; cancelling
    the awaiting task cancels the asyncio future, which drops the Rust future."""
    return await start()


async def _in_thread(job: Callable[[], _T]) -> _T:
    """Runs a blocking call (a client made with ``sender=``) in the loop's default executor, in
    a copy of the current context; cancelling stops the waiting, not the thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, contextvars.copy_context().run, job)
