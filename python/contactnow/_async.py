"""AsyncClient: the blocking client's calls run in worker threads, with the GIL released
while they wait on the network, so the event loop is never blocked."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Callable, Literal, Optional, TypeVar, Union

from ._contactnow import (
    Assignment,
    Client,
    DefaultAction,
    Listing,
    NewTodPolicy,
    TodPolicy,
    TodPolicyUpdate,
    WriteResult,
)

_T = TypeVar("_T")

AssignmentInput = Union[Assignment, Mapping[str, Any]]
"""An assignment: an ``Assignment`` or a mapping with its fields."""
NewTodPolicyInput = Union[NewTodPolicy, Mapping[str, Any]]
"""A policy to create: a ``NewTodPolicy`` or a mapping with its fields."""
TodPolicyUpdateInput = Union[TodPolicyUpdate, TodPolicy, Mapping[str, Any]]
"""A policy change: a ``TodPolicyUpdate``, a ``TodPolicy`` or a mapping with its fields."""


async def _run(func: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Runs a blocking call in the loop's default executor, in a copy of the current context."""
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    call = functools.partial(ctx.run, func, *args, **kwargs)
    return await loop.run_in_executor(None, call)


class AsyncPriorityApi:
    """``client.priority`` of an :class:`AsyncClient`."""

    def __init__(self, client: Client) -> None:
        """Wraps ``client.priority`` of a blocking :class:`Client`."""
        self._api = client.priority

    async def create(self, records: Union[AssignmentInput, Iterable[AssignmentInput]]) -> WriteResult:
        """Assigns agents to queues; an existing pair is not added again (``total`` 0)."""
        return await _run(self._api.create, records)

    async def read(self, agent_id: Optional[int] = None, queue_id: Optional[int] = None) -> Listing[Assignment]:
        """Lists assignments, optionally of one agent and/or one queue."""
        return await _run(self._api.read, agent_id=agent_id, queue_id=queue_id)

    async def update(self, records: Union[AssignmentInput, Iterable[AssignmentInput]]) -> WriteResult:
        """Changes the levels of existing assignments."""
        return await _run(self._api.update, records)


class AsyncTodPolicyApi:
    """``client.tod_policies`` of an :class:`AsyncClient`."""

    def __init__(self, client: Client) -> None:
        """Wraps ``client.tod_policies`` of a blocking :class:`Client`."""
        self._api = client.tod_policies

    async def create(
        self,
        records: Optional[Union[NewTodPolicyInput, Iterable[NewTodPolicyInput]]] = None,
        *,
        description: Optional[str] = None,
        default: Optional[Union[DefaultAction, str]] = None,
    ) -> WriteResult:
        """Creates policies; never repeated automatically (a failure may say ``outcome_unknown``)."""
        return await _run(self._api.create, records, description=description, default=default)

    async def read(self, policy_id: Optional[int] = None) -> Listing[TodPolicy]:
        """Lists policies, all of them or only ``policy_id``."""
        return await _run(self._api.read, policy_id=policy_id)

    async def update(
        self,
        uid: Union[int, TodPolicyUpdateInput, Iterable[TodPolicyUpdateInput]],
        description: Optional[str] = None,
        default: Optional[Union[DefaultAction, str]] = None,
    ) -> WriteResult:
        """Changes policies: ``update(uid, description=..., default=...)`` or ``update(records)``."""
        return await _run(self._api.update, uid, description, default)


class AsyncClient:
    """The asyncio client: the same settings and calls as :class:`Client`, awaitable.

    Use ``async with AsyncClient(...) as client:``. A cancelled call stops being awaited,
    but the request it started runs to completion in its worker thread.
    """

    def __init__(
        self,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        format: Literal["json", "xml"] = "json",
        timeout: float = 30.0,
        retries: int = 2,
        allow_insecure_http: bool = False,
    ) -> None:
        """A client authenticated by ``token``, or by ``username`` and ``password`` (``token.php``)."""
        self._client = Client(
            token=token,
            base_url=base_url,
            username=username,
            password=password,
            format=format,
            timeout=timeout,
            retries=retries,
            allow_insecure_http=allow_insecure_http,
        )
        self.priority = AsyncPriorityApi(self._client)
        """Agent-to-queue assignments (``method=priority``)."""
        self.tod_policies = AsyncTodPolicyApi(self._client)
        """Time-of-day policies (``method=tod_policy``)."""

    @property
    def base_url(self) -> str:
        """The base URL, e.g. ``https://api-106.dxi.eu``."""
        return self._client.base_url

    @property
    def format(self) -> str:
        """The wire format: ``json`` or ``xml``."""
        return self._client.format

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._client.closed

    async def close(self) -> None:
        """Drops the connection pool; later calls raise ``ContactNowError``."""
        self._client.close()

    async def __aenter__(self) -> AsyncClient:
        """Returns the client itself."""
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Closes the client; exceptions propagate."""
        await self.close()

    def __repr__(self) -> str:
        """``AsyncClient(base_url=..., ...)``; never shows the token or the password."""
        return "Async" + repr(self._client)
