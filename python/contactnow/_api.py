"""``client.priority`` and ``client.tod_policies``: each call names its operation and hands
its arguments to the client's ``execute``, which reads them by the rules of every language
(``contactnow_core::input``) and runs the call. The same classes serve :class:`Client` and
:class:`AsyncClient` (whose ``execute`` answers a coroutine)."""

from __future__ import annotations

from typing import Any, Optional

from ._errors import InvalidInputError


def _refuse(field: str, reason: str) -> InvalidInputError:
    return InvalidInputError(f"invalid input: {field}: {reason}", field=field, reason=reason)


class _Namespace:
    __slots__ = ("_client",)
    _name = ""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{self._name} API of {self._client!r}>"


class PriorityApi(_Namespace):
    """``client.priority``: create, read and update agent-to-queue assignments."""

    __slots__ = ()
    _name = "priority"

    def create(self, records: Any) -> Any:
        """Assigns agents to queues; an existing pair is not added again (``total`` 0)."""
        return self._client.execute("priority.create", {"records": records})

    def read(self, agent_id: Optional[int] = None, queue_id: Optional[int] = None) -> Any:
        """Lists assignments, optionally only those of one agent and/or one queue."""
        return self._client.execute("priority.read", {"agent_id": agent_id, "queue_id": queue_id})

    def update(self, records: Any) -> Any:
        """Changes the levels of existing assignments."""
        return self._client.execute("priority.update", {"records": records})


class TodPolicyApi(_Namespace):
    """``client.tod_policies``: create, read and update time-of-day policies."""

    __slots__ = ()
    _name = "tod_policies"

    def create(self, records: Any = None, *, description: Any = None, default: Any = None) -> Any:
        """Creates policies: ``create(description=..., default=...)`` or ``create(records)``.
        Never repeated automatically: a create that may have reached the server raises with
        ``outcome_unknown`` set."""
        if records is None:
            if description is None:
                raise _refuse("description", "missing: give description= and default=, or records")
            if default is None:
                raise _refuse("default", "missing")
            records = {"description": description, "default": default}
        elif description is not None or default is not None:
            raise _refuse("records", "give either records or description= and default=, not both")
        return self._client.execute("tod_policy.create", {"records": records})

    def read(self, policy_id: Optional[int] = None) -> Any:
        """Lists policies, all of them or only ``policy_id``."""
        return self._client.execute("tod_policy.read", {"policy_id": policy_id})

    def update(self, uid: Any, description: Any = None, default: Any = None) -> Any:
        """Changes policies: ``update(uid, description=..., default=...)``, or ``update(records)``
        with ``TodPolicyUpdate``, ``TodPolicy`` or dicts."""
        if isinstance(uid, int) and not isinstance(uid, bool):
            uid = {"uid": uid, "description": description, "default": default}
        elif description is not None or default is not None:
            raise _refuse("uid", "description= and default= go with an integer uid, not with records")
        return self._client.execute("tod_policy.update", {"records": uid})


class AsyncPriorityApi(PriorityApi):
    """``client.priority`` of an :class:`AsyncClient`: the calls of :class:`PriorityApi`, awaitable."""

    __slots__ = ()


class AsyncTodPolicyApi(TodPolicyApi):
    """``client.tod_policies`` of an :class:`AsyncClient`: the calls of :class:`TodPolicyApi`, awaitable."""

    __slots__ = ()


for _cls in (PriorityApi, TodPolicyApi, AsyncPriorityApi, AsyncTodPolicyApi):
    _cls.__module__ = "contactnow"
