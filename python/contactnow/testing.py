"""Test support: the Rust emulator of the ContactNow API, in-process.

>>> from contactnow.testing import Sandbox
>>> with Sandbox() as sandbox:                            # doctest: +SKIP
...     sandbox.push_fault("status", status=503)
...     with sandbox.client() as client:
...         client.priority.read()                         # retried once, then answered
...     [r.fault for r in sandbox.requests()]
['status 503', None]
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Optional

from . import _contactnow
from ._client import AsyncClient, Client
from ._errors import ContactNowError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import _SandboxClientOptions

#: The timeout per attempt of a sandbox's clients unless given: the kit's in every language
#: (`contactnow_sandbox::CLIENT_TIMEOUT`), so that a test that hangs fails in seconds.
CLIENT_TIMEOUT = 5.0

__all__ = ["Sandbox", "RecordedRequest", "FaultKind", "DEFAULT_USERS", "CLIENT_TIMEOUT"]

FaultKind = Literal["status", "delay", "reset", "truncate", "api_error"]

#: The ``token.php`` users a sandbox accepts unless told otherwise.
DEFAULT_USERS: tuple[tuple[str, str], ...] = (("demo", "demo-password"),)


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as the sandbox received it; tokens and passwords are redacted."""

    seq: int
    """The arrival order, from 1."""
    method: str
    """The HTTP method: ``GET`` or ``POST``."""
    path: str
    """The path, e.g. ``/database.php``."""
    query: str
    """The query string, with ``token`` and ``password`` redacted."""
    body: str
    """The body as text (long ones cut; ``token`` and ``password`` of form bodies redacted)."""
    remote_ip: str
    """The client's address."""
    fault: Optional[str]
    """The fault that answered it, e.g. ``status 503`` or ``delay 200 ms``; ``None`` if none."""
    api_method: Optional[str]
    """The ``method`` argument: ``priority``, ``tod_policy``... (``None`` for ``token.php``)."""
    action: Optional[str]
    """The ``action`` argument: ``create``, ``read``, ``update``, ``get``..."""
    params: dict[str, str]
    """Every argument as the server read it (query string and POST variables, POST winning),
    ``token`` and ``password`` as ``***``."""


class Sandbox:
    """A running sandbox on a free loopback port; use as a context manager (or call ``stop``).

    ``seed`` is ``"empty"`` (default) or ``"demo"``; ``users`` are the ``token.php``
    (username, password) pairs it accepts; ``tokens`` its static tokens (valid from any
    address; :attr:`token` is the first); ``account_id`` the account its writes report.
    """

    def __init__(
        self,
        *,
        seed: Literal["empty", "demo"] = "empty",
        users: Optional[list[tuple[str, str]]] = None,
        tokens: Optional[list[str]] = None,
        account_id: Optional[int] = None,
    ) -> None:
        """Starts the sandbox; raises ``ContactNowError`` if this build has none."""
        native = getattr(_contactnow, "Sandbox", None)
        if native is None:
            raise ContactNowError("this build of contactnow has no sandbox (built without the 'sandbox' feature)")
        self.users: list[tuple[str, str]] = list(users) if users is not None else list(DEFAULT_USERS)
        """The ``token.php`` (username, password) pairs it accepts."""
        self._native = native(seed=seed, users=self.users, tokens=tokens, account_id=account_id)

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234``."""
        return str(self._native.url)

    @property
    def token(self) -> str:
        """A token the sandbox accepts."""
        return str(self._native.token)

    def client(self, **options: Unpack[_SandboxClientOptions]) -> Client:
        """A :class:`~contactnow.Client` for this sandbox: any option of ``Client``, with the
        sandbox's URL, its :attr:`token` unless ``token`` or ``username`` is given, and a
        ``timeout`` of :data:`CLIENT_TIMEOUT` unless given; ``InvalidInputError`` on
        ``sandbox`` once stopped."""
        return Client(**self._client_options(options))

    def async_client(self, **options: Unpack[_SandboxClientOptions]) -> AsyncClient:
        """An :class:`~contactnow.AsyncClient` for this sandbox, with the options and
        defaults of :meth:`client`."""
        return AsyncClient(**self._client_options(options))

    def _client_options(self, options: _SandboxClientOptions) -> dict[str, Any]:
        settings: dict[str, Any] = {"timeout": CLIENT_TIMEOUT, **options, "base_url": self._native.client_url()}
        if "token" not in options and "username" not in options:
            settings["token"] = self.token
        return settings

    def push_fault(
        self,
        kind: FaultKind,
        *,
        times: int = 1,
        method: Optional[str] = None,
        action: Optional[str] = None,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        ms: Optional[int] = None,
        error: Optional[str] = None,
    ) -> None:
        """Queues a fault for the next ``times`` API requests (matching ``method``/``action``):
        ``status`` (``status=``, ``retry_after=``), ``delay`` (``ms=``), ``reset``,
        ``truncate``, ``api_error`` (``error=``)."""
        self._native.push_fault(
            {"kind": kind, "times": times, "method": method, "action": action,
             "status": status, "retry_after": retry_after, "ms": ms, "error": error}
        )

    def requests(self) -> list[RecordedRequest]:
        """The API requests received so far, oldest first."""
        return [RecordedRequest(**r) for r in self._native.requests()]

    def request_count(self) -> int:
        """The number of API requests received so far."""
        return int(self._native.request_count())

    def clear_requests(self) -> None:
        """Forgets the recorded requests."""
        self._native.clear_requests()

    def expire_token(self, token: Optional[str] = None) -> None:
        """Makes ``token`` (default: :attr:`token`) expired: calls answer "Expired token"."""
        self._native.expire_token(token)

    def revoke_token(self, token: Optional[str] = None) -> None:
        """Makes ``token`` (default: :attr:`token`) unknown: calls answer "Invalid token"."""
        self._native.revoke_token(token)

    def reset(self) -> None:
        """Returns to the seed data, clears faults and recorded requests, revalidates tokens."""
        self._native.reset()

    def stop(self) -> None:
        """Stops the server (idempotent)."""
        self._native.stop()

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return bool(self._native.stopped)

    def __enter__(self) -> Sandbox:
        """Returns the sandbox itself."""
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Stops the sandbox."""
        self.stop()

    def __repr__(self) -> str:
        """``Sandbox(url=...)``."""
        return f"Sandbox(url={self.url!r})"
