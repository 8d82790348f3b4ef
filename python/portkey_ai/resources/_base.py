"""What every generated resource method shares (hand-written)."""

from __future__ import annotations

from .._types import NotGiven

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional


def given(extra: Optional[Dict[str, Any]], named: Dict[str, Any]) -> Dict[str, Any]:
    """The arguments that were passed (NOT_GIVEN dropped; None kept, sent as null), then
    the caller's extra keyword arguments, which the core sends in the body."""
    params = {k: v for k, v in named.items() if not isinstance(v, NotGiven)}
    if extra:
        params.update(extra)
    return params
