//! The typed Rust surface against the mock: what a Rust user writes.

mod common;

use std::time::Duration;

use common::Mock;
use portkey::models::{ApiKeyType, RateLimit, RateLimitType, RateLimitUnit, Status, UsageLimits};
use portkey::{
    Client, CreateApiKey, CreateVirtualKey, Error, KeySubType, KeyType, ListApiKeys, UpdateApiKey,
    UpdateVirtualKey,
};
use serde_json::json;

#[tokio::test]
async fn api_key_lifecycle_through_typed_methods() {
    let mock = Mock::start();
    let client = mock.client();
    let keys = client.api_keys();

    let created = keys
        .create(
            &CreateApiKey::new(
                KeyType::Organisation,
                KeySubType::Service,
                "deployer",
                ["completions.write"],
            )
            .workspace_id("ws-1"),
        )
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    let secret = created.key.clone().unwrap();

    let key = keys.retrieve(&id).await.unwrap();
    assert_eq!(key.name.as_deref(), Some("deployer"));
    assert_eq!(key.kind, Some(ApiKeyType::OrganisationService));
    assert_eq!(key.status, Some(Status::Active));
    let masked = key.key.unwrap();
    assert!(masked.contains("***") && masked != secret, "{masked}");

    let limits = UsageLimits {
        credit_limit: Some(25),
        ..Default::default()
    };
    keys.update(
        &id,
        &UpdateApiKey::default()
            .name("deployer-2")
            .rate_limits(vec![RateLimit::new(
                RateLimitType::Requests,
                RateLimitUnit::Rpm,
                100,
            )])
            .usage_limits(limits)
            .reset_usage(true),
    )
    .await
    .unwrap();
    let key = keys.retrieve(&id).await.unwrap();
    assert_eq!(key.name.as_deref(), Some("deployer-2"));
    assert_eq!(key.rate_limits.unwrap()[0].value, 100);
    assert_eq!(key.usage_limits.unwrap().credit_limit, Some(25));

    let page = keys
        .list(&ListApiKeys::default().page_size(10u32))
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.data[0].id.as_deref(), Some(id.as_str()));

    let rotated = keys.rotate(&id, Some(1_800_000)).await.unwrap();
    assert_ne!(rotated.key.as_deref(), Some(secret.as_str()));
    assert!(rotated.key_transition_expires_at.is_some());

    keys.delete(&id).await.unwrap();
    let err = keys.retrieve(&id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.class_name(), "NotFoundError");
}

#[tokio::test]
async fn virtual_key_lifecycle_through_typed_methods() {
    let mock = Mock::start();
    let client = mock.client();
    let vks = client.virtual_keys();
    let created = vks
        .create(&CreateVirtualKey::new("Team OpenAI", "openai").key("sk-123"))
        .await
        .unwrap();
    let slug = created.slug().unwrap().to_owned();
    let vk = vks.retrieve(&slug).await.unwrap();
    assert_eq!(vk.name.as_deref(), Some("Team OpenAI"));
    // The mock returns `provider`, which the spec's schema lacks: kept, not lost.
    assert_eq!(vk.extra.get("provider"), Some(&json!("openai")));
    vks.update(&slug, &UpdateVirtualKey::default().note("rotated"))
        .await
        .unwrap();
    assert_eq!(
        vks.retrieve(&slug).await.unwrap().note.as_deref(),
        Some("rotated")
    );
    vks.delete(&slug).await.unwrap();
    assert_eq!(vks.retrieve(&slug).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn sixteen_concurrent_calls_share_one_client() {
    let mock = Mock::start();
    let client = mock.client();
    let created = client
        .api_keys()
        .create(&CreateApiKey::new(
            KeyType::Workspace,
            KeySubType::Service,
            "shared",
            Vec::<String>::new(),
        ))
        .await
        .unwrap();
    let id = created.id.unwrap();
    let calls = (0..16).map(|_| {
        let client = client.clone();
        let id = id.clone();
        tokio::spawn(async move { client.api_keys().retrieve(&id).await })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().name.as_deref(), Some("shared"));
    }
}

#[tokio::test]
async fn a_stalled_server_ends_in_a_timeout_error() {
    let mock = Mock::start();
    let client = mock
        .builder()
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    mock.fault(&json!({"delay_ms": 3000, "times": 1})).await;
    let started = std::time::Instant::now();
    let err = client.api_keys().retrieve("any").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn headers_name_the_sdk_and_carry_the_key() {
    let mock = Mock::start();
    let client = mock.client();
    let _ = client.api_keys().retrieve("x").await;
    let log = mock.requests().await;
    let request = &log["requests"][0];
    assert_eq!(request["api_key_present"], json!(true));
    let agent = request["user_agent"].as_str().unwrap();
    assert!(
        agent.starts_with(&format!("portkey-ai/{} (rust", portkey::VERSION)),
        "{agent}"
    );
}

#[tokio::test]
async fn the_api_key_never_shows() {
    let mock = Mock::start();
    let client = mock.client();
    assert!(!format!("{client:?}").contains("pk-test-secret"));
    let err = client.api_keys().retrieve("missing").await.unwrap_err();
    assert!(!format!("{err:?} {err}").contains("pk-test-secret"));
    let dead = Client::builder()
        .api_key("pk-test-secret-0123456789")
        .base_url("http://127.0.0.1:9/v1")
        .max_retries(0)
        .build()
        .unwrap();
    let err = dead.api_keys().retrieve("x").await.unwrap_err();
    assert_eq!(err.class_name(), "APIConnectionError");
    assert!(!format!("{err:?} {err}").contains("pk-test-secret"));
}
