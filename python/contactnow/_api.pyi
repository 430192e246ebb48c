# The namespaces of the two clients (``_api.py``): what their calls answer is the result itself
# (``Client``) or a coroutine of it (``AsyncClient``), from one declaration, a private generic base.
from collections.abc import Coroutine, Iterable
from typing import Any, Generic, Optional, TypeVar, Union, final

from ._listing import Listing

from ._contactnow import (
    Assignment,
    TodPolicy,
    WriteResult,
    _ActionInput,
    _AssignmentInput,
    _NewTodPolicyInput,
    _TodPolicyUpdateInput,
)

_T = TypeVar("_T")
_Write = TypeVar("_Write", covariant=True)
_Read = TypeVar("_Read", covariant=True)
_Coroutine = Coroutine[Any, Any, _T]

class _PriorityCalls(Generic[_Write, _Read]):
    def create(self, records: Union[_AssignmentInput, Iterable[_AssignmentInput]]) -> _Write:
        """Assigns agents to queues; an existing pair is not added again (``total`` 0)."""
    def read(self, agent_id: Optional[int] = None, queue_id: Optional[int] = None) -> _Read:
        """Lists assignments, optionally only those of one agent and/or one queue."""
    def update(self, records: Union[_AssignmentInput, Iterable[_AssignmentInput]]) -> _Write:
        """Changes the levels of existing assignments."""

@final
class PriorityApi(_PriorityCalls[WriteResult, Listing[Assignment]]):
    """``client.priority``: create, read and update agent-to-queue assignments."""

@final
class AsyncPriorityApi(_PriorityCalls[_Coroutine[WriteResult], _Coroutine[Listing[Assignment]]]):
    """``client.priority`` of an :class:`AsyncClient`: the calls of :class:`PriorityApi`, awaitable."""

class _TodPolicyCalls(Generic[_Write, _Read]):
    def create(
        self,
        records: Optional[Union[_NewTodPolicyInput, Iterable[_NewTodPolicyInput]]] = None,
        *,
        description: Optional[str] = None,
        default: Optional[_ActionInput] = None,
    ) -> _Write:
        """Creates policies; never repeated automatically (a failure may say ``outcome_unknown``)."""
    def read(self, policy_id: Optional[int] = None) -> _Read:
        """Lists policies, all of them or only ``policy_id``."""
    def update(
        self,
        uid: Union[int, _TodPolicyUpdateInput, Iterable[_TodPolicyUpdateInput]],
        description: Optional[str] = None,
        default: Optional[_ActionInput] = None,
    ) -> _Write:
        """Changes policies: ``update(uid, description=..., default=...)`` or ``update(records)``."""

@final
class TodPolicyApi(_TodPolicyCalls[WriteResult, Listing[TodPolicy]]):
    """``client.tod_policies``: create, read and update time-of-day policies."""

@final
class AsyncTodPolicyApi(_TodPolicyCalls[_Coroutine[WriteResult], _Coroutine[Listing[TodPolicy]]]):
    """``client.tod_policies`` of an :class:`AsyncClient`: the calls of :class:`TodPolicyApi`, awaitable."""

