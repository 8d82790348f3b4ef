"""Typed usage of the public surface, for `mypy --strict` (see python/README.md): every call form
of the admin API, configs and auto-pagination, with the types a user's code relies on spelled
out. `# type: ignore[code]` lines are mistakes mypy must catch: with `warn_unused_ignores`
(part of --strict) an ignore that catches nothing is itself an error, so each one proves a check.

test_typing_usage.py also runs these functions against the mock, so the forms work, too.
"""

from __future__ import annotations

import datetime
from typing import List, Optional

from portkey_ai import (
    AsyncPage,
    AsyncPager,
    AsyncPortkey,
    GenericResponse,
    NotFoundError,
    Portkey,
    SyncPage,
)
from portkey_ai.types import (
    APIKey,
    APIKeyList,
    AuditLog,
    AuditLogList,
    ConfigVersion,
    CreatedConfig,
    CreatedInvite,
    Invite,
    ResentInvite,
    User,
    Workspace,
    WorkspaceMember,
)
from portkey_ai.types.api_keys import CreatedAPIKey


def sync_usage(portkey: Portkey) -> List[str]:
    seen: List[str] = []

    # Admin: workspaces and their members.
    workspace: Workspace = portkey.admin.workspaces.create(
        name="typed", description="d", defaults={"metadata": {"team": "t"}}
    )
    workspace_id: Optional[str] = workspace.id
    portkey.admin.workspaces.update(workspace_id=workspace_id, name="typed-2")
    users: SyncPage[User] = portkey.admin.users.list(page_size=50, role="member")
    first: User = users.data[0]
    total: Optional[int] = users.total
    assert total is not None and first.id is not None
    portkey.admin.workspaces.users.create(
        workspace_id=workspace_id, users=[{"id": first.id, "role": "member"}]
    )
    member: WorkspaceMember = portkey.admin.workspaces.users.retrieve(
        workspace_id=workspace_id, user_id=first.id, timeout=5.0, max_retries=1
    )
    seen.append(member.role or "")
    for m in portkey.admin.workspaces.users.list(workspace_id=workspace_id):
        m_email: Optional[str] = m.email
        seen.append(m_email or "")
    portkey.admin.workspaces.users.delete(
        workspace_id=workspace_id, user_id=first.id, extra_headers={"x-trace": "typed"}
    )

    # Admin: users and invites; iterating a page yields the item model.
    for user in portkey.admin.users.list():
        typed_user: User = user
        seen.append(typed_user.email or "")
    invite: CreatedInvite = portkey.admin.users.invites.create(
        email="typed@example.com",
        role="member",
        workspaces=[{"id": workspace_id, "role": "admin"}],
        workspace_api_key_details={"scopes": ["logs.list"]},
    )
    again: Invite = portkey.admin.users.invites.retrieve(invite_id=invite.id)
    seen.append(again.status or "")
    pages = list(portkey.admin.users.invites.list(page_size=1).iter_pages())
    page_of_invites: SyncPage[Invite] = pages[0]
    seen.append(str(len(page_of_invites.data)))
    resent: ResentInvite = portkey.admin.users.invites.resend(invite_id=invite.id)
    seen.append(type(resent).__name__)
    updated: GenericResponse = portkey.admin.users.update(user_id=first.id, role="member")
    seen.append(type(updated).__name__)
    portkey.admin.users.invites.delete(invite_id=invite.id)

    # Configs, with a nested resource.
    config: CreatedConfig = portkey.configs.create(
        name="typed", config={"retry": {"attempts": 3}}, workspace_id=workspace_id or ""
    )
    slug = config.data.id if config.data else None
    portkey.configs.update(slug=slug, config={"cache": {"mode": "simple"}}, status="active")
    versions = portkey.configs.versions.list(slug=slug)
    version: Optional[ConfigVersion] = versions.data[0] if versions.data else None
    seen.append(version.id or "" if version else "")
    portkey.configs.delete(slug=slug)

    # API keys: a datetime where the spec says date-time; the page is the generated page model.
    key: CreatedAPIKey = portkey.api_keys.create(
        type="organisation", sub_type="service", name="typed", scopes=["completions.write"]
    )
    portkey.api_keys.update(
        id=key.id, expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    )
    keys = portkey.api_keys.list(page_size=10)
    assert isinstance(keys, APIKeyList)
    all_keys: List[APIKey] = list(keys)
    seen.append(str(len(all_keys)))
    portkey.api_keys.delete(id=key.id)
    # The audit log pages through `records`; on its pages `.data` reads them too.
    audit: SyncPage[AuditLog] = portkey.audit_logs.list(
        start_time="2000-01-01T00:00:00Z",
        end_time="2100-01-01T00:00:00Z",
        organisation_id="org",
        page_size=2,
    )
    assert isinstance(audit, AuditLogList)
    this_page: List[AuditLog] = audit.data
    records: List[AuditLog] = list(audit)
    seen.append(str(len(records) >= len(this_page)))

    try:
        portkey.admin.workspaces.delete(workspace_id=workspace_id)
        portkey.admin.workspaces.retrieve(workspace_id=workspace_id)
    except NotFoundError as e:
        seen.append(str(e.status_code))
    return seen


async def async_usage(portkey: AsyncPortkey) -> List[str]:
    seen: List[str] = []
    workspace: Workspace = await portkey.admin.workspaces.create(name="typed-async")
    pager: AsyncPager[User] = portkey.admin.users.list(page_size=1)
    page: AsyncPage[User] = await pager
    seen.extend(u.email or "" for u in page.data)
    async for user in page:
        typed_user: User = user
        seen.append(typed_user.email or "")
    async for user in portkey.admin.users.list(page_size=1):
        seen.append(user.id or "")
    async for one_page in page.iter_pages():
        seen.append(str(one_page.total))
    await portkey.admin.workspaces.delete(workspace_id=workspace.id)
    return seen


def mistakes_mypy_catches(portkey: Portkey, aportkey: AsyncPortkey) -> None:
    """Never called: each line is an error that mypy must report."""
    portkey.admin.users.lst()  # type: ignore[attr-defined]
    portkey.admin.users.list(page_size="50")  # type: ignore[arg-type]
    portkey.admin.users.list(role="superuser")  # type: ignore[arg-type]
    portkey.admin.users.retrieve("user-id")  # type: ignore[call-arg]
    portkey.configs.create(config=["not", "a", "mapping"])  # type: ignore[arg-type]
    portkey.admin.workspaces.users.create(workspace_id="w", nope=1)  # type: ignore[call-arg]
    user: User = portkey.admin.users.list().data[0]
    user.emial  # type: ignore[attr-defined]
    count: int = user.email  # type: ignore[assignment]
    for _ in aportkey.admin.users.list():  # type: ignore[attr-defined]
        pass
    workspace: Workspace = aportkey.admin.workspaces.retrieve(  # type: ignore[assignment]
        workspace_id="w"
    )
    del count, workspace


def streaming_types(portkey: Portkey) -> str:
    """Type-checked only: `stream=True` gives a `Stream` of chunks, else one completion."""
    from portkey_ai import Stream
    from portkey_ai.types import PromptCompletion, PromptCompletionChunk

    text = ""
    with portkey.prompts.completions.create(prompt_id="p", variables={}, stream=True) as stream:
        typed: Stream[PromptCompletionChunk] = stream
        for chunk in typed:
            one: PromptCompletionChunk = chunk
            text += str(one.id)
    answer: PromptCompletion = portkey.prompts.completions.create(prompt_id="p", variables={})
    also: PromptCompletion = portkey.prompts.completions.create(prompt_id="p", variables={}, stream=False)
    flag = bool(text)
    either = portkey.prompts.completions.create(prompt_id="p", variables={}, stream=flag)
    if isinstance(either, Stream):
        either.close()
    wrong: Stream[PromptCompletionChunk] = portkey.prompts.completions.create(  # type: ignore[assignment]
        prompt_id="p", variables={}
    )
    del answer, also, wrong
    return text


async def async_streaming_types(aportkey: AsyncPortkey) -> str:
    """Type-checked only: `AsyncPortkey` gives an `AsyncStream` (async with / async for)."""
    from portkey_ai import AsyncStream
    from portkey_ai.types import PromptCompletion, PromptCompletionChunk

    text = ""
    stream = await aportkey.prompts.completions.create(prompt_id="p", variables={}, stream=True)
    typed: AsyncStream[PromptCompletionChunk] = stream
    async with typed:
        async for chunk in typed:
            one: PromptCompletionChunk = chunk
            text += str(one.id)
    await typed.aclose()
    answer: PromptCompletion = await aportkey.prompts.completions.create(prompt_id="p", variables={})
    for _ in stream:  # type: ignore[attr-defined]
        pass
    del answer
    return text
