"""The two clients: :class:`Client` (blocking) and :class:`AsyncClient` (asyncio), each over
the extension's ``NativeClient``, which reads the options and runs the calls. What differs is
only how a call is answered (its result, or a coroutine of it) and how the client closes."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, NoReturn, Optional

from ._api import AsyncPriorityApi, AsyncTodPolicyApi, PriorityApi, TodPolicyApi
from ._contactnow import NativeClient


class _Client:
    __slots__ = ("_native", "_priority", "_tod_policies")
    _asynchronous = False
    _namespaces: tuple[type[PriorityApi], type[TodPolicyApi]] = (PriorityApi, TodPolicyApi)

    def __init__(self, *, sender: Any = None, sleep: Any = None, **options: Any) -> None:
        self._native = NativeClient(self._asynchronous, sender, sleep, options)
        priority, tod_policies = self._namespaces
        self._priority = priority(self._native)
        self._tod_policies = tod_policies(self._native)

    @property
    def priority(self) -> PriorityApi:
        """Agent-to-queue assignments (``method=priority``)."""
        return self._priority

    @property
    def tod_policies(self) -> TodPolicyApi:
        """Time-of-day policies (``method=tod_policy``)."""
        return self._tod_policies

    def execute(self, operation: str, input: Optional[Any] = None) -> Any:
        """Runs any operation by name (``priority.read`` ... ``token.validate``, ``call``) with
        ``input`` in the keys of the test vectors, with the client's retries, token handling
        and errors."""
        return self._native.execute(operation, input)

    def call(
        self,
        method: str,
        action: str,
        *,
        filters: Any = None,
        records: Any = None,
        repeatable: bool = False,
    ) -> Any:
        """Any ``database.php`` method and action (``queues``, ``agents``, ...)."""
        call = {"method": method, "action": action, "filters": filters, "records": records, "repeatable": repeatable}
        return self._native.execute("call", call)

    @property
    def base_url(self) -> str:
        """The base URL, e.g. ``https://api-106.dxi.eu``."""
        return self._native.base_url

    @property
    def format(self) -> str:
        """The wire format: ``json`` or ``xml``."""
        return self._native.format

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._native.closed

    def __repr__(self) -> str:
        """The settings, never a secret."""
        return repr(self._native)

    def __reduce__(self) -> NoReturn:
        """Refused: a copy would share the connection pool (and ``close()``); make another client."""
        raise TypeError(f"a {type(self).__name__} cannot be copied or pickled: make another one")


async def _closed() -> None:
    """What ``AsyncClient.close()`` answers: the client is closed already."""


class Client(_Client):
    """A blocking client for the ContactNow ``database.php`` API; releases the GIL while waiting."""

    __slots__ = ()

    def close(self) -> None:
        """Drops the connection pool; later calls raise ``InvalidInputError`` on ``client``."""
        self._native.close()

    def __enter__(self) -> Client:
        """Returns the client itself."""
        return self

    def __exit__(self, _exc_type: Any = None, _exc: Any = None, _tb: Any = None) -> bool:
        """Closes the client; exceptions propagate."""
        self.close()
        return False


class AsyncClient(_Client):
    """The asyncio client: the constructor, settings and calls of :class:`Client`, each call a
    coroutine (see the stubs)."""

    __slots__ = ()
    _asynchronous = True
    _namespaces = (AsyncPriorityApi, AsyncTodPolicyApi)

    def close(self) -> Coroutine[Any, Any, None]:
        """Drops the connection pool at once (calls in flight finish); later calls raise
        ``InvalidInputError`` on ``client``. Awaitable."""
        self._native.close()
        return _closed()

    def aclose(self) -> Coroutine[Any, Any, None]:
        """The same as ``close()``."""
        return self.close()

    async def __aenter__(self) -> AsyncClient:
        """Returns the client itself."""
        return self

    async def __aexit__(self, _exc_type: Any = None, _exc: Any = None, _tb: Any = None) -> None:
        """Closes the client; exceptions propagate."""
        self._native.close()


for _cls in (Client, AsyncClient):
    _cls.__module__ = "contactnow"
