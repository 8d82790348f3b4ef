"""Typed response objects. Each is a `PortkeyObject`: fields the server adds later are still
reachable by attribute or item access."""

from .._response import GenericResponse, PortkeyObject
from .api_keys import (
    APIKey,
    APIKeyList,
    CreatedAPIKey,
    KeyDefaults,
    RotatedAPIKey,
    RotationPolicy,
)
from .shared import RateLimit, UsageLimits
from .virtual_keys import CreatedVirtualKey, CreatedVirtualKeyData, VirtualKey, VirtualKeyList

__all__ = [
    "PortkeyObject",
    "GenericResponse",
    "APIKey",
    "APIKeyList",
    "CreatedAPIKey",
    "RotatedAPIKey",
    "KeyDefaults",
    "RotationPolicy",
    "RateLimit",
    "UsageLimits",
    "VirtualKey",
    "VirtualKeyList",
    "CreatedVirtualKey",
    "CreatedVirtualKeyData",
]
