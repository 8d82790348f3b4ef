mod common;

use common::{admin, api, start, start_with};
use portkey_mock::Fixtures;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn create(mock: &portkey_mock::MockHandle, body: Value) -> String {
    let response = api(mock, "POST", "/v1/virtual-keys", Some(body));
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let created = response.json();
    assert_eq!(created["success"], true);
    created["data"]["slug"].as_str().unwrap().to_owned()
}

#[test]
fn full_lifecycle() {
    let mock = start();
    let slug = create(
        &mock,
        json!({
            "name": "My first virtual key", "provider": "azure-openai", "key": "sk-secret-value",
            "note": "desc", "resourceName": "res", "apiVersion": null,
            "deploymentConfig": [{"apiVersion": "a", "alias": "b", "deploymentName": "c", "is_default": true}],
            "usage_limits": {"credit_limit": 10, "periodic_reset": "monthly", "alert_threshold": 9},
            "rate_limits": {"type": "requests", "unit": "rph", "value": 5},
            "expires_at": "2026-12-31T23:59:59Z", "workspace_id": "ws-1", "awsSecretAccessKey": "ignored",
        }),
    );
    let (base, tail) = slug.rsplit_once('-').unwrap();
    assert_eq!(base, "my-first-virtual-key");
    assert!(
        tail.len() == 4 && tail.chars().all(|c| c.is_ascii_hexdigit()),
        "{slug}"
    );

    let target = format!("/v1/virtual-keys/{slug}");
    let got = api(&mock, "GET", &target, None).json();
    assert_eq!(got["slug"], slug.as_str());
    assert_eq!(got["name"], "My first virtual key");
    assert_eq!(got["provider"], "azure-openai");
    assert_eq!(got["note"], "desc");
    assert_eq!(got["status"], "active");
    assert_eq!(got["reset_usage"], 0);
    assert_eq!(got["object"], "virtual-key");
    assert_eq!(got["workspace_id"], "ws-1");
    assert_eq!(got["model_config"]["resourceName"], "res");
    assert_eq!(
        got["model_config"]["deploymentConfig"][0]["deploymentName"],
        "c"
    );
    assert!(got["model_config"].get("apiVersion").is_none());
    assert_eq!(got["usage_limits"]["credit_limit"], 10);
    assert_eq!(got["rate_limits"][0]["unit"], "rph");
    assert!(got["created_at"].is_string());
    let text = got.to_string();
    assert!(
        !text.contains("sk-secret-value") && !text.contains("awsSecretAccessKey"),
        "{text}"
    );

    let update = json!({"name": "Renamed", "note": null, "key": "sk-new", "deploymentConfig": []});
    let response = api(&mock, "PUT", &target, Some(update));
    assert_eq!((response.status, response.json()), (200, json!({})));
    let got = api(&mock, "GET", &target, None).json();
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["note"], Value::Null);
    assert_eq!(got["model_config"]["deploymentConfig"], json!([]));
    assert_eq!(got["slug"], slug.as_str(), "renaming keeps the slug");

    create(
        &mock,
        json!({"name": "other", "provider": "openai", "key": "k"}),
    );
    let list = api(&mock, "GET", "/v1/virtual-keys", None).json();
    assert_eq!(
        (list["object"].clone(), list["total"].clone()),
        (json!("list"), json!(2))
    );
    assert_eq!(list["data"][0]["slug"], slug.as_str());
    let list = api(
        &mock,
        "GET",
        "/v1/virtual-keys?workspace_id=ws-1&current_page=0&page_size=1",
        None,
    )
    .json();
    assert_eq!(
        (
            list["total"].clone(),
            list["data"].as_array().unwrap().len()
        ),
        (json!(1), 1)
    );
    let response = api(&mock, "GET", "/v1/virtual-keys?page_size=x", None);
    assert_eq!(
        response.message(),
        "\"page_size\" must be an integer (got \"x\")"
    );

    assert_eq!(api(&mock, "DELETE", &target, None).json(), json!({}));
    for method in ["GET", "PUT", "DELETE"] {
        let response = api(&mock, method, &target, Some(json!({"name": "x"})));
        assert_eq!(
            (response.status, response.message()),
            (404, "Virtual key not found".to_owned())
        );
    }
}

#[test]
fn secret_mapping_can_replace_the_key() {
    let mock = start();
    let mapping = json!([{"target_field": "key", "secret_reference_id": "my-aws-secret", "value_format": "string"}]);
    let slug = create(
        &mock,
        json!({"name": "mapped", "provider": "bedrock", "secret_mappings": mapping}),
    );
    let got = api(&mock, "GET", &format!("/v1/virtual-keys/{slug}"), None).json();
    assert_eq!(
        got["secret_mappings"][0]["secret_reference_id"],
        "my-aws-secret"
    );

    // Removing the mapping without giving a key would leave the key without a source.
    let response = api(
        &mock,
        "PUT",
        &format!("/v1/virtual-keys/{slug}"),
        Some(json!({"secret_mappings": []})),
    );
    assert_eq!(response.status, 400);
    assert!(response.message().starts_with("\"key\" is required"));
    let got = api(&mock, "GET", &format!("/v1/virtual-keys/{slug}"), None).json();
    assert_eq!(
        got["secret_mappings"].as_array().unwrap().len(),
        1,
        "rejected update changes nothing"
    );
}

#[test]
fn create_messages_name_the_field() {
    let base = json!({"name": "n", "provider": "openai", "key": "sk"});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (
            with("provider", json!("skynet")),
            "\"provider\" must be one of openai, azure-openai".to_owned(),
        ),
        (
            json!({"name": "n", "provider": "openai"}),
            "\"key\" is required unless a secret_mappings entry has target_field \"key\""
                .to_owned(),
        ),
        (
            with("key", json!(42)),
            "\"key\" must be a string (got 42)".to_owned(),
        ),
        (
            with("note", json!(1)),
            "\"note\" must be a string (got 1)".to_owned(),
        ),
        (
            with("deploymentConfig", json!([{"apiVersion": "a"}])),
            "\"deploymentConfig[0].deploymentName\" is required".to_owned(),
        ),
        (
            with(
                "deploymentConfig",
                json!([{"apiVersion": "a", "deploymentName": "d", "is_default": "yes"}]),
            ),
            "\"deploymentConfig[0].is_default\" must be a boolean (got \"yes\")".to_owned(),
        ),
        (
            with("usage_limits", json!({"credit_limit": 0})),
            "\"usage_limits.credit_limit\" must be >= 1 (got 0)".to_owned(),
        ),
        (
            with(
                "rate_limits",
                json!({"type": "requests", "unit": "rpy", "value": 1}),
            ),
            "\"rate_limits.unit\" must be one of rpd, rph, rpm (got \"rpy\")".to_owned(),
        ),
        (
            with("expires_at", json!("soon")),
            "\"expires_at\" must be an RFC 3339 date-time".to_owned(),
        ),
        (
            with("secret_mappings", json!([{"target_field": "key"}])),
            "\"secret_mappings[0].secret_reference_id\" is required".to_owned(),
        ),
        (
            with(
                "secret_mappings",
                json!([{"target_field": "key", "secret_reference_id": "s", "value_format": "xml"}]),
            ),
            "\"secret_mappings[0].value_format\" must be one of json, string (got \"xml\")"
                .to_owned(),
        ),
        (
            with(
                "secret_mappings",
                json!([{"target_field": "password", "secret_reference_id": "s"}]),
            ),
            "\"secret_mappings[0].target_field\" must be \"key\" or \"model_config.<field>\""
                .to_owned(),
        ),
        (
            with(
                "secret_mappings",
                json!([
                    {"target_field": "model_config.a", "secret_reference_id": "s"},
                    {"target_field": "model_config.a", "secret_reference_id": "t"},
                ]),
            ),
            "\"secret_mappings[1].target_field\" repeats".to_owned(),
        ),
    ];
    let mock = start();
    for (body, prefix) in cases {
        let response = api(&mock, "POST", "/v1/virtual-keys", Some(body.clone()));
        assert_eq!(response.status, 400, "{body}");
        let message = response.message();
        assert!(message.starts_with(&prefix), "{body}: {message}");
    }
    assert_eq!(
        api(&mock, "GET", "/v1/virtual-keys", None).json()["total"],
        0
    );
    // The spec requires neither name nor provider (the mock used to): a nameless key is
    // slugged `virtual-key-XXXX` and its provider defaults to openai.
    let slug = create(&mock, json!({"key": "k"}));
    assert!(slug.starts_with("virtual-key-"), "{slug}");
    let got = api(&mock, "GET", &format!("/v1/virtual-keys/{slug}"), None).json();
    assert_eq!(got["provider"], "openai");
}

/// Defect 14: with every four-hex-digit tail of a name taken, `create` used to spin
/// forever while holding the store lock, wedging the whole server.
#[test]
fn create_still_answers_when_every_four_digit_tail_is_taken() {
    let taken: Vec<String> = (0..=0xffff).map(|n| format!("name-{n:04x}")).collect();
    let fixtures = Fixtures {
        virtual_keys: taken.iter().map(|slug| json!({ "slug": slug })).collect(),
        ..Fixtures::default()
    };
    let mock = start_with(fixtures);
    let started = Instant::now();
    let body = json!({"name": "name", "provider": "openai", "key": "sk"});
    let first = create(&mock, body.clone());
    let second = create(&mock, body.clone());
    for slug in [&first, &second] {
        let tail = slug
            .strip_prefix("name-")
            .unwrap_or_else(|| panic!("{slug}"));
        assert!(
            tail.len() > 4 && tail.chars().all(|c| c.is_ascii_hexdigit()),
            "{slug}"
        );
        assert!(!taken.contains(slug), "{slug}");
    }
    assert_ne!(first, second);
    let target = format!("/v1/virtual-keys/{first}");
    assert_eq!(
        api(&mock, "GET", &target, None).json()["slug"],
        first.as_str()
    );
    assert_eq!(
        admin(&mock, "POST", "/__mock/reset", None),
        json!({"reset": true})
    );
    assert_eq!(api(&mock, "GET", &target, None).status, 404);
    let listed = api(&mock, "GET", "/v1/virtual-keys?page_size=1", None).json();
    assert_eq!(listed["total"], 65_536);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}
