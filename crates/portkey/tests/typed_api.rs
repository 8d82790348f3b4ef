//! The typed Rust surface against the mock: what a Rust user writes.

mod common;

use std::time::Duration;

use common::Mock;
use futures::StreamExt;
use portkey::models::{
    ApiKeyStatus, ApiKeyType, AuditLogMethod, InviteStatus, UsageLimits, UserRole,
    WorkspaceMemberRole,
};
use portkey::{
    Client, CreateAdminUserInvite, CreateAdminUserInviteRole, CreateAdminWorkspace,
    CreateAdminWorkspaceUser, CreateApiKey, CreateApiKeySubType, CreateApiKeyType, CreateConfig,
    CreateVirtualKey, DeleteAdminWorkspace, Error, ListAdminUserInvites, ListAdminUsers,
    ListAdminWorkspaceUsers, ListApiKeys, ListAuditLogs, ListConfigs, ListVirtualKeys,
    RequestOptions, RotateApiKey, UpdateAdminWorkspaceUser, UpdateAdminWorkspaceUserRole,
    UpdateApiKey, UpdateConfig, UpdateVirtualKey,
};
use serde_json::{json, Value};

fn service_key(name: &str) -> CreateApiKey {
    CreateApiKey::new(
        CreateApiKeyType::Organisation,
        CreateApiKeySubType::Service,
        name,
        ["completions.write"],
    )
}

/// The bodies the mock received for `method path`, in order.
async fn bodies(mock: &Mock, method: &str, path_prefix: &str) -> Vec<Value> {
    let log = mock.requests().await;
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == method && r["path"].as_str().unwrap().starts_with(path_prefix))
        .map(|r| r["body"].clone())
        .collect()
}

#[tokio::test]
async fn api_key_lifecycle_through_typed_methods() {
    let mock = Mock::start();
    let client = mock.client();
    let keys = client.api_keys();

    let created = keys
        .create(&service_key("deployer").workspace_id("ws-1"))
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    let secret = created.key.clone().unwrap();

    let key = keys.retrieve(&id).await.unwrap();
    assert_eq!(key.name.as_deref(), Some("deployer"));
    assert_eq!(key.kind, Some(ApiKeyType::OrganisationService));
    assert_eq!(key.status, Some(ApiKeyStatus::Active));
    let masked = key.key.unwrap();
    assert!(masked.contains("***") && masked != secret, "{masked}");

    // A model converts into the JSON a request's object parameter takes.
    let limits = UsageLimits {
        credit_limit: Some(25),
        ..Default::default()
    };
    keys.update(
        &id,
        &UpdateApiKey::default()
            .name("deployer-2")
            .rate_limits([json!({"type": "requests", "unit": "rpm", "value": 100})])
            .usage_limits(limits)
            .reset_usage(true),
    )
    .await
    .unwrap();
    let key = keys.retrieve(&id).await.unwrap();
    assert_eq!(key.name.as_deref(), Some("deployer-2"));
    assert_eq!(key.rate_limits.unwrap()[0].value, Some(100));
    assert_eq!(key.usage_limits.unwrap().credit_limit, Some(25));

    let page = keys
        .list(&ListApiKeys::default().page_size(10))
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.data.unwrap()[0].id.as_deref(), Some(id.as_str()));

    let rotated = keys
        .rotate(
            &id,
            &RotateApiKey::default().key_transition_period_ms(1_800_000),
        )
        .await
        .unwrap();
    assert_ne!(rotated.key.as_deref(), Some(secret.as_str()));
    assert!(rotated.key_transition_expires_at.is_some());

    keys.delete(&id).await.unwrap();
    let err = keys.retrieve(&id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.class_name(), "NotFoundError");
}

#[tokio::test]
async fn a_nullable_parameter_can_be_sent_as_null_and_extras_pass_through() {
    let mock = Mock::start();
    let client = mock.client();
    let created = client
        .api_keys()
        .create(
            &service_key("nulls")
                .expires_at_null()
                .extra("brand_new", json!({"x": 1})),
        )
        .await
        .unwrap();
    assert!(created.id.is_some());
    let sent = bodies(&mock, "POST", "/v1/api-keys/").await;
    assert_eq!(sent[0]["expires_at"], Value::Null);
    assert!(sent[0].as_object().unwrap().contains_key("expires_at"));
    assert_eq!(sent[0]["brand_new"], json!({"x": 1}));
    // Unset optional parameters are not sent at all.
    assert!(!sent[0].as_object().unwrap().contains_key("description"));
}

#[tokio::test]
async fn virtual_key_lifecycle_through_typed_methods() {
    let mock = Mock::start();
    let client = mock.client();
    let vks = client.virtual_keys();
    let created = vks
        .create(
            &CreateVirtualKey::default()
                .name("Team Azure")
                .provider("azure-openai")
                .key("sk-123")
                .api_version("2024-02-01")
                .resource_name("my-resource")
                .deployment_name("gpt-4o")
                .deployment_config([json!({
                    "apiVersion": "2024-02-01",
                    "deploymentName": "gpt-4o",
                    "is_default": true
                })])
                .secret_mappings([json!({"target_field": "key", "secret_reference_id": "sr-1"})]),
        )
        .await
        .unwrap();
    let slug = created.data.unwrap().slug.unwrap();
    // Every parameter of the descriptor is in the typed builder, under its wire name.
    let sent = &bodies(&mock, "POST", "/v1/virtual-keys").await[0];
    assert_eq!(sent["apiVersion"], "2024-02-01");
    assert_eq!(sent["resourceName"], "my-resource");
    assert_eq!(sent["deploymentName"], "gpt-4o");
    assert_eq!(sent["deploymentConfig"][0]["deploymentName"], "gpt-4o");
    assert_eq!(sent["secret_mappings"][0]["secret_reference_id"], "sr-1");

    let vk = vks.retrieve(&slug).await.unwrap();
    assert_eq!(vk.name.as_deref(), Some("Team Azure"));
    // The mock returns `provider`, which the spec's schema lacks: kept, not lost.
    assert_eq!(vk.extra.get("provider"), Some(&json!("azure-openai")));
    vks.update(&slug, &UpdateVirtualKey::default().note("rotated"))
        .await
        .unwrap();
    assert_eq!(
        vks.retrieve(&slug).await.unwrap().note.as_deref(),
        Some("rotated")
    );
    let all = vks
        .list_all(&ListVirtualKeys::default())
        .collect_all()
        .await
        .unwrap();
    assert!(all.iter().any(|v| v.slug.as_deref() == Some(slug.as_str())));
    vks.delete(&slug).await.unwrap();
    assert_eq!(vks.retrieve(&slug).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn per_call_options_apply_to_typed_methods() {
    let mock = Mock::start();
    let client = mock.client();
    // Headers for this call only.
    let options = RequestOptions {
        extra_headers: vec![("User-Agent".into(), "typed-test/1".into())],
        ..Default::default()
    };
    let _ = client.api_keys().retrieve_with_options("x", &options).await;
    let _ = client.api_keys().retrieve("x").await;
    let log = mock.requests().await;
    assert_eq!(log["requests"][0]["user_agent"], "typed-test/1");
    assert_ne!(log["requests"][1]["user_agent"], "typed-test/1");

    // A timeout for this call only: the client's own is a minute.
    mock.fault(&json!({"delay_ms": 3000, "times": 1})).await;
    let started = std::time::Instant::now();
    let options = RequestOptions {
        timeout: Some(Duration::from_millis(200)),
        max_retries: Some(0),
        ..Default::default()
    };
    let err = client
        .api_keys()
        .list_with_options(&ListApiKeys::default(), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));

    // No retries for this call only: one request where the client would make three.
    mock.reset().await;
    mock.fault(&json!({"method": "GET", "path_prefix": "/v1/api-keys", "status": 503, "times": 5}))
        .await;
    let err = client
        .api_keys()
        .retrieve_with_options("x", &options)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(mock.request_count().await, 1);

    // Bad options are refused before anything is sent, as for `call`.
    let bad = RequestOptions {
        timeout: Some(Duration::ZERO),
        ..Default::default()
    };
    let err = client
        .api_keys()
        .list_all_with_options(&ListApiKeys::default(), &bad)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidParam { param, .. } if param == "timeout"));
    assert_eq!(mock.request_count().await, 1);
}

async fn create_keys(client: &Client, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let created = client
            .api_keys()
            .create(&service_key(&format!("key-{i:03}")))
            .await
            .unwrap();
        ids.push(created.id.unwrap());
    }
    ids
}

#[tokio::test]
async fn list_all_streams_120_keys_across_pages() {
    let mock = Mock::start();
    let client = mock.client();
    let created = create_keys(&client, 120).await;
    let before = mock.request_count().await as usize;

    // Read as any Stream consumer would (futures::StreamExt).
    let ids: Vec<String> = client
        .api_keys()
        .list_all(&ListApiKeys::default().page_size(50))
        .map(|key| key.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids.len(), 120);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    let mut want = created.clone();
    want.sort();
    assert_eq!(sorted, want, "every key once");

    // Three pages, fetched in order; the last (short) one ends it without a fourth request.
    let log = mock.requests().await;
    let queries: Vec<&str> = log["requests"].as_array().unwrap()[before..]
        .iter()
        .map(|r| r["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:?}");
    for (page, query) in queries.iter().enumerate() {
        assert!(query.contains(&format!("current_page={page}")), "{query}");
        assert!(query.contains("page_size=50"), "{query}");
    }

    // `next` without the futures crate, from a later page.
    let mut rest = client
        .api_keys()
        .list_all(&ListApiKeys::default().page_size(50).current_page(2));
    let mut count = 0;
    while let Some(key) = rest.next().await {
        key.unwrap();
        count += 1;
    }
    assert_eq!(count, 20);
}

#[tokio::test]
async fn list_all_streams_the_audit_log_from_records() {
    // audit_logs.list keeps its items in `records` (the page model's `items`), not `data`.
    const ORGANISATION: &str = "9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10"; // the mock's
    let mock = Mock::start();
    let client = mock.client();
    let created = create_keys(&client, 7).await;
    let params = ListAuditLogs::new("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ORGANISATION)
        .page_size(3);

    // The first page is the answer as the API sends it: total counts every matching record.
    let first = client.audit_logs().list(&params).await.unwrap();
    assert_eq!(first.total, Some(7));
    assert_eq!(first.records.as_ref().map(Vec::len), Some(3));

    let before = mock.request_count().await as usize;
    let records: Vec<portkey::models::AuditLog> = client
        .audit_logs()
        .list_all(&params)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(records.len(), 7, "every record of every page");
    for record in &records {
        assert_eq!(record.method, Some(AuditLogMethod::Post));
        let uri = record.uri.as_deref().unwrap();
        assert!(uri.starts_with("/v1/api-keys/"), "{uri}");
    }
    assert_eq!(created.len(), 7);
    // 3 + 3 + 1: the short last page ends it, three requests in all.
    let log = mock.requests().await;
    let queries: Vec<&str> = log["requests"].as_array().unwrap()[before..]
        .iter()
        .map(|r| r["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:?}");
    for (page, query) in queries.iter().enumerate() {
        assert!(query.contains(&format!("current_page={page}")), "{query}");
        assert!(query.contains("page_size=3"), "{query}");
    }
    assert_eq!(
        <portkey::models::AuditLogList as portkey::Page>::ITEMS,
        "records"
    );
    assert_eq!(
        <portkey::models::ApiKeyList as portkey::Page>::ITEMS,
        "data"
    );
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error() {
    let mock = Mock::start();
    let client = mock.builder().max_retries(0).build().unwrap();
    create_keys(&client, 120).await;

    let mut keys = client
        .api_keys()
        .list_all(&ListApiKeys::default().page_size(50));
    // The first item fetches the first page; then the second page fails.
    keys.next().await.unwrap().unwrap();
    mock.fault(&json!({"method": "GET", "path_prefix": "/v1/api-keys", "status": 500}))
        .await;
    let mut ok = 1;
    let err = loop {
        match keys.next().await {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => break e,
            None => panic!("the stream ended silently after {ok} items"),
        }
    };
    assert_eq!(ok, 50);
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.class_name(), "InternalServerError");
    assert!(keys.next().await.is_none(), "nothing after the error");
}

#[tokio::test]
async fn workspace_members_through_typed_builders() {
    let mock = Mock::start();
    let client = mock.client();
    let admin = client.admin();

    let found = admin
        .users()
        .list(&ListAdminUsers::default().email("member@example.com"))
        .await
        .unwrap();
    assert_eq!(found.total, Some(1));
    let member = found.data.unwrap().remove(0);
    assert_eq!(member.role, Some(UserRole::Member));
    let member_id = member.id.unwrap();
    let everyone = admin
        .users()
        .list_all(&ListAdminUsers::default().page_size(1))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(everyone.len(), 2);

    let workspace = admin
        .workspaces()
        .create(
            &CreateAdminWorkspace::default()
                .name("Typed members")
                .description("adds and removes a member")
                .defaults(json!({"metadata": {"team": "sdk"}})),
        )
        .await
        .unwrap();
    assert_eq!(workspace.name.as_deref(), Some("Typed members"));
    let ws_id = workspace.id.unwrap();

    let members = admin.workspaces().users();
    members
        .create(
            &ws_id,
            &CreateAdminWorkspaceUser::default()
                .users([json!({"id": member_id, "role": "member"})]),
        )
        .await
        .unwrap();
    let got = members.retrieve(&ws_id, &member_id).await.unwrap();
    assert_eq!(got.role, Some(WorkspaceMemberRole::Member));
    assert_eq!(got.email.as_deref(), Some("member@example.com"));
    members
        .update(
            &ws_id,
            &member_id,
            &UpdateAdminWorkspaceUser::default().role(UpdateAdminWorkspaceUserRole::Manager),
        )
        .await
        .unwrap();
    let listed = members
        .list_all(&ws_id, &ListAdminWorkspaceUsers::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].role, Some(WorkspaceMemberRole::Manager));
    let admins = members
        .list(&ws_id, &ListAdminWorkspaceUsers::default().role("admin"))
        .await
        .unwrap();
    assert_eq!(admins.total, Some(0));
    let full = admin.workspaces().retrieve(&ws_id).await.unwrap();
    assert_eq!(
        full.users.unwrap()[0].role,
        Some(WorkspaceMemberRole::Manager)
    );
    let user = admin.users().retrieve(&member_id).await.unwrap();
    assert_eq!(user.workspace_ids, Some(vec![ws_id.clone()]));

    members.delete(&ws_id, &member_id).await.unwrap();
    let err = members.retrieve(&ws_id, &member_id).await.unwrap_err();
    assert_eq!(err.class_name(), "NotFoundError");
    admin
        .workspaces()
        .delete(&ws_id, &DeleteAdminWorkspace::default())
        .await
        .unwrap();
    assert_eq!(
        admin
            .workspaces()
            .retrieve(&ws_id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
}

#[tokio::test]
async fn invites_through_typed_builders() {
    let mock = Mock::start();
    let client = mock.client();
    let admin = client.admin();
    let ws_id = admin
        .workspaces()
        .create(&CreateAdminWorkspace::default().name("Typed invites"))
        .await
        .unwrap()
        .id
        .unwrap();
    let invites = admin.users().invites();

    let created = invites
        .create(&CreateAdminUserInvite::new(
            "new.person@example.com",
            CreateAdminUserInviteRole::Member,
            [json!({"id": ws_id, "role": "manager"})],
        ))
        .await
        .unwrap();
    assert!(created.invite_link.unwrap().starts_with("https://"));
    let id = created.id.unwrap();
    let resent = invites.resend(&id).await.unwrap();
    assert!(resent.invite_link.unwrap().starts_with("https://"));
    let invite = invites.retrieve(&id).await.unwrap();
    assert_eq!(invite.email.as_deref(), Some("new.person@example.com"));
    assert_eq!(invite.status, Some(InviteStatus::Pending));
    let pending = invites
        .list_all(&ListAdminUserInvites::default().status("pending"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id.as_deref(), Some(id.as_str()));

    invites.delete(&id).await.unwrap();
    assert_eq!(invites.retrieve(&id).await.unwrap_err().status(), Some(404));
    assert_eq!(invites.resend(&id).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn configs_and_the_audit_log_through_typed_builders() {
    let mock = Mock::start();
    let client = mock.client();
    let configs = client.configs();

    let created = configs
        .create(
            &CreateConfig::default()
                .name("Retry config")
                .config(json!({"retry": {"attempts": 3}})),
        )
        .await
        .unwrap();
    assert_eq!(created.success, Some(true));
    let listed = configs.list(&ListConfigs::default()).await.unwrap();
    let slug = listed.data.unwrap()[0].slug.clone().unwrap();
    let config = configs.retrieve(&slug).await.unwrap().data.unwrap();
    assert_eq!(
        config.config.unwrap().retry.unwrap().attempts,
        Some(3),
        "typed nested settings"
    );
    let organisation_id = config.extra["organisation_id"].as_str().unwrap().to_owned();
    configs
        .update(
            &slug,
            &UpdateConfig::default()
                .name("Retry config v2")
                .config(json!({"retry": {"attempts": 5}})),
        )
        .await
        .unwrap();
    let versions = configs.versions().list(&slug).await.unwrap();
    assert_eq!(versions.total, Some(2));
    assert_eq!(
        versions.data.unwrap()[1].name.as_deref(),
        Some("Retry config v2")
    );
    configs.delete(&slug).await.unwrap();
    assert_eq!(
        configs.retrieve(&slug).await.unwrap_err().status(),
        Some(404)
    );

    // Every mutating request served appears in the audit log, oldest first.
    let log = client
        .audit_logs()
        .list(&ListAuditLogs::new(
            "2000-01-01T00:00:00Z",
            "2100-01-01T00:00:00Z",
            organisation_id.as_str(),
        ))
        .await
        .unwrap();
    assert_eq!(log.total, Some(3));
    let methods: Vec<AuditLogMethod> = log
        .records
        .unwrap()
        .into_iter()
        .map(|r| r.method.unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            AuditLogMethod::Post,
            AuditLogMethod::Put,
            AuditLogMethod::Delete
        ]
    );
}

#[tokio::test]
async fn sixteen_concurrent_calls_share_one_client() {
    let mock = Mock::start();
    let client = mock.client();
    let created = client
        .api_keys()
        .create(&CreateApiKey::new(
            CreateApiKeyType::Workspace,
            CreateApiKeySubType::Service,
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
