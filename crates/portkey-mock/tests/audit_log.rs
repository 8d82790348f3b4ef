//! The audit log: every mutating request the API served, filterable as the spec allows.

mod common;

use common::{add_fault, admin, api, create_api_key, send, start};
use portkey_mock::MockHandle;
use serde_json::{json, Value};

const ORG: &str = "9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10";
const MEMBER: &str = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02";

/// The records matching `filters` (added to a wide time range and the organisation).
fn records(mock: &MockHandle, filters: &str) -> (u64, Vec<Value>) {
    let target = format!(
        "/v1/audit-logs?start_time=2000-01-01T00:00:00Z&end_time=2100-01-01T00:00:00Z&organisation_id={ORG}{filters}"
    );
    let response = api(mock, "GET", &target, None);
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let page = response.json();
    assert_eq!(page["object"], "analytics-graph");
    let list = page["records"].as_array().unwrap().clone();
    (page["total"].as_u64().unwrap(), list)
}

#[test]
fn every_mutating_request_served_is_recorded_with_the_spec_fields() {
    let mock = start();
    let key = create_api_key(&mock, "k");
    let id = key["id"].as_str().unwrap();
    api(
        &mock,
        "PUT",
        &format!("/v1/api-keys/{id}"),
        Some(json!({"name": "renamed"})),
    );
    api(
        &mock,
        "PUT",
        &format!("/v1/api-keys/{id}"),
        Some(json!({"name": 5})),
    );
    api(&mock, "DELETE", "/v1/api-keys/missing", None);
    api(
        &mock,
        "POST",
        "/v1/virtual-keys",
        Some(json!({"name": "vk", "provider": "openai", "key": "sk-provider-secret"})),
    );
    let ws = api(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": "W"})),
    )
    .json();
    let ws = ws["id"].as_str().unwrap();
    api(
        &mock,
        "POST",
        &format!("/v1/admin/workspaces/{ws}/users"),
        Some(json!({"users": [{"id": MEMBER}]})),
    );
    // Not served by the API, so not recorded: reads, refusals before routing, faults.
    api(&mock, "GET", "/v1/api-keys", None);
    send(&mock, "POST", "/v1/virtual-keys", &[], Some("{}")).unwrap();
    api(&mock, "PATCH", "/v1/api-keys/x", None);
    api(&mock, "POST", "/v1/nowhere", Some(json!({})));
    add_fault(&mock, json!({"status": 503}));
    api(&mock, "DELETE", "/v1/api-keys/x", None);

    let (total, list) = records(&mock, "");
    assert_eq!(total, 7, "{list:#?}");
    let actions: Vec<(&str, &str, u64)> = list
        .iter()
        .map(|r| {
            (
                r["resource_type"].as_str().unwrap(),
                r["action"].as_str().unwrap(),
                r["response_status_code"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("api_keys", "create", 200),
            ("api_keys", "update", 200),
            ("api_keys", "update", 400),
            ("api_keys", "delete", 404),
            ("virtual_keys", "create", 200),
            ("admin.workspaces", "create", 200),
            ("admin.workspaces.users", "create", 200),
        ]
    );
    let first = &list[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["uri"], "/v1/api-keys/organisation/service");
    assert_eq!(first["user_type"], "api_key");
    assert_eq!(first["organisation_id"], ORG);
    assert_eq!(first["client_ip"], "127.0.0.1");
    assert!(first["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(first["user_id"].is_string());
    let body: Value = serde_json::from_str(first["request_body"].as_str().unwrap()).unwrap();
    assert_eq!(body["name"], "k");
    let headers: Value = serde_json::from_str(first["request_headers"].as_str().unwrap()).unwrap();
    assert_eq!(
        headers["x-portkey-api-key"], "pk*******23",
        "the key is masked"
    );
    assert_eq!(first["query_params"], "{}");
    // A provider secret in a body is masked too.
    assert!(!list[4]["request_body"]
        .as_str()
        .unwrap()
        .contains("sk-provider-secret"));
    // The workspace a request concerns: from its path, query or body.
    assert_eq!(list[6]["workspace_id"], ws);
    assert_eq!(list[0]["workspace_id"], Value::Null);
}

#[test]
fn request_ids_match_the_answers() {
    let mock = start();
    let response = api(
        &mock,
        "POST",
        "/v1/admin/users/invites",
        Some(json!({"email": "a@b.c", "role": "admin", "workspaces": []})),
    );
    let (_, list) = records(&mock, "");
    assert_eq!(
        list[0]["request_id"].as_str(),
        response.header("x-request-id")
    );
    let (total, found) = records(
        &mock,
        &format!("&request_id={}", response.header("x-request-id").unwrap()),
    );
    assert_eq!((total, found[0]["action"].clone()), (1, json!("create")));
}

#[test]
fn records_are_filtered_as_the_spec_allows_and_paged() {
    let mock = start();
    let ws = api(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": "W"})),
    )
    .json();
    let ws = ws["id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        create_api_key(&mock, "k");
    }
    api(&mock, "DELETE", "/v1/api-keys/missing", None);
    api(
        &mock,
        "PUT",
        &format!("/v1/admin/workspaces/{ws}"),
        Some(json!({"name": "W2"})),
    );

    assert_eq!(records(&mock, "").0, 6);
    assert_eq!(records(&mock, "&method=POST").0, 4);
    assert_eq!(records(&mock, "&method=DELETE").0, 1);
    assert_eq!(records(&mock, "&resource_type=api_keys&action=create").0, 3);
    assert_eq!(records(&mock, "&response_status_code=404").0, 1);
    assert_eq!(records(&mock, &format!("&workspace_id={ws}")).0, 1);
    assert_eq!(records(&mock, "&uri=%2Fv1%2Fapi-keys%2Fmissing").0, 1);
    assert_eq!(records(&mock, "&user_type=api_key").0, 6);
    assert_eq!(records(&mock, "&user_type=user").0, 0);
    assert_eq!(records(&mock, "&client_ip=127.0.0.1").0, 6);
    let other =
        "/v1/audit-logs?start_time=2000-01-01&end_time=2100-01-01&organisation_id=someone-else";
    assert_eq!(api(&mock, "GET", other, None).json()["total"], 0);

    let (total, page) = records(&mock, "&page_size=4&current_page=1");
    assert_eq!((total, page.len()), (6, 2));
    assert_eq!(page[1]["method"], "PUT");

    // The time range is inclusive and compares instants.
    let (_, all) = records(&mock, "");
    let first = all[0]["timestamp"].as_str().unwrap().to_owned();
    let target =
        format!("/v1/audit-logs?start_time=2000-01-01&end_time={first}&organisation_id={ORG}");
    let page = api(&mock, "GET", &target, None).json();
    assert!(page["total"].as_u64().unwrap() >= 1);
    let target = format!("/v1/audit-logs?start_time=2100-01-01T00:00:00%2B01:00&end_time=2100-01-02T00:00:00Z&organisation_id={ORG}");
    assert_eq!(api(&mock, "GET", &target, None).json()["total"], 0);
}

#[test]
fn the_audit_query_is_validated() {
    let mock = start();
    for (query, message) in [
        ("end_time=2026-01-01&organisation_id=o", "\"start_time\" is required"),
        ("start_time=2026-01-01&organisation_id=o", "\"end_time\" is required"),
        ("start_time=2026-01-01&end_time=2026-01-02", "\"organisation_id\" is required"),
        (
            "start_time=yesterday&end_time=2026-01-02&organisation_id=o",
            "\"start_time\" must be an ISO 8601 date-time such as 2026-12-31T23:59:59Z (got \"yesterday\")",
        ),
        (
            "start_time=2026-01-01&end_time=2026-01-02&organisation_id=o&method=GET",
            "\"method\" must be one of POST, PUT, DELETE (got \"GET\")",
        ),
        (
            "start_time=2026-01-01&end_time=2026-01-02&organisation_id=o&page_size=101",
            "\"page_size\" must be <= 100 (got 101)",
        ),
        (
            "start_time=2026-01-01&end_time=2026-01-02&organisation_id=o&response_status_code=ok",
            "\"response_status_code\" must be an integer (got \"ok\")",
        ),
    ] {
        let response = api(&mock, "GET", &format!("/v1/audit-logs?{query}"), None);
        assert_eq!((response.status, response.message()), (400, message.to_owned()), "{query}");
    }
}

#[test]
fn reset_clears_the_audit_log() {
    let mock = start();
    create_api_key(&mock, "k");
    assert_eq!(records(&mock, "").0, 1);
    admin(&mock, "POST", "/__mock/reset", None);
    assert_eq!(records(&mock, "").0, 0);
}
