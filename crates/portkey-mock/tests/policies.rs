//! `/policies` (usage limits with their usage per entity, rate limits), `/guardrails` and
//! `/scim/workspaces`: the hooks' behaviour over HTTP.

mod common;

use common::{api, start, start_with};
use portkey_mock::{Fixtures, MockHandle, MockState};
use serde_json::{json, Value};

fn ok(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> Value {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        200,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn refused(
    mock: &MockHandle,
    method: &str,
    target: &str,
    body: Option<Value>,
    status: u16,
) -> String {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        status,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

fn usage_policy() -> Value {
    json!({
        "name": "Per key budget",
        "conditions": [{"key": "api_key", "value": "pk-1"}, {"key": "api_key", "value": "pk-2"},
                       {"key": "workspace_id", "value": "ws-1"}],
        "group_by": [{"key": "api_key"}],
        "type": "cost",
        "credit_limit": 100.5,
        "alert_threshold": 80,
        "periodic_reset": "monthly"
    })
}

fn usages(entities: &Value) -> Vec<(String, f64)> {
    entities["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["value_key"].as_str().unwrap().to_owned(),
                e["current_usage"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn usage_limit_policy_lifecycle_with_pinned_entities() {
    let mock = start();
    let created = ok(
        &mock,
        "POST",
        "/v1/policies/usage-limits",
        Some(usage_policy()),
    );
    assert_eq!(created["object"], "policy_usage_limits");
    let id = created["id"].as_str().unwrap().to_owned();

    let policy = ok(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}"),
        None,
    );
    assert_eq!(policy["object"], "policy_usage_limits");
    assert_eq!(policy["status"], "active");
    assert_eq!(policy["credit_limit"], 100.5);
    assert!(policy["organisation_id"].is_string(), "{policy}");
    assert!(policy.get("value_key_usage_map").is_none());
    assert!(
        policy.get("entities").is_none(),
        "counters stay hidden: {policy}"
    );

    let entities = ok(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}/entities"),
        None,
    );
    assert_eq!(entities["object"], "list");
    assert_eq!(entities["total"], 2);
    assert_eq!(
        usages(&entities),
        [
            ("api_key:pk-1".to_owned(), 0.0),
            ("api_key:pk-2".to_owned(), 0.0)
        ]
    );
    let searched = ok(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}/entities?search=pk-2&page_size=1"),
        None,
    );
    assert_eq!(searched["total"], 1);

    let list = ok(&mock, "GET", "/v1/policies/usage-limits?type=cost", None);
    assert_eq!(list["total"], 1);
    assert_eq!(
        ok(&mock, "GET", "/v1/policies/usage-limits?type=tokens", None)["total"],
        0
    );

    ok(
        &mock,
        "PUT",
        &format!("/v1/policies/usage-limits/{id}"),
        Some(json!({"credit_limit": 200, "name": "Bigger"})),
    );
    let policy = ok(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}"),
        None,
    );
    assert_eq!(policy["credit_limit"], 200);
    assert_eq!(policy["name"], "Bigger");

    ok(
        &mock,
        "DELETE",
        &format!("/v1/policies/usage-limits/{id}"),
        None,
    );
    refused(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}"),
        None,
        404,
    );
    refused(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}/entities"),
        None,
        404,
    );
}

#[test]
fn usage_limit_checks_numbers_threshold_and_min_items() {
    let mock = start();
    let mut bad = usage_policy();
    bad["alert_threshold"] = json!(200);
    let message = refused(&mock, "POST", "/v1/policies/usage-limits", Some(bad), 400);
    assert!(message.contains("alert_threshold"), "{message}");
    let mut bad = usage_policy();
    bad["credit_limit"] = json!("lots");
    let message = refused(&mock, "POST", "/v1/policies/usage-limits", Some(bad), 400);
    assert!(message.contains("credit_limit"), "{message}");
    let mut bad = usage_policy();
    bad["credit_limit"] = json!(-1);
    refused(&mock, "POST", "/v1/policies/usage-limits", Some(bad), 400);
    let mut bad = usage_policy();
    bad["group_by"] = json!([]);
    let message = refused(&mock, "POST", "/v1/policies/usage-limits", Some(bad), 400);
    assert!(message.contains("group_by"), "{message}");
    let mut bad = usage_policy();
    bad["type"] = json!("requests");
    let message = refused(&mock, "POST", "/v1/policies/usage-limits", Some(bad), 400);
    assert!(message.contains("type"), "{message}");
    assert_eq!(
        ok(&mock, "GET", "/v1/policies/usage-limits", None)["total"],
        0
    );

    let id = ok(
        &mock,
        "POST",
        "/v1/policies/usage-limits",
        Some(usage_policy()),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A threshold at or above the limit, after the change, is refused and changes nothing.
    refused(
        &mock,
        "PUT",
        &format!("/v1/policies/usage-limits/{id}"),
        Some(json!({"credit_limit": 50, "name": "Changed"})),
        400,
    );
    let policy = ok(
        &mock,
        "GET",
        &format!("/v1/policies/usage-limits/{id}"),
        None,
    );
    assert_eq!(policy["credit_limit"], 100.5);
    assert_eq!(policy["name"], "Per key budget");
}

fn preloaded() -> MockHandle {
    let fixtures: Fixtures = serde_json::from_value(json!({
        "usage_limit_policies": [{
            "id": "11111111-2222-4333-8444-555555555555",
            "name": "Per user tokens",
            "type": "tokens",
            "credit_limit": 1000,
            "conditions": [{"key": "workspace_id", "value": "ws-1"}],
            "group_by": [{"key": "metadata.user_id"}],
            "usage": {"metadata.user_id:alice": 250, "metadata.user_id:bob": 1000}
        }]
    }))
    .unwrap();
    start_with(fixtures)
}

const PRELOADED: &str = "/v1/policies/usage-limits/11111111-2222-4333-8444-555555555555";

#[test]
fn preloaded_usage_is_listed_filtered_and_reset() {
    let mock = preloaded();
    let entities = ok(&mock, "GET", &format!("{PRELOADED}/entities"), None);
    assert_eq!(
        usages(&entities),
        [
            ("metadata.user_id:alice".to_owned(), 250.0),
            ("metadata.user_id:bob".to_owned(), 1000.0)
        ]
    );
    let exhausted = ok(
        &mock,
        "GET",
        &format!("{PRELOADED}/entities?status=exhausted"),
        None,
    );
    assert_eq!(
        usages(&exhausted),
        [("metadata.user_id:bob".to_owned(), 1000.0)]
    );
    let bob = exhausted["data"][0]["id"].as_str().unwrap().to_owned();

    let with_usage = ok(
        &mock,
        "GET",
        &format!("{PRELOADED}?include_usage=true"),
        None,
    );
    assert_eq!(
        with_usage["value_key_usage_map"]["metadata.user_id:bob"]["status"],
        "exhausted"
    );
    assert_eq!(
        with_usage["value_key_usage_map"]["metadata.user_id:alice"]["current_usage"],
        250
    );

    // reset by the entity's id
    assert_eq!(
        ok(
            &mock,
            "PUT",
            &format!("{PRELOADED}/entities/{bob}/reset"),
            None
        ),
        json!({})
    );
    let entities = ok(&mock, "GET", &format!("{PRELOADED}/entities"), None);
    assert_eq!(
        usages(&entities),
        [
            ("metadata.user_id:alice".to_owned(), 250.0),
            ("metadata.user_id:bob".to_owned(), 0.0)
        ]
    );
    let policy = ok(&mock, "GET", PRELOADED, None);
    assert!(policy["last_reset_at"].is_string(), "{policy}");

    // update's reset_usage_for_value, by value key
    ok(
        &mock,
        "PUT",
        PRELOADED,
        Some(json!({"reset_usage_for_value": "metadata.user_id:alice"})),
    );
    let entities = ok(&mock, "GET", &format!("{PRELOADED}/entities"), None);
    assert!(usages(&entities).iter().all(|(_, u)| *u == 0.0));
    assert!(ok(&mock, "GET", PRELOADED, None)
        .get("reset_usage_for_value")
        .is_none());

    // unknown entity or policy
    let message = refused(
        &mock,
        "PUT",
        &format!("{PRELOADED}/entities/nobody/reset"),
        None,
        404,
    );
    assert!(message.contains("nobody"), "{message}");
    refused(
        &mock,
        "PUT",
        PRELOADED,
        Some(json!({"reset_usage_for_value": "nobody"})),
        404,
    );
    refused(
        &mock,
        "PUT",
        "/v1/policies/usage-limits/00000000-0000-4000-8000-000000000000/entities/x/reset",
        None,
        404,
    );
}

#[test]
fn fixture_usage_must_be_numbers() {
    let fixtures =
        Fixtures::from_json(r#"{"usage_limit_policies": [{"usage": {"api_key:a": "x"}}]}"#)
            .unwrap();
    let error = MockState::new(&fixtures).unwrap_err();
    assert!(error.contains("usage_limit_policies[0]"), "{error}");
}

#[test]
fn rate_limit_policy_crud() {
    let mock = start();
    let body = json!({
        "name": "100 RPM per key",
        "conditions": [{"key": "workspace_id", "value": "ws-1"}],
        "group_by": [{"key": "api_key"}],
        "type": "requests",
        "unit": "rpm",
        "value": 100
    });
    let created = ok(
        &mock,
        "POST",
        "/v1/policies/rate-limits",
        Some(body.clone()),
    );
    assert_eq!(created["object"], "policy_rate_limits");
    let path = format!(
        "/v1/policies/rate-limits/{}",
        created["id"].as_str().unwrap()
    );
    let policy = ok(&mock, "GET", &path, None);
    assert_eq!(policy["object"], "policy_rate_limits");
    assert_eq!(policy["unit"], "rpm");
    assert_eq!(policy["status"], "active");
    refused(&mock, "GET", &format!("{path}?status=archived"), None, 404);

    ok(
        &mock,
        "PUT",
        &path,
        Some(json!({"value": 200.5, "unit": "rph"})),
    );
    let policy = ok(&mock, "GET", &path, None);
    assert_eq!(policy["value"], 200.5);
    assert_eq!(policy["unit"], "rph");
    assert_eq!(
        ok(&mock, "GET", "/v1/policies/rate-limits?unit=rph", None)["total"],
        1
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/policies/rate-limits?unit=rpm", None)["total"],
        0
    );

    refused(&mock, "PUT", &path, Some(json!({"value": "many"})), 400);
    refused(&mock, "PUT", &path, Some(json!({"unit": "rpw"})), 400);
    let mut bad = body.clone();
    bad["conditions"] = json!([]);
    refused(&mock, "POST", "/v1/policies/rate-limits", Some(bad), 400);
    let mut bad = body;
    bad.as_object_mut().unwrap().remove("value");
    refused(&mock, "POST", "/v1/policies/rate-limits", Some(bad), 400);

    ok(&mock, "DELETE", &path, None);
    refused(&mock, "GET", &path, None, 404);
    refused(&mock, "DELETE", &path, None, 404);
}

fn guardrail() -> Value {
    json!({
        "name": "Allowed models",
        "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
        "checks": [{"id": "default.modelWhitelist", "parameters": {"models": ["gpt-4"]}}],
        "actions": {"deny": true, "async": false,
                    "on_success": {"feedback": {"value": 5, "weight": 1, "metadata": ""}},
                    "on_fail": {"feedback": {"value": -5, "weight": 1, "metadata": ""}}}
    })
}

#[test]
fn guardrail_create_update_versions_and_delete() {
    let mock = start();
    let created = ok(&mock, "POST", "/v1/guardrails", Some(guardrail()));
    let (id, slug) = (
        created["id"].as_str().unwrap().to_owned(),
        created["slug"].as_str().unwrap().to_owned(),
    );
    assert!(slug.starts_with("guard_"), "{slug}");
    let first = created["version_id"].as_str().unwrap().to_owned();

    let by_slug = ok(&mock, "GET", &format!("/v1/guardrails/{slug}"), None);
    assert_eq!(by_slug["id"], id.as_str());
    assert_eq!(by_slug["checks"][0]["id"], "default.modelWhitelist");
    assert_eq!(by_slug["actions"]["deny"], true);
    assert_eq!(by_slug["status"], "active");
    assert!(by_slug["owner_id"].is_string());
    assert!(by_slug["updated_by"].is_null());

    let updated = ok(
        &mock,
        "PUT",
        &format!("/v1/guardrails/{id}"),
        Some(json!({"name": "Renamed", "checks": [{"id": "default.isAllLowerCase"}]})),
    );
    assert_eq!(updated["id"], id.as_str());
    assert_eq!(updated["slug"], slug.as_str());
    assert_ne!(updated["version_id"], first.as_str());
    let retrieved = ok(&mock, "GET", &format!("/v1/guardrails/{id}"), None);
    assert_eq!(retrieved["name"], "Renamed");
    assert_eq!(retrieved["checks"][0]["id"], "default.isAllLowerCase");
    assert!(retrieved["updated_by"].is_string());

    let list = ok(
        &mock,
        "GET",
        "/v1/guardrails?workspace_id=550e8400-e29b-41d4-a716-446655440000",
        None,
    );
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["slug"], slug.as_str());

    ok(&mock, "DELETE", &format!("/v1/guardrails/{slug}"), None);
    let message = refused(&mock, "GET", &format!("/v1/guardrails/{id}"), None, 404);
    assert!(message.contains("Guardrail"), "{message}");
}

#[test]
fn guardrail_validation() {
    let mock = start();
    let mut bad = guardrail();
    bad["checks"] = json!([]);
    let message = refused(&mock, "POST", "/v1/guardrails", Some(bad), 400);
    assert!(message.contains("checks"), "{message}");
    let mut bad = guardrail();
    bad.as_object_mut().unwrap().remove("actions");
    let message = refused(&mock, "POST", "/v1/guardrails", Some(bad), 400);
    assert!(message.contains("actions"), "{message}");
    let mut bad = guardrail();
    bad["checks"] = json!(["default.jwt"]);
    refused(&mock, "POST", "/v1/guardrails", Some(bad), 400);
    assert_eq!(ok(&mock, "GET", "/v1/guardrails", None)["total"], 0);
}

#[test]
fn scim_groups_map_to_existing_workspaces() {
    let mock = start();
    let workspace = ok(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": "Eng"})),
    );
    let (ws_id, ws_slug) = (
        workspace["id"].as_str().unwrap().to_owned(),
        workspace["slug"].as_str().unwrap().to_owned(),
    );

    let message = refused(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": "ws-missing", "role": "member", "scim_group_name": "Eng"})),
        404,
    );
    assert!(message.contains("ws-missing"), "{message}");
    refused(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": ws_id, "role": "member"})),
        400,
    );
    refused(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": ws_id, "role": "member", "scim_group_id": "unknown"})),
        404,
    );

    let mapping = ok(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": ws_slug, "role": "admin", "scim_group_name": "Engineering"})),
    );
    assert_eq!(mapping["workspace_id"], ws_id.as_str());
    assert_eq!(mapping["scim_group"], "Engineering");
    assert_eq!(mapping["role"], "admin");
    let group = mapping["scim_group_id"].as_str().unwrap().to_owned();

    // The same group by id, to the same workspace: the role changes, no second mapping.
    let again = ok(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": ws_id, "role": "member", "scim_group_id": group})),
    );
    assert_eq!(again["id"], mapping["id"]);
    assert_eq!(again["role"], "member");

    let list = ok(&mock, "GET", "/v1/scim/workspaces", None);
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["mappings"][0]["role"], "member");
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("/v1/scim/workspaces?workspace_id={ws_slug}"),
            None
        )["total_count"],
        1
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/scim/workspaces?role=admin", None)["total_count"],
        0
    );

    let path = format!("/v1/scim/workspaces/{}", mapping["id"].as_str().unwrap());
    assert_eq!(ok(&mock, "DELETE", &path, None), json!({"success": true}));
    assert_eq!(
        ok(&mock, "GET", "/v1/scim/workspaces", None)["total_count"],
        0
    );
    refused(&mock, "DELETE", &path, None, 404);

    // Deleting a workspace removes its mappings.
    ok(
        &mock,
        "POST",
        "/v1/scim/workspaces",
        Some(json!({"workspace_id": ws_id, "role": "member", "scim_group_name": "Eng"})),
    );
    ok(
        &mock,
        "DELETE",
        &format!("/v1/admin/workspaces/{ws_id}"),
        None,
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/scim/workspaces", None)["total_count"],
        0
    );
}
