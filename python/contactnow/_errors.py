"""The exception tree. Every exception the package raises derives from ContactNowError.

The Rust extension creates these (in ``crates/contactnow-core/src/python/error.rs``); their texts never
contain the token or the password.

They pickle and copy with all their fields (``pickle``, ``copy``, ``multiprocessing``,
``concurrent.futures``): :meth:`ContactNowError.__reduce__` rebuilds an error from its
``args`` and attributes, which are the same scrubbed texts, so the pickled bytes hold no
secret either.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

__all__ = [
    "ContactNowError",
    "InvalidInputError",
    "ApiError",
    "DecodeError",
    "HttpStatusError",
    "TransportError",
    "TimeoutError",
]


class ContactNowError(Exception):
    """Base class of every contactnow error. ``kind`` names the kind, as in every binding."""

    kind: str = "ContactNow"
    """The stable name of the kind: ``Api``, ``InvalidInput``, ``Decode``, ``HttpStatus``..."""

    def __init__(self, text: str) -> None:
        """An error whose message is ``text`` (the binding's own errors, e.g. a closed client)."""
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as the class, ``args`` and every attribute (no secret: the texts are scrubbed)."""
        # The default (``cls(*args)``, then the attributes) fails for the subclasses, whose
        # fields are required keyword-only arguments: rebuild without calling ``__init__``,
        # then restore every attribute (the fields, ``__notes__``, anything set later).
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(cls: type[ContactNowError], args: tuple[Any, ...]) -> ContactNowError:
    """Unpickling helper: an instance of ``cls`` with ``args`` whose ``__init__`` did not run.

    ``args`` is set explicitly because ``OSError.__new__`` (a base of ``TimeoutError``)
    leaves it to ``__init__`` when a subclass overrides that.
    """
    err = cls.__new__(cls, *args)
    err.args = args
    return err


class InvalidInputError(ContactNowError, ValueError):
    """An argument or setting was rejected before anything was sent."""

    kind = "InvalidInput"

    def __init__(self, text: str, *, field: str, reason: str) -> None:
        """An error whose message is ``text``, about ``field``."""
        super().__init__(text)
        self.field = field
        """The field at fault, e.g. ``records[1].agent_id``."""
        self.reason = reason
        """Why it was rejected."""


class ApiError(ContactNowError):
    """The API said no (``success: false``), or some records of a batch failed (``partial``)."""

    kind = "Api"

    def __init__(
        self,
        text: str,
        *,
        message: str,
        account_id: Optional[int] = None,
        total: Optional[int] = None,
        bad: Optional[int] = None,
        key: Optional[int] = None,
        expire: Optional[int] = None,
        partial: bool = False,
        token_rejected: bool = False,
    ) -> None:
        """An error whose message is ``text``, with the fields of the server's answer."""
        super().__init__(text)
        self.message = message
        """The server's ``error`` text (or a description of the partial failure)."""
        self.account_id = account_id
        """The authenticated account, if reported."""
        self.total = total
        """Records affected, if the server said."""
        self.bad = bad
        """Records that failed, if the server said."""
        self.key = key
        """The ``key`` of the answer, if present."""
        self.expire = expire
        """The ``expire`` of the answer (``-1`` for an expired token), if present."""
        self.partial = partial
        """True when the server said success but some records of the batch failed."""
        self.token_rejected = token_rejected
        """True when the server refused the token (expired, invalid or unknown)."""


class DecodeError(ContactNowError, ValueError):
    """The response could not be read as the expected format (or was too large)."""

    kind = "Decode"

    outcome_unknown: bool = False
    """True when a TOD policy create got a 2xx answer that could not be read: it was probably
    applied, and was not repeated; check the server's state before trying again."""

    def __init__(self, text: str, *, format: str, reason: str, excerpt: str, outcome_unknown: bool = False) -> None:
        """An error whose message is ``text``, about a body expected in ``format``."""
        super().__init__(text)
        self.format = format
        """The format that was expected: ``json`` or ``xml``."""
        self.reason = reason
        """What was wrong with the body."""
        self.excerpt = excerpt
        """The start of the body, for diagnosis."""
        self.outcome_unknown = outcome_unknown


class HttpStatusError(ContactNowError):
    """The server answered with a status other than 2xx (after any retries)."""

    kind = "HttpStatus"

    outcome_unknown: bool = False
    """True when a write that is not safe to repeat (a TOD policy create) got a status that may
    follow its application (a 5xx such as 500, 502 or 504) and was not repeated: check the
    server's state before trying again. Always False for 4xx and 503."""

    def __init__(self, text: str, *, status: int, excerpt: str, outcome_unknown: bool = False) -> None:
        """An error whose message is ``text``, about an answer with ``status``."""
        super().__init__(text)
        self.status = status
        """The HTTP status code."""
        self.excerpt = excerpt
        """The start of the body, for diagnosis."""
        self.outcome_unknown = outcome_unknown


class TransportError(ContactNowError):
    """Connecting, TLS or I/O failed."""

    kind = "Transport"

    def __init__(self, text: str, *, outcome_unknown: bool = False) -> None:
        """An error whose message is ``text``."""
        super().__init__(text)
        self.outcome_unknown = outcome_unknown
        """True when a write that is not safe to repeat may have been applied: check first."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """A timeout expired (also a built-in ``TimeoutError``)."""

    kind = "Timeout"
