"""`portkey.virtual_keys`: provider credentials stored by Portkey.

The methods only collect the arguments that were passed; the Rust core validates them before
anything is sent. Docstrings come from the core. Parameter names follow the official SDK
(`apiVersion`, `resourceName`, `deploymentName`); the snake_case forms work as **kwargs.
"""

from __future__ import annotations

from .._docs import document
from .._response import GenericResponse
from .._types import NOT_GIVEN
from ..types.virtual_keys import CreatedVirtualKey, VirtualKey, VirtualKeyList
from ._base import given

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any, Mapping, Optional, Sequence, Union

    from .._client import AsyncPortkey, Portkey
    from .._types import NotGivenOr

__all__ = ["VirtualKeys", "AsyncVirtualKeys"]


class VirtualKeys:
    """`portkey.virtual_keys`: provider credentials stored by Portkey."""

    def __init__(self, client: Portkey) -> None:
        self._client = client

    def create(
        self,
        *,
        name: NotGivenOr[str] = NOT_GIVEN,
        provider: NotGivenOr[str] = NOT_GIVEN,
        key: NotGivenOr[str] = NOT_GIVEN,
        note: NotGivenOr[Optional[str]] = NOT_GIVEN,
        apiVersion: NotGivenOr[Optional[str]] = NOT_GIVEN,
        resourceName: NotGivenOr[Optional[str]] = NOT_GIVEN,
        deploymentName: NotGivenOr[Optional[str]] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime]] = NOT_GIVEN,
        deploymentConfig: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        secret_mappings: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> CreatedVirtualKey:
        params = given(
            kwargs,
            name=name,
            provider=provider,
            key=key,
            note=note,
            apiVersion=apiVersion,
            resourceName=resourceName,
            deploymentName=deploymentName,
            workspace_id=workspace_id,
            usage_limits=usage_limits,
            rate_limits=rate_limits,
            expires_at=expires_at,
            deploymentConfig=deploymentConfig,
            secret_mappings=secret_mappings,
        )
        return self._client._call(
            "virtual_keys.create", params, CreatedVirtualKey, timeout, max_retries, extra_headers
        )

    def list(
        self,
        *,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        current_page: NotGivenOr[int] = NOT_GIVEN,
        page_size: NotGivenOr[int] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> VirtualKeyList:
        params = given(
            None, workspace_id=workspace_id, current_page=current_page, page_size=page_size
        )
        return self._client._call(
            "virtual_keys.list", params, VirtualKeyList, timeout, max_retries, extra_headers
        )

    def retrieve(
        self,
        *,
        slug: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> VirtualKey:
        return self._client._call(
            "virtual_keys.retrieve", {"slug": slug}, VirtualKey, timeout, max_retries, extra_headers
        )

    def update(
        self,
        *,
        slug: NotGivenOr[Optional[str]] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        key: NotGivenOr[str] = NOT_GIVEN,
        note: NotGivenOr[Optional[str]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        deploymentConfig: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        secret_mappings: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> GenericResponse:
        params = given(
            kwargs,
            slug=slug,
            name=name,
            key=key,
            note=note,
            usage_limits=usage_limits,
            rate_limits=rate_limits,
            deploymentConfig=deploymentConfig,
            secret_mappings=secret_mappings,
        )
        return self._client._call(
            "virtual_keys.update", params, GenericResponse, timeout, max_retries, extra_headers
        )

    def delete(
        self,
        *,
        slug: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> GenericResponse:
        return self._client._call(
            "virtual_keys.delete", {"slug": slug}, GenericResponse, timeout, max_retries, extra_headers
        )


class AsyncVirtualKeys:
    """`AsyncPortkey().virtual_keys`: the awaitable twin of `VirtualKeys`."""

    def __init__(self, client: AsyncPortkey) -> None:
        self._client = client

    async def create(
        self,
        *,
        name: NotGivenOr[str] = NOT_GIVEN,
        provider: NotGivenOr[str] = NOT_GIVEN,
        key: NotGivenOr[str] = NOT_GIVEN,
        note: NotGivenOr[Optional[str]] = NOT_GIVEN,
        apiVersion: NotGivenOr[Optional[str]] = NOT_GIVEN,
        resourceName: NotGivenOr[Optional[str]] = NOT_GIVEN,
        deploymentName: NotGivenOr[Optional[str]] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime]] = NOT_GIVEN,
        deploymentConfig: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        secret_mappings: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> CreatedVirtualKey:
        params = given(
            kwargs,
            name=name,
            provider=provider,
            key=key,
            note=note,
            apiVersion=apiVersion,
            resourceName=resourceName,
            deploymentName=deploymentName,
            workspace_id=workspace_id,
            usage_limits=usage_limits,
            rate_limits=rate_limits,
            expires_at=expires_at,
            deploymentConfig=deploymentConfig,
            secret_mappings=secret_mappings,
        )
        return await self._client._call(
            "virtual_keys.create", params, CreatedVirtualKey, timeout, max_retries, extra_headers
        )

    async def list(
        self,
        *,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        current_page: NotGivenOr[int] = NOT_GIVEN,
        page_size: NotGivenOr[int] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> VirtualKeyList:
        params = given(
            None, workspace_id=workspace_id, current_page=current_page, page_size=page_size
        )
        return await self._client._call(
            "virtual_keys.list", params, VirtualKeyList, timeout, max_retries, extra_headers
        )

    async def retrieve(
        self,
        *,
        slug: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> VirtualKey:
        return await self._client._call(
            "virtual_keys.retrieve", {"slug": slug}, VirtualKey, timeout, max_retries, extra_headers
        )

    async def update(
        self,
        *,
        slug: NotGivenOr[Optional[str]] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        key: NotGivenOr[str] = NOT_GIVEN,
        note: NotGivenOr[Optional[str]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        deploymentConfig: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        secret_mappings: NotGivenOr[Sequence[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> GenericResponse:
        params = given(
            kwargs,
            slug=slug,
            name=name,
            key=key,
            note=note,
            usage_limits=usage_limits,
            rate_limits=rate_limits,
            deploymentConfig=deploymentConfig,
            secret_mappings=secret_mappings,
        )
        return await self._client._call(
            "virtual_keys.update", params, GenericResponse, timeout, max_retries, extra_headers
        )

    async def delete(
        self,
        *,
        slug: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> GenericResponse:
        return await self._client._call(
            "virtual_keys.delete", {"slug": slug}, GenericResponse, timeout, max_retries, extra_headers
        )


document("virtual_keys", VirtualKeys, AsyncVirtualKeys)
