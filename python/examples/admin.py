"""Admin API, configs and auto-pagination, written the way the Portkey docs show them.

Run it against the local control plane (no Portkey account needed):

    cargo run --release -p portkey-mock -- --port 8787 &
    PORTKEY_API_KEY=pk-local PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/admin.py
"""

from __future__ import annotations

import asyncio

from portkey_ai import AsyncPortkey, NotFoundError, Portkey


def main() -> None:
    portkey = Portkey()  # reads PORTKEY_API_KEY and PORTKEY_BASE_URL

    # Workspaces
    workspace = portkey.admin.workspaces.create(
        name="WORKSPACE 0909",
        description="WORKSPACE_DESCRIPTION",
        defaults={"metadata": {"environment": "production", "foo": "bar"}},
    )
    workspace_id = workspace.id or ""
    print("workspace:", workspace.name, workspace.slug)
    portkey.admin.workspaces.update(workspace_id=workspace_id, name="WORKSPACE 0909 (prod)")
    print("renamed:", portkey.admin.workspaces.retrieve(workspace_id=workspace_id).name)

    # Users of the organisation: every one, across pages, fetched as the loop needs them.
    for user in portkey.admin.users.list(page_size=50):
        print("user:", user.email, user.role)
    member = portkey.admin.users.list(email="member@example.com").data[0]
    user_id = member.id or ""

    # Workspace members
    portkey.admin.workspaces.users.create(
        workspace_id=workspace_id,
        users=[{"id": user_id, "role": "member"}],
    )
    portkey.admin.workspaces.users.update(workspace_id=workspace_id, user_id=user_id, role="admin")
    members = portkey.admin.workspaces.users.list(workspace_id=workspace_id)
    print("members:", members.total, [(m.email, m.role) for m in members.data])
    portkey.admin.workspaces.users.delete(workspace_id=workspace_id, user_id=user_id)

    # Invites
    invite = portkey.admin.users.invites.create(
        email="user@example.com",
        role="member",
        workspaces=[{"id": workspace_id, "role": "admin"}],
        workspace_api_key_details={"scopes": ["workspaces.list", "logs.export", "logs.list"]},
    )
    invite_id = invite.id or ""
    portkey.admin.users.invites.resend(invite_id=invite_id)
    print("invite:", portkey.admin.users.invites.retrieve(invite_id=invite_id).status)
    print("pending invites:", [i.email for i in portkey.admin.users.invites.list()])
    portkey.admin.users.invites.delete(invite_id=invite_id)

    # Configs
    config = portkey.configs.create(
        name="ConfigName_0909",
        config={"retry": {"attempts": 3}, "cache": {"mode": "simple"}},
        workspace_id=workspace_id,
    )
    print("config created:", config.success)
    # The answer holds the config's id; later calls name it by slug, which the list shows.
    listed = portkey.configs.list(workspace_id=workspace_id).data or []
    slug = next(c.slug for c in listed if c.name == "ConfigName_0909")
    print("config:", slug)
    portkey.configs.update(
        slug=slug,
        name="ConfigName_0909_UPDATED",
        config={"retry": {"attempts": 5}},
        status="active",
    )
    retrieved = portkey.configs.retrieve(slug=slug)
    print("config settings:", retrieved.data.config if retrieved.data else None)
    versions = portkey.configs.versions.list(slug=slug)
    print("config versions:", len(versions.data or []))
    print("configs:", [c.name for c in portkey.configs.list(workspace_id=workspace_id).data or []])
    portkey.configs.delete(slug=slug)

    portkey.admin.workspaces.delete(workspace_id=workspace_id)
    try:
        portkey.admin.workspaces.retrieve(workspace_id=workspace_id)
    except NotFoundError as e:
        print("workspace gone:", e.status_code)

    asyncio.run(list_async())


async def list_async() -> None:
    portkey = AsyncPortkey()
    page = await portkey.admin.users.list(page_size=1)  # the first page
    print("async first page:", page.total, [u.email for u in page.data])
    emails = [user.email async for user in portkey.admin.users.list(page_size=1)]  # every user
    print("async users:", emails)


if __name__ == "__main__":
    main()
