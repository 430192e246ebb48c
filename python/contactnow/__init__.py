"""contactnow: an unofficial SDK for the 8x8 ContactNow (DXI) ``database.php`` admin API.

>>> from contactnow import Client
>>> with Client(token="...") as client:              # doctest: +SKIP
...     client.priority.create([{"agent_id": 1234, "queue_id": 1007, "level": 100}])
...     listing = client.priority.read(agent_id=1234)

Everything is implemented once, in Rust; this package converts types and errors. The
sans-IO layer is :mod:`contactnow.core`; the in-process sandbox is :mod:`contactnow.testing`.
"""

from __future__ import annotations

import logging as _logging

from ._api import AsyncPriorityApi, AsyncTodPolicyApi, PriorityApi, TodPolicyApi
from ._client import AsyncClient, Client
from ._listing import Listing
from ._contactnow import (
    Assignment,
    DefaultAction,
    NewTodPolicy,
    TodPolicy,
    TodPolicyUpdate,
    WriteResult,
    __version__,
)
from ._errors import (
    ApiError,
    ContactNowError,
    DecodeError,
    HttpStatusError,
    InvalidInputError,
    TimeoutError,
    TransportError,
)

# A library's logger stays silent until the application configures logging (no
# "last resort" output of retries on stderr); see the README's "Logging".
_logging.getLogger("contactnow").addHandler(_logging.NullHandler())

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "PriorityApi",
    "TodPolicyApi",
    "AsyncPriorityApi",
    "AsyncTodPolicyApi",
    "Assignment",
    "TodPolicy",
    "NewTodPolicy",
    "TodPolicyUpdate",
    "DefaultAction",
    "WriteResult",
    "Listing",
    "ContactNowError",
    "InvalidInputError",
    "ApiError",
    "DecodeError",
    "HttpStatusError",
    "TransportError",
    "TimeoutError",
]
