"""Type stubs for the Rust extension module ``contactnow._contactnow``."""

from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, ClassVar, Generic, Literal, Optional, TypeVar, Union, final, overload

__all__ = [
    "__version__",
    "Assignment",
    "Client",
    "DefaultAction",
    "Listing",
    "NewTodPolicy",
    "PriorityApi",
    "Request",
    "TodPolicy",
    "TodPolicyApi",
    "TodPolicyUpdate",
    "TokenGrant",
    "TokenStatus",
    "WriteResult",
    "build_request",
    "parse_response",
]

__version__: str

_R = TypeVar("_R", covariant=True)

_AssignmentInput = Union[Assignment, Mapping[str, Any]]
_NewTodPolicyInput = Union[NewTodPolicy, Mapping[str, Any]]
_TodPolicyUpdateInput = Union[TodPolicyUpdate, TodPolicy, Mapping[str, Any]]
_ActionInput = Union[DefaultAction, str]

@final
class DefaultAction:
    QUEUE: ClassVar[DefaultAction]
    VOICEMAIL: ClassVar[DefaultAction]
    HANGUP: ClassVar[DefaultAction]
    def __new__(cls, value: str) -> DefaultAction: ...
    @staticmethod
    def jump(queue_id: int) -> DefaultAction: ...
    @staticmethod
    def from_wire(value: str) -> DefaultAction: ...
    @property
    def value(self) -> str: ...
    @property
    def kind(self) -> Literal["queue", "voicemail", "hangup", "jump", "unknown"]: ...
    @property
    def queue_id(self) -> Optional[int]: ...
    @property
    def is_known(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Assignment:
    def __new__(cls, agent_id: int, queue_id: int, level: int) -> Assignment: ...
    @property
    def agent_id(self) -> int: ...
    @property
    def queue_id(self) -> int: ...
    @property
    def level(self) -> int: ...
    def to_dict(self) -> dict[str, int]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __lt__(self, value: Assignment, /) -> bool: ...
    def __le__(self, value: Assignment, /) -> bool: ...
    def __gt__(self, value: Assignment, /) -> bool: ...
    def __ge__(self, value: Assignment, /) -> bool: ...

@final
class TodPolicy:
    def __new__(cls, uid: int, description: str, default: _ActionInput) -> TodPolicy: ...
    @property
    def uid(self) -> int: ...
    @property
    def description(self) -> str: ...
    @property
    def default(self) -> DefaultAction: ...
    def to_dict(self) -> dict[str, Union[int, str]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class NewTodPolicy:
    def __new__(cls, description: str, default: _ActionInput) -> NewTodPolicy: ...
    @property
    def description(self) -> str: ...
    @property
    def default(self) -> DefaultAction: ...
    def to_dict(self) -> dict[str, str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TodPolicyUpdate:
    def __new__(
        cls, uid: int, description: Optional[str] = None, default: Optional[_ActionInput] = None
    ) -> TodPolicyUpdate: ...
    @property
    def uid(self) -> int: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def default(self) -> Optional[DefaultAction]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class WriteResult:
    def __new__(
        cls, *, account_id: Optional[int] = None, total: int = 0, bad: int = 0, key: Optional[int] = None
    ) -> WriteResult: ...
    @property
    def account_id(self) -> Optional[int]: ...
    @property
    def total(self) -> int: ...
    @property
    def bad(self) -> int: ...
    @property
    def key(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Optional[int]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Listing(Generic[_R]):
    def __new__(
        cls, *, records: Iterable[_R], account_id: Optional[int] = None, total: Optional[int] = None
    ) -> Listing[_R]: ...
    @property
    def account_id(self) -> Optional[int]: ...
    @property
    def total(self) -> int: ...
    @property
    def records(self) -> tuple[_R, ...]: ...
    @classmethod
    def __class_getitem__(cls, key: Any) -> Any: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int, /) -> _R: ...
    @overload
    def __getitem__(self, index: slice, /) -> tuple[_R, ...]: ...
    def __iter__(self) -> Iterator[_R]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PriorityApi:
    def create(self, records: Union[_AssignmentInput, Iterable[_AssignmentInput]]) -> WriteResult: ...
    def read(self, agent_id: Optional[int] = None, queue_id: Optional[int] = None) -> Listing[Assignment]: ...
    def update(self, records: Union[_AssignmentInput, Iterable[_AssignmentInput]]) -> WriteResult: ...

@final
class TodPolicyApi:
    def create(
        self,
        records: Optional[Union[_NewTodPolicyInput, Iterable[_NewTodPolicyInput]]] = None,
        *,
        description: Optional[str] = None,
        default: Optional[_ActionInput] = None,
    ) -> WriteResult: ...
    def read(self, policy_id: Optional[int] = None) -> Listing[TodPolicy]: ...
    def update(
        self,
        uid: Union[int, _TodPolicyUpdateInput, Iterable[_TodPolicyUpdateInput]],
        description: Optional[str] = None,
        default: Optional[_ActionInput] = None,
    ) -> WriteResult: ...

@final
class Client:
    def __new__(
        cls,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        format: Literal["json", "xml"] = "json",
        timeout: float = 30.0,
        retries: int = 3,
        allow_insecure_http: bool = False,
    ) -> Client: ...
    @property
    def priority(self) -> PriorityApi: ...
    @property
    def tod_policies(self) -> TodPolicyApi: ...
    @property
    def base_url(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(
        self,
        _exc_type: Optional[type[BaseException]] = None,
        _exc: Optional[BaseException] = None,
        _tb: Optional[TracebackType] = None,
    ) -> bool: ...

@final
class Request:
    @property
    def method(self) -> Literal["GET", "POST"]: ...
    @property
    def url(self) -> str: ...
    @property
    def redacted_url(self) -> str: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    @property
    def content_type(self) -> Optional[str]: ...
    @property
    def body(self) -> bytes: ...

@final
class TokenGrant:
    @property
    def token(self) -> str: ...
    @property
    def expire(self) -> int: ...

@final
class TokenStatus:
    @property
    def expire(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

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
) -> Request: ...
@overload
def parse_response(
    operation: Literal["priority.create", "priority.update", "tod_policy.create", "tod_policy.update"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> WriteResult: ...
@overload
def parse_response(
    operation: Literal["priority.read"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Listing[Assignment]: ...
@overload
def parse_response(
    operation: Literal["tod_policy.read"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Listing[TodPolicy]: ...
@overload
def parse_response(
    operation: Literal["token.get"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> TokenGrant: ...
@overload
def parse_response(
    operation: Literal["token.validate"],
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> TokenStatus: ...
@overload
def parse_response(
    operation: str,
    status: int,
    content_type: Optional[str],
    body: Union[bytes, str],
    *,
    format: Literal["json", "xml"] = "json",
) -> Union[WriteResult, Listing[Any], TokenGrant, TokenStatus]: ...
