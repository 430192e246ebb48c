"""The sans-IO layer: build the exact HTTP request for an operation, send it with any HTTP
library you like, and parse the answer with the same code the clients use.

Operations: ``priority.create``, ``priority.read``, ``priority.update``,
``tod_policy.create``, ``tod_policy.read``, ``tod_policy.update`` (or ``tod_policies.*``,
as the clients' namespace), ``token.get``, ``token.validate``, ``call``. Inputs use the keys of ``tests/vectors``: ``{"records": [...]}`` for
writes, ``{"agent_id", "queue_id"}`` / ``{"policy_id"}`` for reads, ``{"username",
"password"}`` and ``{"token"}`` for the token calls.

>>> from contactnow import core
>>> req = core.build_request("priority.read", {"agent_id": 7}, token="T0KEN")
>>> req.method, req.redacted_url
('GET', 'https://api-106.dxi.eu/database.php?token=***&method=priority&action=read&format=json&raw=1&agent=7')
>>> core.parse_response("priority.read", 200, "application/json",
...     b'{"success":true,"total":1,"list":[{"agentid":"7","qid":"9","level":"1"}]}')
Listing(account_id=None, total=1, records=[Assignment(agent_id=7, queue_id=9, level=1)])
"""

from __future__ import annotations

from ._contactnow import build_request, parse_response, redact_url
from ._sansio import Request, TokenGrant, TokenStatus

__all__ = ["Request", "TokenGrant", "TokenStatus", "build_request", "parse_response", "redact_url"]
