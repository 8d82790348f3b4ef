"""`portkey.api_keys`: organisation and workspace API keys.

The methods only collect the arguments that were passed; the Rust core validates them (names,
types, enums, ranges, required fields) before anything is sent. Docstrings come from the core.
"""

from __future__ import annotations

from .._docs import document
from .._response import GenericResponse
from .._types import NOT_GIVEN
from ..types.api_keys import APIKey, APIKeyList, CreatedAPIKey, RotatedAPIKey
from ._base import given

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any, Mapping, Optional, Sequence, Union

    from .._client import AsyncPortkey, Portkey
    from .._types import NotGivenOr

__all__ = ["ApiKeys", "AsyncApiKeys"]


class ApiKeys:
    """`portkey.api_keys`: organisation and workspace API keys."""

    def __init__(self, client: Portkey) -> None:
        self._client = client

    def create(
        self,
        *,
        type: NotGivenOr[str] = NOT_GIVEN,
        sub_type: NotGivenOr[str] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        description: NotGivenOr[str] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        user_id: NotGivenOr[str] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        scopes: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        defaults: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime, None]] = NOT_GIVEN,
        alert_emails: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        rotation_policy: NotGivenOr[Optional[Mapping[str, Any]]] = NOT_GIVEN,
        organisation_id: NotGivenOr[str] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> CreatedAPIKey:
        params = given(
            kwargs,
            type=type,
            sub_type=sub_type,
            name=name,
            description=description,
            workspace_id=workspace_id,
            user_id=user_id,
            rate_limits=rate_limits,
            usage_limits=usage_limits,
            scopes=scopes,
            defaults=defaults,
            expires_at=expires_at,
            alert_emails=alert_emails,
            rotation_policy=rotation_policy,
            organisation_id=organisation_id,
        )
        return self._client._call(
            "api_keys.create", params, CreatedAPIKey, timeout, max_retries, extra_headers
        )

    def list(
        self,
        *,
        page_size: NotGivenOr[int] = NOT_GIVEN,
        current_page: NotGivenOr[int] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> APIKeyList:
        params = given(
            None, page_size=page_size, current_page=current_page, workspace_id=workspace_id
        )
        return self._client._call(
            "api_keys.list", params, APIKeyList, timeout, max_retries, extra_headers
        )

    def retrieve(
        self,
        *,
        id: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> APIKey:
        return self._client._call(
            "api_keys.retrieve", {"id": id}, APIKey, timeout, max_retries, extra_headers
        )

    def update(
        self,
        *,
        id: NotGivenOr[Optional[str]] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        description: NotGivenOr[str] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        scopes: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        defaults: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime, None]] = NOT_GIVEN,
        reset_usage: NotGivenOr[bool] = NOT_GIVEN,
        alert_emails: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        rotation_policy: NotGivenOr[Optional[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> GenericResponse:
        params = given(
            kwargs,
            id=id,
            name=name,
            description=description,
            rate_limits=rate_limits,
            usage_limits=usage_limits,
            scopes=scopes,
            defaults=defaults,
            expires_at=expires_at,
            reset_usage=reset_usage,
            alert_emails=alert_emails,
            rotation_policy=rotation_policy,
        )
        return self._client._call(
            "api_keys.update", params, GenericResponse, timeout, max_retries, extra_headers
        )

    def delete(
        self,
        *,
        id: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> GenericResponse:
        return self._client._call(
            "api_keys.delete", {"id": id}, GenericResponse, timeout, max_retries, extra_headers
        )

    def rotate(
        self,
        *,
        id: Optional[str],
        key_transition_period_ms: NotGivenOr[int] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RotatedAPIKey:
        params = given(None, id=id, key_transition_period_ms=key_transition_period_ms)
        return self._client._call(
            "api_keys.rotate", params, RotatedAPIKey, timeout, max_retries, extra_headers
        )


class AsyncApiKeys:
    """`AsyncPortkey().api_keys`: the awaitable twin of `ApiKeys`."""

    def __init__(self, client: AsyncPortkey) -> None:
        self._client = client

    async def create(
        self,
        *,
        type: NotGivenOr[str] = NOT_GIVEN,
        sub_type: NotGivenOr[str] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        description: NotGivenOr[str] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        user_id: NotGivenOr[str] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        scopes: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        defaults: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime, None]] = NOT_GIVEN,
        alert_emails: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        rotation_policy: NotGivenOr[Optional[Mapping[str, Any]]] = NOT_GIVEN,
        organisation_id: NotGivenOr[str] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> CreatedAPIKey:
        params = given(
            kwargs,
            type=type,
            sub_type=sub_type,
            name=name,
            description=description,
            workspace_id=workspace_id,
            user_id=user_id,
            rate_limits=rate_limits,
            usage_limits=usage_limits,
            scopes=scopes,
            defaults=defaults,
            expires_at=expires_at,
            alert_emails=alert_emails,
            rotation_policy=rotation_policy,
            organisation_id=organisation_id,
        )
        return await self._client._call(
            "api_keys.create", params, CreatedAPIKey, timeout, max_retries, extra_headers
        )

    async def list(
        self,
        *,
        page_size: NotGivenOr[int] = NOT_GIVEN,
        current_page: NotGivenOr[int] = NOT_GIVEN,
        workspace_id: NotGivenOr[str] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> APIKeyList:
        params = given(
            None, page_size=page_size, current_page=current_page, workspace_id=workspace_id
        )
        return await self._client._call(
            "api_keys.list", params, APIKeyList, timeout, max_retries, extra_headers
        )

    async def retrieve(
        self,
        *,
        id: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> APIKey:
        return await self._client._call(
            "api_keys.retrieve", {"id": id}, APIKey, timeout, max_retries, extra_headers
        )

    async def update(
        self,
        *,
        id: NotGivenOr[Optional[str]] = NOT_GIVEN,
        name: NotGivenOr[str] = NOT_GIVEN,
        description: NotGivenOr[str] = NOT_GIVEN,
        rate_limits: NotGivenOr[Optional[Sequence[Mapping[str, Any]]]] = NOT_GIVEN,
        usage_limits: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        scopes: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        defaults: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        expires_at: NotGivenOr[Union[str, datetime, None]] = NOT_GIVEN,
        reset_usage: NotGivenOr[bool] = NOT_GIVEN,
        alert_emails: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        rotation_policy: NotGivenOr[Optional[Mapping[str, Any]]] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> GenericResponse:
        params = given(
            kwargs,
            id=id,
            name=name,
            description=description,
            rate_limits=rate_limits,
            usage_limits=usage_limits,
            scopes=scopes,
            defaults=defaults,
            expires_at=expires_at,
            reset_usage=reset_usage,
            alert_emails=alert_emails,
            rotation_policy=rotation_policy,
        )
        return await self._client._call(
            "api_keys.update", params, GenericResponse, timeout, max_retries, extra_headers
        )

    async def delete(
        self,
        *,
        id: Optional[str],
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> GenericResponse:
        return await self._client._call(
            "api_keys.delete", {"id": id}, GenericResponse, timeout, max_retries, extra_headers
        )

    async def rotate(
        self,
        *,
        id: Optional[str],
        key_transition_period_ms: NotGivenOr[int] = NOT_GIVEN,
        timeout: NotGivenOr[Optional[float]] = NOT_GIVEN,
        max_retries: NotGivenOr[int] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RotatedAPIKey:
        params = given(None, id=id, key_transition_period_ms=key_transition_period_ms)
        return await self._client._call(
            "api_keys.rotate", params, RotatedAPIKey, timeout, max_retries, extra_headers
        )


document("api_keys", ApiKeys, AsyncApiKeys)
