//! The README's Rust example: run it against the local control plane with `make demo`, or
//! against Portkey with PORTKEY_API_KEY set.

use std::time::Duration;

use portkey::{
    Client, CreateApiKey, CreateApiKeySubType, CreateApiKeyType, ListApiKeys, RequestOptions,
    RotateApiKey, UpdateApiKey,
};
use serde_json::json;

#[tokio::main]
async fn main() -> portkey::Result<()> {
    // Reads PORTKEY_API_KEY and PORTKEY_BASE_URL.
    let client = Client::from_env()?;

    let known = client
        .api_keys()
        .retrieve("f47ac10b-58cc-4372-a567-0e02b2c3d479")
        .await?;
    println!(
        "retrieved: {:?} ({:?}), key {:?}",
        known.name, known.kind, known.key
    );

    let created = client
        .api_keys()
        .create(
            &CreateApiKey::new(
                CreateApiKeyType::Organisation,
                CreateApiKeySubType::Service,
                "rust-demo",
                ["completions.write"],
            )
            .workspace_id("ws-myworkspace"),
        )
        .await?;
    let id = created.id.clone().unwrap_or_default();
    println!(
        "created: {id}, secret shown once: {}",
        created.key.is_some()
    );

    // Every method has a `*_with_options` twin: timeout, retries and headers for this call.
    let options = RequestOptions {
        timeout: Some(Duration::from_secs(10)),
        max_retries: Some(1),
        ..Default::default()
    };
    client
        .api_keys()
        .update_with_options(
            &id,
            &UpdateApiKey::default()
                .name("rust-demo-2")
                .rate_limits([json!({"type": "requests", "unit": "rpm", "value": 100})]),
            &options,
        )
        .await?;
    let page = client
        .api_keys()
        .list(&ListApiKeys::default().page_size(10))
        .await?;
    println!("listed: {} keys in total", page.total.unwrap_or_default());

    // Every key of every page, fetched a page at a time.
    let mut names = Vec::new();
    let mut keys = client
        .api_keys()
        .list_all(&ListApiKeys::default().page_size(2));
    while let Some(key) = keys.next().await {
        names.push(key?.name.unwrap_or_default());
    }
    println!("all keys: {names:?}");

    let rotated = client
        .api_keys()
        .rotate(&id, &RotateApiKey::default())
        .await?;
    println!(
        "rotated: old secret valid until {:?}",
        rotated.key_transition_expires_at
    );

    client.api_keys().delete(&id).await?;
    match client.api_keys().retrieve(&id).await {
        Err(e) => println!("after delete: {} ({})", e.class_name(), e),
        Ok(_) => println!("after delete: still there?"),
    }

    let vk = client.virtual_keys().retrieve("main-openai-4f2a").await?;
    println!("virtual key: {:?} -> {:?}", vk.slug, vk.name);
    Ok(())
}
