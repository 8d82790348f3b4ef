"""Shapes several resources share."""

from __future__ import annotations

from .._response import PortkeyObject

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class RateLimit(PortkeyObject):
    """One rate limit, e.g. `{"type": "requests", "unit": "rpm", "value": 100}`."""

    __slots__ = ()
    type: Optional[str]
    unit: Optional[str]
    value: Optional[int]


class UsageLimits(PortkeyObject):
    """A cost or token budget."""

    __slots__ = ()
    credit_limit: Optional[int]
    type: Optional[str]
    alert_threshold: Optional[int]
    periodic_reset: Optional[str]
    periodic_reset_days: Optional[int]
    next_usage_reset_at: Optional[str]
