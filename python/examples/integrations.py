"""Integrations and providers, written the way the Portkey docs show them.

Run it against the local control plane (no Portkey account needed):

    cargo run --release -p portkey-mock -- --port 8787 --fixtures examples/fixtures.json &
    PORTKEY_API_KEY=pk-local PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/integrations.py

Against Portkey it needs an admin key and the workspace `ws-myworkspace`; it deletes what it
creates.
"""

from __future__ import annotations

from portkey_ai import NotFoundError, Portkey


def main() -> None:
    portkey = Portkey()  # reads PORTKEY_API_KEY and PORTKEY_BASE_URL

    # Integrations: the provider key is stored once and only ever shown masked.
    integration = portkey.integrations.create(
        name="Production OpenAI",
        ai_provider_id="openai",
        key="sk-proj-example-key-1234",
        description="Production OpenAI integration for customer-facing applications",
    )
    slug = integration.slug or ""
    print("integration:", slug)

    details = portkey.integrations.retrieve(slug=slug)
    print("masked key:", details.masked_key)

    portkey.integrations.update(slug=slug, description="Shared by the platform team")

    for item in portkey.integrations.list(type="organisation"):
        print("listed:", item.slug, item.ai_provider_id)

    # Models the integration allows.
    portkey.integrations.models.update(
        slug=slug,
        allow_all_models=False,
        models=[
            {"slug": "gpt-4o", "enabled": True},
            {"slug": "gpt-4o-mini", "enabled": False},
        ],
    )
    models = portkey.integrations.models.list(slug=slug)
    for model in models.models or []:
        print("model:", model.slug, "enabled" if model.enabled else "disabled")

    # Workspaces that may use it (each newly enabled one gets a default provider).
    portkey.integrations.workspaces.update(
        slug=slug,
        workspaces=[
            {
                "id": "ws-myworkspace",
                "enabled": True,
                "usage_limits": [{"type": "cost", "credit_limit": 100, "periodic_reset": "monthly"}],
            }
        ],
    )
    access = portkey.integrations.workspaces.list(slug=slug)
    print("workspaces with access:", access.total)

    # Providers: a workspace's named use of the integration.
    provider = portkey.providers.create(
        name="My first provider",
        integration_id=slug,
        workspace_id="ws-myworkspace",
        note="Provider description",
        usage_limits={"credit_limit": 10, "periodic_reset": "monthly", "alert_threshold": 9},
    )
    provider_slug = provider.slug or ""
    print("provider:", provider_slug)

    portkey.providers.update(slug=provider_slug, workspace_id="ws-myworkspace", note="Updated note")
    retrieved = portkey.providers.retrieve(slug=provider_slug, workspace_id="ws-myworkspace")
    print("provider note:", retrieved.note, "on", retrieved.integration_id)

    for listed in portkey.providers.list(workspace_id="ws-myworkspace"):
        print("provider listed:", listed.slug, listed.status)

    portkey.providers.delete(slug=provider_slug, workspace_id="ws-myworkspace")
    portkey.integrations.delete(slug=slug)
    try:
        portkey.integrations.retrieve(slug=slug)
    except NotFoundError as e:
        print("integration gone:", e.status_code)


if __name__ == "__main__":
    main()
