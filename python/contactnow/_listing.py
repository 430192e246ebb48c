"""``Listing``: the records a read returned, a read-only sequence (the extension builds one
per read with the records it made)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Optional, TypeVar, Union, overload

_R = TypeVar("_R", covariant=True)

_SHOWN = 5


class Listing(Sequence[_R]):
    """The records a read returned (``Assignment`` or ``TodPolicy``): a read-only sequence."""

    __slots__ = ("_account_id", "_total", "_records")
    __module__ = "contactnow"
    _account_id: Optional[int]
    _total: int
    _records: tuple[_R, ...]

    def __init__(self, *, records: Iterable[_R], account_id: Optional[int] = None, total: Optional[int] = None) -> None:
        """A listing of ``records`` (for tests and the sans-IO layer); ``total`` defaults to their count."""
        records = tuple(records)
        object.__setattr__(self, "_records", records)
        object.__setattr__(self, "_account_id", account_id)
        object.__setattr__(self, "_total", len(records) if total is None else total)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Listing is immutable: cannot set {name!r}")

    @property
    def account_id(self) -> Optional[int]:
        """The authenticated account, if reported."""
        return self._account_id

    @property
    def total(self) -> int:
        """The server's ``total`` (the number of records when it sent none)."""
        return self._total

    @property
    def records(self) -> tuple[_R, ...]:
        """The records, in the server's order."""
        return self._records

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int, /) -> _R: ...
    @overload
    def __getitem__(self, index: slice, /) -> tuple[_R, ...]: ...
    def __getitem__(self, index: Union[int, slice], /) -> Union[_R, tuple[_R, ...]]:
        return self._records[index]

    def __iter__(self) -> Iterator[_R]:
        return iter(self._records)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Listing):
            return NotImplemented
        return (self._account_id, self._total, self._records) == (other._account_id, other._total, other._records)

    def __hash__(self) -> int:
        return hash((self._account_id, self._total, self._records))

    def to_dict(self) -> dict[str, Any]:
        """``{"account_id", "total", "records": [dict, ...]}``."""
        records = [r.to_dict() for r in self._records]  # type: ignore[attr-defined]
        return {"account_id": self._account_id, "total": self._total, "records": records}

    def __repr__(self) -> str:
        parts = [repr(r) for r in self._records[:_SHOWN]]
        if len(self._records) > _SHOWN:
            parts.append(f"... {len(self._records) - _SHOWN} more")
        return f"Listing(account_id={self._account_id}, total={self._total}, records=[{', '.join(parts)}])"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as ``Listing(records=(...), account_id=..., total=...)``."""
        return (_rebuild, (self._records, self._account_id, self._total))


def _rebuild(records: tuple[Any, ...], account_id: Optional[int], total: int) -> Listing[Any]:
    return Listing(records=records, account_id=account_id, total=total)
