mod common;

use common::{api, api_key_total, create_api_key, start};
use serde_json::{json, Value};

const CREATE: &str = "/v1/api-keys/organisation/service";

fn bad_create(target: &str, body: Value) -> String {
    let mock = start();
    let response = api(&mock, "POST", target, Some(body));
    assert_eq!(
        response.status,
        400,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

#[test]
fn full_lifecycle() {
    let mock = start();
    let created = create_api_key(&mock, "Development API Key");
    assert_eq!(created["object"], "api-key");
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = created["key"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("pk-") && secret.len() == 43, "{secret}");

    let got = api(&mock, "GET", &format!("/v1/api-keys/{id}"), None).json();
    let masked = format!("{}*******{}", &secret[..2], &secret[secret.len() - 2..]);
    assert_eq!(got["key"], masked.as_str());
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["name"], "Development API Key");
    assert_eq!(got["type"], "organisation-service");
    assert_eq!(got["status"], "active");
    assert_eq!(got["creation_mode"], "api");
    assert_eq!(got["reset_usage"], 0);
    assert_eq!(got["scopes"], json!(["completions.write"]));
    assert_eq!(got["object"], "api-key");
    assert!(got["organisation_id"].is_string());
    assert!(got["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        got.get("description").is_none(),
        "unset fields are omitted: {got}"
    );

    let update = json!({
        "name": "Renamed",
        "description": "for tests",
        "rate_limits": [{"type": "requests", "unit": "rpm", "value": 100}],
        "usage_limits": {"type": "cost", "credit_limit": 100, "alert_threshold": 80, "periodic_reset": "monthly"},
        "alert_emails": ["admin@example.com"],
        "reset_usage": true,
        "expires_at": "2026-12-31T23:59:59Z",
        "rotation_policy": {"rotation_period": "monthly", "key_transition_period_ms": 3600000},
        "unknown_field": "ignored",
    });
    let response = api(&mock, "PUT", &format!("/v1/api-keys/{id}"), Some(update));
    assert_eq!((response.status, response.json()), (200, json!({})));
    let got = api(&mock, "GET", &format!("/v1/api-keys/{id}"), None).json();
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["description"], "for tests");
    assert_eq!(got["rate_limits"][0]["unit"], "rpm");
    assert_eq!(got["usage_limits"]["credit_limit"], 100);
    assert_eq!(got["alert_emails"], json!(["admin@example.com"]));
    assert_eq!(got["expires_at"], "2026-12-31T23:59:59Z");
    assert_eq!(got["rotation_policy"]["rotation_period"], "monthly");
    assert_eq!(got["reset_usage"], 0);
    assert!(got.get("unknown_field").is_none());

    create_api_key(&mock, "second");
    assert_eq!(api_key_total(&mock), 2);

    let rotated = api(&mock, "POST", &format!("/v1/api-keys/{id}/rotate"), None).json();
    assert_eq!(rotated["id"], id.as_str());
    let new_secret = rotated["key"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    assert!(rotated["key_transition_expires_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let got = api(&mock, "GET", &format!("/v1/api-keys/{id}"), None).json();
    let masked = format!("pk*******{}", &new_secret[new_secret.len() - 2..]);
    assert_eq!(got["key"], masked.as_str());

    let response = api(&mock, "DELETE", &format!("/v1/api-keys/{id}"), None);
    assert_eq!((response.status, response.json()), (200, json!({})));
    for (method, target) in [
        ("GET", format!("/v1/api-keys/{id}")),
        ("PUT", format!("/v1/api-keys/{id}")),
        ("DELETE", format!("/v1/api-keys/{id}")),
        ("POST", format!("/v1/api-keys/{id}/rotate")),
    ] {
        let response = api(&mock, method, &target, Some(json!({"name": "x"})));
        assert_eq!(response.status, 404, "{method} {target}");
        assert_eq!(response.message(), "API key not found");
    }
    assert_eq!(api_key_total(&mock), 1);
}

#[test]
fn create_user_key_and_response_shape() {
    let mock = start();
    let body = json!({"name": "u", "scopes": [], "user_id": "c3d4e5f6-a7b8-6c7d-0e1f-2a3b4c5d6e7f", "workspace_id": "ws-a"});
    let created = api(&mock, "POST", "/v1/api-keys/workspace/user", Some(body)).json();
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{created}");
    let got = api(
        &mock,
        "GET",
        &format!("/v1/api-keys/{}", created["id"].as_str().unwrap()),
        None,
    )
    .json();
    assert_eq!(got["type"], "workspace-user");
    assert_eq!(got["user_id"], "c3d4e5f6-a7b8-6c7d-0e1f-2a3b4c5d6e7f");
    assert_eq!(got["workspace_id"], "ws-a");
}

#[test]
fn list_paginates_and_filters_in_creation_order() {
    let mock = start();
    for (name, ws) in [("a", "ws-1"), ("b", "ws-2"), ("c", "ws-1"), ("d", "ws-1")] {
        let body = json!({"name": name, "scopes": [], "workspace_id": ws});
        assert_eq!(api(&mock, "POST", CREATE, Some(body)).status, 200);
    }
    let names = |target: &str| -> (u64, Vec<String>) {
        let list = api(&mock, "GET", target, None).json();
        assert_eq!(list["object"], "list");
        let names = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_owned())
            .collect();
        (list["total"].as_u64().unwrap(), names)
    };
    assert_eq!(
        names("/v1/api-keys"),
        (4, vec!["a".into(), "b".into(), "c".into(), "d".into()])
    );
    assert_eq!(
        names("/v1/api-keys?page_size=2&current_page=1"),
        (4, vec!["c".into(), "d".into()])
    );
    assert_eq!(
        names("/v1/api-keys?workspace_id=ws-1&page_size=2"),
        (3, vec!["a".into(), "c".into()])
    );
    assert_eq!(names("/v1/api-keys?current_page=9"), (4, vec![]));

    for (query, message) in [
        (
            "page_size=abc",
            "\"page_size\" must be an integer (got \"abc\")",
        ),
        ("page_size=0", "\"page_size\" must be >= 1 (got 0)"),
        ("current_page=-1", "\"current_page\" must be >= 0 (got -1)"),
        (
            "current_page=1.5",
            "\"current_page\" must be an integer (got \"1.5\")",
        ),
    ] {
        let response = api(&mock, "GET", &format!("/v1/api-keys?{query}"), None);
        assert_eq!(
            (response.status, response.message()),
            (400, message.to_owned())
        );
    }
}

#[test]
fn create_rejects_bad_path_parameters() {
    let body = json!({"name": "n", "scopes": []});
    assert_eq!(
        bad_create("/v1/api-keys/team/service", body.clone()),
        "\"type\" must be one of organisation, workspace (got \"team\")"
    );
    assert_eq!(
        bad_create("/v1/api-keys/workspace/robot", body),
        "\"sub-type\" must be one of user, service (got \"robot\")"
    );
}

#[test]
fn create_messages_name_the_field() {
    let base = json!({"name": "n", "scopes": ["completions.write"]});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (json!({"scopes": []}), "\"name\" is required"),
        (json!({"name": 5, "scopes": []}), "\"name\" must be a string (got 5)"),
        (json!({"name": "n"}), "\"scopes\" is required"),
        (json!({"name": "n", "scopes": "all"}), "\"scopes\" must be an array (got \"all\")"),
        (json!({"name": "n", "scopes": [1]}), "\"scopes[0]\" must be a string (got 1)"),
        (with("description", json!(false)), "\"description\" must be a string (got false)"),
        (with("workspace_id", json!({})), "\"workspace_id\" must be a string (got an object)"),
        (
            with("rate_limits", json!([{"type": "requests", "unit": "rpx", "value": 1}])),
            "\"rate_limits[0].unit\" must be one of rpd, rph, rpm, rps, rpw (got \"rpx\")",
        ),
        (
            with("rate_limits", json!([{"type": "calls", "unit": "rpm", "value": 1}])),
            "\"rate_limits[0].type\" must be one of requests, tokens (got \"calls\")",
        ),
        (
            with("rate_limits", json!([{"type": "requests", "unit": "rpm"}])),
            "\"rate_limits[0].value\" is required",
        ),
        (
            with("rate_limits", json!([{"type": "requests", "unit": "rpm", "value": -1}])),
            "\"rate_limits[0].value\" must be >= 0 (got -1)",
        ),
        (with("rate_limits", json!({})), "\"rate_limits\" must be an array (got an object)"),
        (
            with("usage_limits", json!({"credit_limit": 0})),
            "\"usage_limits.credit_limit\" must be >= 1 (got 0)",
        ),
        (
            with("usage_limits", json!({"type": "dollars"})),
            "\"usage_limits.type\" must be one of cost, tokens (got \"dollars\")",
        ),
        (
            with("usage_limits", json!({"alert_threshold": 2.5})),
            "\"usage_limits.alert_threshold\" must be an integer (got 2.5)",
        ),
        (
            with("usage_limits", json!({"periodic_reset": "daily"})),
            "\"usage_limits.periodic_reset\" must be one of monthly, weekly (got \"daily\")",
        ),
        (
            with("usage_limits", json!({"periodic_reset_days": 366})),
            "\"usage_limits.periodic_reset_days\" must be <= 365 (got 366)",
        ),
        (with("usage_limits", json!([])), "\"usage_limits\" must be an object (got an array)"),
        (with("defaults", json!({"metadata": "x"})), "\"defaults.metadata\" must be an object (got \"x\")"),
        (
            with("defaults", json!({"allow_config_override": "no"})),
            "\"defaults.allow_config_override\" must be a boolean (got \"no\")",
        ),
        (
            with("alert_emails", json!(["admin.example.com"])),
            "\"alert_emails[0]\" must be an email address (got \"admin.example.com\")",
        ),
        (
            with("expires_at", json!("next week")),
            "\"expires_at\" must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z (got \"next week\")",
        ),
        (
            with("rotation_policy", json!({"rotation_period": "daily"})),
            "\"rotation_policy.rotation_period\" must be one of weekly, monthly (got \"daily\")",
        ),
        (
            with("rotation_policy", json!({"key_transition_period_ms": 1000})),
            "\"rotation_policy.key_transition_period_ms\" must be >= 1800000 (got 1000)",
        ),
        (
            with("rotation_policy", json!({"next_rotation_at": 5})),
            "\"rotation_policy.next_rotation_at\" must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z (got 5)",
        ),
    ];
    let mock = start();
    for (body, message) in cases {
        let response = api(&mock, "POST", CREATE, Some(body.clone()));
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(response.message(), message, "{body}");
    }
    assert_eq!(api_key_total(&mock), 0, "rejected requests create nothing");
    // The spec sets no minimum length, so an empty name is the API's to judge, not the
    // mock's (the mock used to refuse it with its own rule).
    let response = api(
        &mock,
        "POST",
        CREATE,
        Some(json!({"name": "", "scopes": []})),
    );
    assert_eq!(response.status, 200);

    let response = api(
        &mock,
        "POST",
        "/v1/api-keys/workspace/user",
        Some(base.clone()),
    );
    assert_eq!(
        response.message(),
        "\"user_id\" is required when sub-type is user"
    );
}

#[test]
fn nullable_fields_accept_null() {
    let mock = start();
    let body = json!({
        "name": "n", "scopes": [], "rate_limits": null, "expires_at": null, "rotation_policy": null,
        "usage_limits": {"periodic_reset": null, "periodic_reset_days": null, "next_usage_reset_at": null},
    });
    assert_eq!(api(&mock, "POST", CREATE, Some(body)).status, 200);
}

#[test]
fn bodies_must_be_json_objects() {
    let mock = start();
    for body in ["", "not json", "[1,2]", "\"name\"", "{\"name\": "] {
        let response = common::send(
            &mock,
            "POST",
            CREATE,
            &[("x-portkey-api-key", common::API_KEY)],
            Some(body),
        )
        .unwrap();
        assert_eq!(response.status, 400, "{body:?}");
        assert!(response.message().contains("request body"), "{body:?}");
    }
}

#[test]
fn update_validates_and_404s() {
    let mock = start();
    let id = create_api_key(&mock, "k")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let target = format!("/v1/api-keys/{id}");
    for (body, message) in [
        (
            json!({"reset_usage": "yes"}),
            "\"reset_usage\" must be a boolean (got \"yes\")",
        ),
        (
            json!({"rate_limits": [{"type": "tokens", "unit": "rpm", "value": "1"}]}),
            "\"rate_limits[0].value\" must be an integer (got \"1\")",
        ),
    ] {
        let response = api(&mock, "PUT", &target, Some(body));
        assert_eq!(
            (response.status, response.message()),
            (400, message.to_owned())
        );
    }
    assert_eq!(
        api(&mock, "GET", &target, None).json()["name"],
        "k",
        "rejected update changes nothing"
    );
    let response = api(
        &mock,
        "PUT",
        "/v1/api-keys/nope",
        Some(json!({"name": "x"})),
    );
    assert_eq!(
        (response.status, response.message()),
        (404, "API key not found".to_owned())
    );
}

#[test]
fn rotate_validates_its_optional_body() {
    let mock = start();
    let id = create_api_key(&mock, "k")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let target = format!("/v1/api-keys/{id}/rotate");
    let response = api(
        &mock,
        "POST",
        &target,
        Some(json!({"key_transition_period_ms": 60000})),
    );
    assert_eq!(
        (response.status, response.message()),
        (
            400,
            "\"key_transition_period_ms\" must be >= 1800000 (got 60000)".to_owned()
        )
    );
    let response = api(
        &mock,
        "POST",
        &target,
        Some(json!({"key_transition_period_ms": 3600000})),
    );
    assert_eq!(response.status, 200);
    assert!(response.json()["key_transition_expires_at"].is_string());
}
