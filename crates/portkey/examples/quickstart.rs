//! The README's Rust example: run it against the local control plane with `make demo`, or
//! against Portkey with PORTKEY_API_KEY set.

use portkey::models::{RateLimit, RateLimitType, RateLimitUnit};
use portkey::{Client, CreateApiKey, KeySubType, KeyType, ListApiKeys, UpdateApiKey};

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
                KeyType::Organisation,
                KeySubType::Service,
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

    client
        .api_keys()
        .update(
            &id,
            &UpdateApiKey::default()
                .name("rust-demo-2")
                .rate_limits(vec![RateLimit::new(
                    RateLimitType::Requests,
                    RateLimitUnit::Rpm,
                    100,
                )]),
        )
        .await?;
    let page = client
        .api_keys()
        .list(&ListApiKeys::default().page_size(10u32))
        .await?;
    println!("listed: {} keys in total", page.total.unwrap_or_default());

    let rotated = client.api_keys().rotate(&id, None).await?;
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
