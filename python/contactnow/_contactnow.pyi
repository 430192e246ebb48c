"""Type stubs for the Rust extension module ``contactnow._contactnow``."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal, Optional, Union, final, overload

from ._listing import Listing
from ._sansio import Request, TokenGrant, TokenStatus

__all__ = [
    "__version__",
    "Assignment",
    "NativeClient",
    "DefaultAction",
    "NewTodPolicy",
    "Sandbox",
    "TodPolicy",
    "TodPolicyUpdate",
    "WriteResult",
    "build_request",
    "parse_response",
    "redact_url",
]

__version__: str
"""The package version."""


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

@final
class NativeClient:
    """The engine under :class:`~contactnow.Client` and :class:`~contactnow.AsyncClient`
    (``_client.py``): a blocking one answers results, an async one coroutines."""

    def __new__(
        cls,
        asynchronous: bool,
        sender: Optional[Callable[[Request, float], tuple[Any, ...]]],
        sleep: Optional[Callable[[float], object]],
        options: Mapping[str, Any],
    ) -> NativeClient:
        """The engine of a client from its options (see ``Client``)."""
    def execute(self, operation: str, input: Optional[Mapping[str, Any]] = None) -> Any:
        """Runs operation ``operation`` (``priority.read`` ... ``call``) with ``input``."""
    def close(self) -> None:
        """Drops the engine; later calls raise ``InvalidInputError`` on ``client``."""
    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
    @property
    def base_url(self) -> str:
        """The base URL (raises once closed)."""
    @property
    def format(self) -> str:
        """``json`` or ``xml`` (raises once closed)."""

_Operation = Literal[
    "priority.create",
    "priority.read",
    "priority.update",
    "tod_policy.create",
    "tod_policy.read",
    "tod_policy.update",
    "tod_policies.create",
    "tod_policies.read",
    "tod_policies.update",
    "token.get",
    "token.validate",
    "call",
]
"""An operation's name; ``tod_policies.*`` (the clients' namespace) is ``tod_policy.*``."""

def redact_url(url: str) -> str:
    """``url`` with the values of ``token`` and ``password`` shown as ``***``, safe to log."""

def build_request(
    operation: _Operation,
    input: Optional[Mapping[str, Any]] = None,
    *,
    token: Optional[str] = None,
    base_url: Optional[str] = None,
    format: Literal["json", "xml"] = "json",
    allow_insecure_http: bool = False,
) -> Request:
    """Builds the request for ``operation`` from ``input`` (keys ``records``, ``agent_id``, ``policy_id``...);
    plain ``http://`` to a host that is not loopback needs ``allow_insecure_http``, as in ``Client``."""

@overload
def parse_response(
    operation: Literal[
        "priority.create",
        "priority.update",
        "tod_policy.create",
        "tod_policy.update",
        "tod_policies.create",
        "tod_policies.update",
    ],
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
    operation: Literal["tod_policy.read", "tod_policies.read"],
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
    operation: Literal["call"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> dict[str, Any]:
    """Parses the answer to a generic call as a read would be parsed: a write's ``bad`` count
    is in the dict, not raised as ``Client.call`` raises it (this function does not see the
    records that were sent)."""
@overload
def parse_response(
    operation: str,
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Union[WriteResult, Listing[Any], TokenGrant, TokenStatus, dict[str, Any]]:
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
    def client_url(self) -> str:
        """The base URL for a client of the sandbox; raises once stopped."""
    @property
    def stopped(self) -> bool:
        """Whether ``stop()`` was called."""
    def push_fault(self, fault: Mapping[str, Any]) -> None:
        """Queues a fault: ``kind``, its fields, ``times``, ``method``, ``action`` (see ``testing.Sandbox``)."""
    def requests(self) -> list[dict[str, Any]]:
        """The API requests received so far, oldest first, as keyword arguments of ``RecordedRequest``."""
    def request_count(self) -> int:
        """The number of API requests received so far."""
    def clear_requests(self) -> None:
        """Forgets the recorded requests."""
    def expire_token(self, token: Optional[str] = None) -> None:
        """Makes ``token`` (default: the kit's) expired: calls with it answer "Expired token"."""
    def revoke_token(self, token: Optional[str] = None) -> None:
        """Makes ``token`` (default: the kit's) unknown: calls with it answer "Invalid token"."""
    def reset(self) -> None:
        """Returns to the seed data, clears faults and recorded requests, revalidates tokens."""
    def stop(self) -> None:
        """Stops the server (idempotent)."""
