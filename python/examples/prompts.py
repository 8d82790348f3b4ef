"""Prompts, written the way the Portkey docs show them: create a prompt, update it, publish a
version, list the versions, label one, render it, and run it (plain and streamed).

Run it against the local control plane (no Portkey account or model provider needed: the mock
answers completions with a deterministic message):

    cargo run --release -p portkey-mock -- --port 8787 &
    PORTKEY_API_KEY=pk-local PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/prompts.py

Against Portkey, set PORTKEY_WORKSPACE_ID to a workspace you may create collections in.
"""

from __future__ import annotations

import asyncio
import os

from portkey_ai import AsyncPortkey, BadRequestError, Portkey


def main() -> None:
    portkey = Portkey()  # reads PORTKEY_API_KEY and PORTKEY_BASE_URL

    workspace_id = os.environ.get("PORTKEY_WORKSPACE_ID") or (
        portkey.admin.workspaces.create(name="Prompt lab").id or ""
    )

    # Collections hold prompts.
    collection = portkey.collections.create(
        name="Customer Support",
        workspace_id=workspace_id,
    )
    collection_id = collection.id or ""

    # Create a prompt
    prompt = portkey.prompts.create(
        name="Support reply",
        collection_id=collection_id,
        string="You are a helpful assistant for {{company}}. Help the customer with: {{query}}",
        parameters={"temperature": 0.7, "max_tokens": 500},
        virtual_key="openai-virtual-key",
        model="gpt-4o",
        version_description="Initial version",
    )
    prompt_slug = prompt.slug or ""
    print("created:", prompt.id, prompt_slug)

    # Update it: each update is a new version (not published yet).
    updated = portkey.prompts.update(
        prompt_slug=prompt_slug,
        string="You are a friendly assistant for {{company}}. Answer briefly: {{query}}",
        parameters={"temperature": 0.5, "max_tokens": 300},
        version_description="Friendlier and shorter",
    )
    print("new version:", updated.prompt_version_id)

    # Publish version 2: prompts.completions.create and render use it from now on.
    portkey.prompts.publish(prompt_slug=prompt_slug, version=2)

    # Versions
    versions = portkey.prompts.versions.list(prompt_slug=prompt_slug)
    for version in versions.data:
        print("version", version["prompt_version"], "-", version["prompt_description"])
    retrieved = portkey.prompts.retrieve(prompt_slug=prompt_slug)
    print("published version:", retrieved.prompt_version, retrieved.string)

    # Label a version
    label = portkey.labels.create(name="production", description="What customers see")
    portkey.prompts.versions.update(
        prompt_slug=prompt_slug,
        version_id=updated.prompt_version_id or "",
        label_id=label.id or "",
    )
    labelled = portkey.prompts.versions.retrieve(
        prompt_slug=prompt_slug, version_id=updated.prompt_version_id or ""
    )
    print("labelled version:", labelled.prompt_version, labelled.prompt_version_label_id)

    # Render a prompt
    render = portkey.prompts.render(
        prompt_id=prompt_slug,
        variables={"company": "Acme", "query": "Where is my order?"},
    )
    print("rendered:", render.data)

    # A variable the template needs and the call leaves out
    try:
        portkey.prompts.render(prompt_id=prompt_slug, variables={"company": "Acme"})
    except BadRequestError as e:
        print("render refused:", e.message)

    # Prompt completions
    completion = portkey.prompts.completions.create(
        prompt_id=prompt_slug,
        variables={"company": "Acme", "query": "Where is my order?"},
    )
    print("completion:", completion["body"]["choices"][0]["message"]["content"])

    # Streaming
    stream = portkey.prompts.completions.create(
        prompt_id=prompt_slug,
        variables={"company": "Acme", "query": "Where is my order?"},
        stream=True,
    )
    print("streamed: ", end="")
    with stream:
        for chunk in stream:
            delta = chunk.choices[0].delta if chunk.choices else None
            if delta and delta.content:
                print(delta.content, end="", flush=True)
    print()

    # Prompt partials: reusable pieces, included as {{>partial-slug}}
    partial = portkey.prompts.partials.create(
        name="Tone rules",
        string="Always answer in a {{tone}} tone.",
    )
    portkey.prompts.update(
        prompt_slug=prompt_slug,
        string="{{>" + (partial.slug or "") + "}} Customer of {{company}} asks: {{query}}",
        parameters={"temperature": 0.5},
    )
    rendered = portkey.prompts.render(
        prompt_id=prompt_slug + "@latest",
        variables={"tone": "calm", "company": "Acme", "query": "Can I return it?"},
    )
    print("with partial:", rendered.data)

    # The collection's prompts, then clean up.
    for item in portkey.prompts.list(collection_id=collection_id):
        print("prompt in collection:", item.slug, item.name)
    portkey.prompts.delete(prompt_slug=prompt_slug)
    portkey.prompts.partials.delete(partial_slug=partial.slug or "")
    portkey.labels.delete(label_id=label.id or "")
    portkey.collections.delete(collection_id=collection_id)


async def main_async() -> None:
    portkey = AsyncPortkey()
    workspace_id = os.environ.get("PORTKEY_WORKSPACE_ID") or (
        (await portkey.admin.workspaces.create(name="Async prompt lab")).id or ""
    )
    collection = await portkey.collections.create(name="Async", workspace_id=workspace_id)
    prompt = await portkey.prompts.create(
        name="Echo",
        collection_id=collection.id or "",
        string="Say hello to {{name}}",
        parameters={},
        model="gpt-4o-mini",
    )
    stream = await portkey.prompts.completions.create(
        prompt_id=prompt.slug or "", variables={"name": "Ada"}, stream=True
    )
    text = ""
    async with stream:
        async for chunk in stream:
            delta = chunk.choices[0].delta if chunk.choices else None
            text += (delta.content if delta else None) or ""
    print("async streamed:", text)
    await portkey.collections.delete(collection_id=collection.id or "")


if __name__ == "__main__":
    main()
    asyncio.run(main_async())
