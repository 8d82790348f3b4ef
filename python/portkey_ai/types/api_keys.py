"""Answers of `api_keys.*`."""

from __future__ import annotations

from .._response import GenericResponse, PortkeyObject
from .shared import RateLimit, UsageLimits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional


class KeyDefaults(PortkeyObject):
    """Defaults applied to requests made with a key."""

    __slots__ = ()
    metadata: Optional[GenericResponse]
    config_id: Optional[str]
    allow_config_override: Optional[bool]


class RotationPolicy(PortkeyObject):
    """Automatic rotation settings."""

    __slots__ = ()
    rotation_period: Optional[str]
    next_rotation_at: Optional[str]
    key_transition_period_ms: Optional[int]


class APIKey(PortkeyObject):
    """An API key as `retrieve` and `list` show it; `key` is masked."""

    __slots__ = ()
    _nested = {
        "rate_limits": RateLimit,
        "usage_limits": UsageLimits,
        "defaults": KeyDefaults,
        "rotation_policy": RotationPolicy,
    }
    id: Optional[str]
    key: Optional[str]
    name: Optional[str]
    description: Optional[str]
    type: Optional[str]
    organisation_id: Optional[str]
    workspace_id: Optional[str]
    user_id: Optional[str]
    status: Optional[str]
    created_at: Optional[str]
    last_updated_at: Optional[str]
    creation_mode: Optional[str]
    rate_limits: Optional[List[RateLimit]]
    usage_limits: Optional[UsageLimits]
    reset_usage: Optional[float]
    scopes: Optional[List[str]]
    defaults: Optional[KeyDefaults]
    alert_emails: Optional[List[str]]
    expires_at: Optional[str]
    rotation_policy: Optional[RotationPolicy]
    object: Optional[str]


class APIKeyList(PortkeyObject):
    """A page of API keys; `total` counts all matching keys."""

    __slots__ = ()
    _nested = {"data": APIKey}
    object: Optional[str]
    total: Optional[int]
    data: List[APIKey]


class CreatedAPIKey(PortkeyObject):
    """The answer to `create`: the full secret, shown only this once."""

    __slots__ = ()
    id: Optional[str]
    key: Optional[str]
    object: Optional[str]


class RotatedAPIKey(PortkeyObject):
    """The answer to `rotate`: the new secret and when the previous one stops working."""

    __slots__ = ()
    id: Optional[str]
    key: Optional[str]
    key_transition_expires_at: Optional[str]
