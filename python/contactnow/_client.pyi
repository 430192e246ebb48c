"""Type stubs of ``contactnow._client``: :class:`Client` and :class:`AsyncClient`."""

from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, Generic, Literal, Optional, TypedDict, TypeVar, Union, final

from ._api import AsyncPriorityApi, AsyncTodPolicyApi, PriorityApi, TodPolicyApi
from ._sansio import Request

_T = TypeVar("_T")

class _SandboxClientOptions(TypedDict, total=False):
    """The options of a sandbox's client (``Sandbox.client(**options)``): those of
    :class:`Client` but ``base_url``, which is the sandbox's."""

    token: Optional[str]
    username: Optional[str]
    password: Optional[str]
    format: Literal["json", "xml"]
    timeout: Optional[float]
    retries: Optional[Union[int, Mapping[str, float]]]
    allow_insecure_http: bool
    sender: Optional[Callable[[Request, float], tuple[Any, ...]]]
    sleep: Optional[Callable[[float], object]]
    connect_timeout: Optional[float]
    total_timeout: Optional[float]
    max_response_bytes: Optional[int]
    proxy: Optional[str]
    user_agent: Optional[str]
    batch_size: Optional[int]

# What the calls of the two clients answer: the result itself (``Client``) or a coroutine of it
# (``AsyncClient``). Their namespaces and clients share one declaration, a private generic base.
_Priority = TypeVar("_Priority", covariant=True)
_Tod = TypeVar("_Tod", covariant=True)
_Generic = TypeVar("_Generic", covariant=True)
_Executed = TypeVar("_Executed", covariant=True)
_Coroutine = Coroutine[Any, Any, _T]

class _ClientCalls(Generic[_Priority, _Tod, _Generic, _Executed]):
    def __init__(
        self,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        format: Literal["json", "xml"] = "json",
        timeout: Optional[float] = None,
        retries: Optional[Union[int, Mapping[str, float]]] = None,
        allow_insecure_http: bool = False,
        sender: Optional[Callable[[Request, float], tuple[Any, ...]]] = None,
        sleep: Optional[Callable[[float], object]] = None,
        region: Optional[Literal["eu", "us"]] = None,
        connect_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        max_response_bytes: Optional[int] = None,
        proxy: Optional[str] = None,
        user_agent: Optional[str] = None,
        batch_size: Optional[int] = None,
    ) -> None:
        """A client authenticated by ``token``, or by ``username`` and ``password`` (``token.php``);
        ``timeout`` (seconds per attempt; ``None``: 30.0) and ``retries`` (``None``: 2; or the
        policy ``{"max_attempts": 3, "initial_backoff": 0.2, "max_backoff": 5.0}``), ``region``
        (``eu`` or ``us``, instead of ``base_url``), ``connect_timeout`` (10.0), ``total_timeout``
        (120.0, or what the attempts need), ``max_response_bytes`` (64 MiB), ``proxy``
        (``http://host:port``), ``user_agent`` and ``batch_size`` (100; the Rust client's batched
        writes: this package's writes send all their records in one request): the options and
        defaults of every language; a bad one raises ``InvalidInputError`` naming it.

        ``sender(request, timeout)`` replaces the built-in HTTP stack: it returns ``(status,
        content_type, body)`` or ``(status, content_type, body, retry_after)``, raises
        ``TimeoutError`` for a timeout and ``ConnectionRefusedError`` when the request certainly
        did not leave. Retries, pauses (``sleep(seconds)``, default ``time.sleep``), token
        handling and errors stay the client's (an ``AsyncClient`` with a sender runs each call in
        the event loop's default executor)."""
    def call(
        self,
        method: str,
        action: str,
        *,
        filters: Optional[Mapping[str, Union[str, int]]] = None,
        records: Optional[list[Mapping[str, Union[str, int]]]] = None,
        repeatable: bool = False,
    ) -> _Generic:
        """Any ``database.php`` method and action (``queues``, ``agents``, ...): a dict with
        ``account_id``, ``total``, ``bad``, ``key``, ``error`` and ``records`` (each a dict of the
        fields as the server sent them, as text). Writes are repeated only with ``repeatable=True``."""
    def execute(self, operation: str, input: Optional[Mapping[str, Any]] = None) -> _Executed:
        """Runs any operation by name (``priority.read`` ... ``token.validate``, ``call``) with ``input`` in
        the keys of the test vectors, with the client's retries, token handling and errors."""
    @property
    def priority(self) -> _Priority:
        """Agent-to-queue assignments (``method=priority``)."""
    @property
    def tod_policies(self) -> _Tod:
        """Time-of-day policies (``method=tod_policy``)."""
    @property
    def base_url(self) -> str:
        """The base URL, e.g. ``https://api-106.dxi.eu``."""
    @property
    def format(self) -> str:
        """The wire format: ``json`` or ``xml``."""
    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""

@final
class Client(_ClientCalls[PriorityApi, TodPolicyApi, dict[str, Any], Any]):
    """A blocking client for the ContactNow ``database.php`` API; releases the GIL while waiting."""

    def close(self) -> None:
        """Drops the connection pool; later calls raise ``InvalidInputError`` on ``client``."""
    def __enter__(self) -> Client:
        """Returns the client itself."""
    def __exit__(
        self,
        _exc_type: Optional[type[BaseException]] = None,
        _exc: Optional[BaseException] = None,
        _tb: Optional[TracebackType] = None,
    ) -> bool:
        """Closes the client; exceptions propagate."""

@final
class AsyncClient(_ClientCalls[AsyncPriorityApi, AsyncTodPolicyApi, _Coroutine[dict[str, Any]], _Coroutine[Any]]):
    """The asyncio client: the constructor, settings and calls of :class:`Client`, each call a
    coroutine. Requests run on a Rust runtime, no thread per call; cancelling the awaiting task
    cancels the request (a cancelled TOD policy create that was sent is logged as ``call.end``
    with ``outcome_unknown=True``). Arguments are checked when a call is made, before it is
    awaited. Use ``async with AsyncClient(...) as client:``."""

    def close(self) -> _Coroutine[None]:
        """Drops the connection pool at once (calls in flight finish); later calls raise
        ``InvalidInputError`` on ``client``. Awaitable."""
    def aclose(self) -> _Coroutine[None]:
        """The same as ``close()``."""
    async def __aenter__(self) -> AsyncClient:
        """Returns the client itself."""
    async def __aexit__(
        self,
        _exc_type: Optional[type[BaseException]] = None,
        _exc: Optional[BaseException] = None,
        _tb: Optional[TracebackType] = None,
    ) -> None:
        """Closes the client; exceptions propagate."""

