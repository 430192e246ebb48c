"""Type stubs for the Rust extension module ``contactnow._contactnow``."""

from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, ClassVar, Generic, Literal, Optional, TypeVar, Union, final, overload

from typing_extensions import Self

from ._api import AsyncPriorityApi, AsyncTodPolicyApi, PriorityApi, TodPolicyApi
from ._listing import Listing

__all__ = [
    "__version__",
    "Assignment",
    "AsyncClient",
    "Client",
    "DefaultAction",
    "NewTodPolicy",
    "Request",
    "Sandbox",
    "TodPolicy",
    "TodPolicyUpdate",
    "TokenGrant",
    "TokenStatus",
    "WriteResult",
    "build_request",
    "parse_response",
]

__version__: str
"""The package version."""

_R = TypeVar("_R", covariant=True)
_T = TypeVar("_T")

_AssignmentInput = Union[Assignment, Mapping[str, Any]]
_NewTodPolicyInput = Union[NewTodPolicy, Mapping[str, Any]]
_TodPolicyUpdateInput = Union[TodPolicyUpdate, TodPolicy, Mapping[str, Any]]
_ActionInput = Union[DefaultAction, str]

@final
class DefaultAction:
    """What a TOD policy does with a call by default: queue, voicemail, hangup or a jump."""

    QUEUE: ClassVar[DefaultAction]
    """Place the call into the queuing system (``queue``)."""
    VOICEMAIL: ClassVar[DefaultAction]
    """Play the queue's voicemail message and record the call (``voicemail``)."""
    HANGUP: ClassVar[DefaultAction]
    """Hang up the call (``hangup``)."""
    def __new__(cls, value: str) -> DefaultAction:
        """Strict parse of ``queue``, ``voicemail``, ``hangup`` or ``jump:<queue id>``."""
    @staticmethod
    def jump(queue_id: int) -> DefaultAction:
        """Send the call to the queue ``queue_id`` (a positive id)."""
    @staticmethod
    def from_wire(value: str) -> DefaultAction:
        """Lenient parse of a value as the server sends it: unknown values are kept."""
    @property
    def value(self) -> str:
        """The wire text, e.g. ``queue`` or ``jump:1007``."""
    @property
    def kind(self) -> Literal["queue", "voicemail", "hangup", "jump", "unknown"]:
        """``queue``, ``voicemail``, ``hangup``, ``jump`` or ``unknown``."""
    @property
    def queue_id(self) -> Optional[int]:
        """The target queue of a jump, else ``None``."""
    @property
    def is_known(self) -> bool:
        """Whether this version knows the action (False for an unknown value kept by ``from_wire``)."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when the actions are the same."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

@final
class Assignment:
    """An agent assigned to a queue with a priority level."""

    def __new__(cls, agent_id: int, queue_id: int, level: int) -> Assignment:
        """An assignment; the ids and ``level`` are non-negative integers (``level`` below 2**32)."""
    @property
    def agent_id(self) -> int:
        """The agent's id (``agentid`` on the wire)."""
    @property
    def queue_id(self) -> int:
        """The queue's id (``qid`` on the wire)."""
    @property
    def level(self) -> int:
        """The agent's priority level in the queue."""
    def to_dict(self) -> dict[str, int]:
        """``{"agent_id", "queue_id", "level"}``."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""
    def __lt__(self, value: Assignment, /) -> bool:
        """Orders by agent id, then queue id, then level."""
    def __le__(self, value: Assignment, /) -> bool:
        """Orders by agent id, then queue id, then level."""
    def __gt__(self, value: Assignment, /) -> bool:
        """Orders by agent id, then queue id, then level."""
    def __ge__(self, value: Assignment, /) -> bool:
        """Orders by agent id, then queue id, then level."""

@final
class TodPolicy:
    """A stored time-of-day policy."""

    def __new__(cls, uid: int, description: str, default: _ActionInput) -> TodPolicy:
        """A policy as stored; ``default`` is a ``DefaultAction`` or its wire text."""
    @property
    def uid(self) -> int:
        """The policy's id, assigned by the server."""
    @property
    def description(self) -> str:
        """The policy's description."""
    @property
    def default(self) -> DefaultAction:
        """What the policy does with a call by default."""
    def to_dict(self) -> dict[str, Union[int, str]]:
        """``{"uid", "description", "default"}`` with ``default`` as its wire text."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

@final
class NewTodPolicy:
    """A policy to create; the server assigns its uid."""

    def __new__(cls, description: str, default: _ActionInput) -> NewTodPolicy:
        """A policy to create; ``default`` is a ``DefaultAction`` or its wire text."""
    @property
    def description(self) -> str:
        """The policy's description."""
    @property
    def default(self) -> DefaultAction:
        """What the policy does with a call by default."""
    def to_dict(self) -> dict[str, str]:
        """``{"description", "default"}`` with ``default`` as its wire text."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

@final
class TodPolicyUpdate:
    """Changes to an existing policy; fields left ``None`` are not sent."""

    def __new__(
        cls, uid: int, description: Optional[str] = None, default: Optional[_ActionInput] = None
    ) -> TodPolicyUpdate:
        """Changes to the policy ``uid``; give ``description``, ``default`` or both."""
    @property
    def uid(self) -> int:
        """The id of the policy to change."""
    @property
    def description(self) -> Optional[str]:
        """The new description, or ``None`` to leave it."""
    @property
    def default(self) -> Optional[DefaultAction]:
        """The new default action, or ``None`` to leave it."""
    def to_dict(self) -> dict[str, Any]:
        """``{"uid", "description", "default"}`` (``None`` for what is left), ``default`` as its wire text."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

@final
class WriteResult:
    """The outcome of a successful create or update."""

    def __new__(
        cls, *, account_id: Optional[int] = None, total: int = 0, bad: int = 0, key: Optional[int] = None
    ) -> WriteResult:
        """A result as the server reports it (for tests and the sans-IO layer)."""
    @property
    def account_id(self) -> Optional[int]:
        """The authenticated account that ran the call, if reported."""
    @property
    def total(self) -> int:
        """Records affected (0 for a priority create of an existing pair)."""
    @property
    def bad(self) -> int:
        """Records that failed: always 0 (a batch with failures raises ``ApiError`` instead)."""
    @property
    def key(self) -> Optional[int]:
        """The id of the created record, if reported (0 when nothing was created)."""
    def to_dict(self) -> dict[str, Optional[int]]:
        """``{"account_id", "total", "bad", "key"}``."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

# What the calls of the two clients answer: the result itself (``Client``) or a coroutine of it
# (``AsyncClient``). Their namespaces and clients share one declaration, a private generic base.
_Write = TypeVar("_Write", covariant=True)
_Read = TypeVar("_Read", covariant=True)
_Priority = TypeVar("_Priority", covariant=True)
_Tod = TypeVar("_Tod", covariant=True)
_Generic = TypeVar("_Generic", covariant=True)
_Executed = TypeVar("_Executed", covariant=True)
_Coroutine = Coroutine[Any, Any, _T]

class _ClientCalls(Generic[_Priority, _Tod, _Generic, _Executed]):
    def __new__(
        cls,
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
    ) -> Self:
        """A client authenticated by ``token``, or by ``username`` and ``password`` (``token.php``);
        ``timeout`` (seconds per attempt; ``None``: 30.0) and ``retries`` (``None``: 2; or the
        policy ``{"max_attempts": 3, "initial_backoff": 0.2, "max_backoff": 5.0}``), ``region``
        (``eu`` or ``us``, instead of ``base_url``), ``connect_timeout`` (10.0), ``total_timeout``
        (120.0, or what the attempts need), ``max_response_bytes`` (64 MiB), ``proxy``
        (``http://host:port``), ``user_agent`` and ``batch_size`` (100): the options and defaults
        of every language; a bad one raises ``InvalidInputError`` naming it.

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
        """Runs any operation by name (``priority.read`` ... ``token.validate``) with ``input`` in
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
        """Drops the connection pool; later calls raise ``ContactNowError``."""
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

    async def close(self) -> None:
        """Drops the connection pool (calls in flight finish); later calls raise ``ContactNowError``."""
    async def aclose(self) -> None:
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

@final
class Request:
    """An HTTP request to send; the URL carries the token, so ``repr`` hides it."""

    @property
    def method(self) -> Literal["GET", "POST"]:
        """``GET`` or ``POST``."""
    @property
    def url(self) -> str:
        """The full URL, with the token: send it, do not log it."""
    @property
    def redacted_url(self) -> str:
        """The URL with ``token`` and ``password`` replaced by ``***``."""
    @property
    def headers(self) -> list[tuple[str, str]]:
        """Header names and values."""
    @property
    def content_type(self) -> Optional[str]:
        """The value of the ``Content-Type`` header, if any."""
    @property
    def body(self) -> bytes:
        """The body (empty for GET)."""
    def __copy__(self) -> Request:
        """Immutable: a copy is the same object."""
    def __deepcopy__(self, memo: Any) -> Request:
        """Immutable: a copy is the same object."""

@final
class TokenGrant:
    """A token from ``token.php?action=get``; ``repr`` hides it and it refuses pickling."""

    @property
    def token(self) -> str:
        """The token itself."""
    @property
    def expire(self) -> int:
        """When it expires, in Unix seconds."""
    def __copy__(self) -> TokenGrant:
        """Immutable: a copy is the same object."""
    def __deepcopy__(self, memo: Any) -> TokenGrant:
        """Immutable: a copy is the same object."""

@final
class TokenStatus:
    """The answer of ``token.php?action=validate`` for a valid token."""

    def __new__(cls, expire: int) -> TokenStatus:
        """A status whose token expires at ``expire`` (Unix seconds)."""
    @property
    def expire(self) -> int:
        """When the token expires, in Unix seconds."""
    def __eq__(self, value: object, /) -> bool:
        """Equal when every field is equal."""
    def __hash__(self) -> int:
        """A hash consistent with ``==``."""

_Operation = Literal[
    "priority.create",
    "priority.read",
    "priority.update",
    "tod_policy.create",
    "tod_policy.read",
    "tod_policy.update",
    "token.get",
    "token.validate",
]

def build_request(
    operation: _Operation,
    input: Optional[Mapping[str, Any]] = None,
    *,
    token: Optional[str] = None,
    base_url: Optional[str] = None,
    format: Literal["json", "xml"] = "json",
) -> Request:
    """Builds the request for ``operation`` from ``input`` (keys ``records``, ``agent_id``, ``policy_id``...)."""

@overload
def parse_response(
    operation: Literal["priority.create", "priority.update", "tod_policy.create", "tod_policy.update"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> WriteResult:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""
@overload
def parse_response(
    operation: Literal["priority.read"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Listing[Assignment]:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""
@overload
def parse_response(
    operation: Literal["tod_policy.read"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Listing[TodPolicy]:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""
@overload
def parse_response(
    operation: Literal["token.get"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> TokenGrant:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""
@overload
def parse_response(
    operation: Literal["token.validate"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> TokenStatus:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""
@overload
def parse_response(
    operation: str,
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Union[WriteResult, Listing[Any], TokenGrant, TokenStatus]:
    """Parses the answer to a request for ``operation`` built in ``format``; raises as the clients do."""

@final
class Sandbox:
    """The in-process sandbox (present when built with the ``sandbox`` feature, as the
    package is); use :class:`contactnow.testing.Sandbox`."""

    def __new__(
        cls,
        *,
        seed: str = "empty",
        users: Optional[list[tuple[str, str]]] = None,
        tokens: Optional[list[str]] = None,
        account_id: Optional[int] = None,
    ) -> Sandbox:
        """Starts a sandbox on a free loopback port; ``seed`` is ``empty`` or ``demo``."""
    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234``."""
    @property
    def token(self) -> str:
        """A token the sandbox accepts."""
    @property
    def stopped(self) -> bool:
        """Whether ``stop()`` was called."""
    def push_fault(
        self,
        kind: str,
        *,
        times: int = 1,
        method: Optional[str] = None,
        action: Optional[str] = None,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        ms: Optional[int] = None,
        error: Optional[str] = None,
    ) -> None:
        """Queues a fault for the next ``times`` API requests matching ``method``/``action``."""
    def requests(self) -> list[dict[str, Any]]:
        """The API requests received so far, oldest first, as keyword arguments of ``RecordedRequest``."""
    def clear_requests(self) -> None:
        """Forgets the recorded requests."""
    def expire_token(self, token: str) -> None:
        """Makes ``token`` expired: calls with it answer "Expired token"."""
    def revoke_token(self, token: str) -> None:
        """Makes ``token`` unknown: calls with it answer "Invalid token"."""
    def reset(self) -> None:
        """Returns to the seed data, clears faults and recorded requests, revalidates tokens."""
    def stop(self) -> None:
        """Stops the server (idempotent)."""
