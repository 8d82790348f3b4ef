"""The NOT_GIVEN sentinel: only arguments a caller passed are sent (None is sent as null)."""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name as True; nothing is imported at run time
if TYPE_CHECKING:
    from typing import Literal, TypeVar, Union

    _T = TypeVar("_T")


class NotGiven:
    """The type of NOT_GIVEN, the default of every optional parameter."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

if TYPE_CHECKING:
    NotGivenOr = Union[_T, NotGiven]
