"""The values of the sans-IO layer (:mod:`contactnow.core`): the request to send, and the
answers of the token calls. Plain immutable data, made by the extension; those that hold a
secret hide it in ``repr`` and refuse pickling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NoReturn, Optional


def _quote(text: str) -> str:
    return repr(text)


class _Frozen:
    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __copy__(self) -> Any:
        """Immutable: a copy is the same object."""
        return self

    def __deepcopy__(self, memo: Any) -> Any:
        """Immutable: a copy is the same object."""
        return self

    def _refuse_pickle(self, why: str) -> NoReturn:
        raise TypeError(f"cannot pickle 'contactnow.core.{type(self).__name__}' object: {why}")


class Request(_Frozen):
    """An HTTP request to send; the URL carries the token, so ``repr`` hides it."""

    __slots__ = ("method", "url", "redacted_url", "headers", "body")
    __module__ = "contactnow.core"
    method: Literal["GET", "POST"]
    """``GET`` or ``POST``."""
    url: str
    """The full URL, with the token: send it, do not log it."""
    redacted_url: str
    """The URL with ``token`` and ``password`` replaced by ``***``."""
    headers: list[tuple[str, str]]
    """Header names and values."""
    body: bytes
    """The body (empty for GET)."""

    def __init__(self, method: str, url: str, redacted_url: str, headers: list[tuple[str, str]], body: bytes) -> None:
        for name, value in zip(self.__slots__, (method, url, redacted_url, headers, body)):
            object.__setattr__(self, name, value)

    @property
    def content_type(self) -> Optional[str]:
        """The value of the ``Content-Type`` header, if any."""
        return next((v for n, v in self.headers if n.lower() == "content-type"), None)

    def __repr__(self) -> str:
        headers = ", ".join(f"({_quote(n)}, {_quote(v)})" for n, v in self.headers)
        return (f"Request(method={_quote(self.method)}, url={_quote(self.redacted_url)}, "
                f"headers=[{headers}], body=<{len(self.body)} bytes>)")

    def __reduce__(self) -> NoReturn:
        self._refuse_pickle("its URL carries the token; pickle the operation and input instead")


class TokenGrant(_Frozen):
    """A token from ``token.php?action=get``; ``repr`` hides it and it refuses pickling."""

    __slots__ = ("token", "expire")
    __module__ = "contactnow.core"
    token: str
    """The token itself."""
    expire: int
    """When it expires, in Unix seconds."""

    def __init__(self, token: str, expire: int) -> None:
        object.__setattr__(self, "token", token)
        object.__setattr__(self, "expire", expire)

    def __repr__(self) -> str:
        return f"TokenGrant(token='***', expire={self.expire})"

    def __reduce__(self) -> NoReturn:
        self._refuse_pickle("it holds the token; pickle .expire, or get a new token where it is needed")


@dataclass(frozen=True)
class TokenStatus:
    """The answer of ``token.php?action=validate`` for a valid token."""

    expire: int
    """When the token expires, in Unix seconds."""


TokenStatus.__module__ = "contactnow.core"
