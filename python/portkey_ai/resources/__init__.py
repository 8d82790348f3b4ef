"""One module per API resource, each with a sync and an async class."""

from .api_keys import ApiKeys, AsyncApiKeys
from .virtual_keys import AsyncVirtualKeys, VirtualKeys

__all__ = ["ApiKeys", "AsyncApiKeys", "VirtualKeys", "AsyncVirtualKeys"]
