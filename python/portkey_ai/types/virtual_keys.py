"""Answers of `virtual_keys.*`."""

from __future__ import annotations

from .._response import GenericResponse, PortkeyObject
from .shared import RateLimit, UsageLimits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional


class VirtualKey(PortkeyObject):
    """A virtual key. The provider's secret is never returned."""

    __slots__ = ()
    _nested = {"rate_limits": RateLimit, "usage_limits": UsageLimits}
    slug: Optional[str]
    name: Optional[str]
    note: Optional[str]
    status: Optional[str]
    usage_limits: Optional[UsageLimits]
    reset_usage: Optional[float]
    created_at: Optional[str]
    model_config: Optional[GenericResponse]
    rate_limits: Optional[List[RateLimit]]
    expires_at: Optional[str]
    secret_mappings: Optional[List[GenericResponse]]
    object: Optional[str]


class VirtualKeyList(PortkeyObject):
    """A page of virtual keys; `total` counts all matching keys."""

    __slots__ = ()
    _nested = {"data": VirtualKey}
    object: Optional[str]
    total: Optional[int]
    data: List[VirtualKey]


class CreatedVirtualKeyData(PortkeyObject):
    """`data` of the answer to `create`."""

    __slots__ = ()
    slug: Optional[str]


class CreatedVirtualKey(PortkeyObject):
    """The answer to `create`: `{"success": true, "data": {"slug": ...}}`."""

    __slots__ = ()
    _nested = {"data": CreatedVirtualKeyData}
    success: Optional[bool]
    data: Optional[CreatedVirtualKeyData]
