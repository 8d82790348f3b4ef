"""What every generated resource method shares (hand-written)."""

from __future__ import annotations

from .._types import NotGiven

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional


def given(extra: Optional[Dict[str, Any]], named: Dict[str, Any]) -> Dict[str, Any]:
    """The arguments that were passed (NOT_GIVEN dropped; None kept, sent as null), then
    the caller's extra keyword arguments, which the core sends in the body."""
    # Most calls pass every argument they name: then `named` is the answer as it is (a
    # comprehension costs a function frame, about half a microsecond a call).
    for value in named.values():
        if isinstance(value, NotGiven):
            named = {k: v for k, v in named.items() if not isinstance(v, NotGiven)}
            break
    if extra:
        named.update(extra)
    return named
