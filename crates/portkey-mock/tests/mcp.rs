//! `/mcp-integrations` and `/mcp-servers`: servers belong to an existing integration,
//! capability and user-access updates show in their lists, `test` never calls out, and
//! deletes cascade.

mod common;

use common::{api, start};
use portkey_mock::MockHandle;
use serde_json::{json, Value};

const OWNER: &str = "2f6b3c1e-8d4a-4e5f-9a7b-1c2d3e4f5a61";
const MEMBER: &str = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02";

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

fn status(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> u16 {
    api(mock, method, target, body).status
}

/// An integration; answers its id and slug.
fn integration(mock: &MockHandle, name: &str) -> (String, String) {
    let created = ok(
        mock,
        "POST",
        "/v1/mcp-integrations",
        Some(
            json!({"name": name, "url": "https://mcp.example.com/mcp", "auth_type": "none",
                    "transport": "http"}),
        ),
    );
    (
        created["id"].as_str().unwrap().to_owned(),
        created["slug"].as_str().unwrap().to_owned(),
    )
}

/// A server on integration `on`; answers its id and slug.
fn server(mock: &MockHandle, on: &str, name: &str) -> (String, String) {
    let created = ok(
        mock,
        "POST",
        "/v1/mcp-servers",
        Some(json!({"name": name, "mcp_integration_id": on})),
    );
    (
        created["id"].as_str().unwrap().to_owned(),
        created["slug"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn integration_create_list_retrieve_update() {
    let mock = start();
    let (id, slug) = integration(&mock, "Linear MCP");
    assert!(slug.starts_with("linear-mcp-"), "{slug}");
    let got = ok(&mock, "GET", &format!("/v1/mcp-integrations/{slug}"), None);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["type"], "organisation");
    assert_eq!(got["status"], "active");
    assert_eq!(got["transport"], "http");

    // A slug given is kept; taken, it is a 409.
    let body = json!({"name": "Other", "url": "https://x.example/mcp", "auth_type": "headers",
                      "transport": "sse", "slug": "my_slug", "workspace_id": "ws-1"});
    let other = ok(&mock, "POST", "/v1/mcp-integrations", Some(body.clone()));
    assert_eq!(other["slug"], "my_slug");
    assert_eq!(
        status(&mock, "POST", "/v1/mcp-integrations", Some(body)),
        409
    );

    let list = ok(&mock, "GET", "/v1/mcp-integrations", None);
    assert_eq!(list["total"], 2);
    assert_eq!(list["has_more"], false);
    assert_eq!(list["data"][0]["workspaces_count"], 0);
    let only = |query: &str| {
        let page = ok(&mock, "GET", &format!("/v1/mcp-integrations?{query}"), None);
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["slug"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(only("type=workspace"), ["my_slug"]);
    assert_eq!(only("type=all").len(), 2);
    assert_eq!(only("workspace_id=ws-1"), ["my_slug"]);
    assert_eq!(only("search=LINEAR"), vec![slug.as_str()]);
    assert_eq!(only("page_size=1&current_page=1"), ["my_slug"]);
    let first = ok(&mock, "GET", "/v1/mcp-integrations?page_size=1", None);
    assert_eq!(first["has_more"], true);

    ok(
        &mock,
        "PUT",
        &format!("/v1/mcp-integrations/{id}"),
        Some(json!({"name": "Renamed", "transport": "sse"})),
    );
    let got = ok(&mock, "GET", &format!("/v1/mcp-integrations/{id}"), None);
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["transport"], "sse");
    assert_eq!(status(&mock, "GET", "/v1/mcp-integrations/nope", None), 404);
}

#[test]
fn integration_capabilities_update_shows_in_list() {
    let mock = start();
    let (id, slug) = integration(&mock, "Tools");
    let target = format!("/v1/mcp-integrations/{slug}/capabilities");
    let empty = ok(&mock, "GET", &target, None);
    assert_eq!(empty["total"], 0);
    assert_eq!(empty["counts"]["tools"], json!({"total": 0, "enabled": 0}));

    let answer = ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"capabilities": [
            {"name": "search", "type": "tool", "enabled": true},
            {"name": "create_issue", "type": "tool", "enabled": false},
            {"name": "summary", "type": "prompt", "enabled": true}
        ]})),
    );
    assert_eq!(answer, json!({"success": true}));
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["total"], 3);
    assert_eq!(list["counts"]["tools"], json!({"total": 2, "enabled": 1}));
    assert_eq!(list["counts"]["prompts"], json!({"total": 1, "enabled": 1}));
    assert_eq!(list["data"][1]["name"], "create_issue");
    assert_eq!(list["data"][1]["enabled"], false);

    // Changing one again changes it in place.
    ok(
        &mock,
        "PUT",
        &format!("/v1/mcp-integrations/{id}/capabilities"),
        Some(json!({"capabilities": [{"name": "create_issue", "type": "tool", "enabled": true}]})),
    );
    let tools = ok(&mock, "GET", &format!("{target}?type=tool"), None);
    assert_eq!(tools["total"], 2);
    assert_eq!(tools["data"][1]["enabled"], true);
    let paged = ok(&mock, "GET", &format!("{target}?page=2&page_size=2"), None);
    assert_eq!(paged["data"].as_array().unwrap().len(), 1);
    assert_eq!(paged["data"][0]["name"], "summary");
    assert_eq!(paged["has_more"], false);
    let first = ok(&mock, "GET", &format!("{target}?page=1&page_size=2"), None);
    assert_eq!(first["has_more"], true);

    // Missing changes are a 400; an unknown integration is a 404.
    assert_eq!(status(&mock, "PUT", &target, Some(json!({}))), 400);
    assert_eq!(
        status(
            &mock,
            "PUT",
            "/v1/mcp-integrations/nope/capabilities",
            Some(json!({"capabilities": [{"name": "a", "type": "tool", "enabled": true}]}))
        ),
        404
    );
}

#[test]
fn integration_workspaces_and_metadata() {
    let mock = start();
    let (id, slug) = integration(&mock, "Shared");
    let target = format!("/v1/mcp-integrations/{slug}/workspaces");
    let empty = ok(&mock, "GET", &target, None);
    assert_eq!(
        empty,
        json!({"workspaces": [], "global_workspace_access": null})
    );
    ok(
        &mock,
        "PUT",
        &target,
        Some(
            json!({"workspaces": [{"id": "ws-1", "enabled": true}, {"id": "ws-2", "enabled": false}]}),
        ),
    );
    let legacy = ok(&mock, "GET", &target, None);
    assert_eq!(legacy["workspaces"][0]["id"], "ws-1");
    assert_eq!(legacy["workspaces"][0]["enabled"], true);
    assert_eq!(legacy["workspaces"][1]["enabled"], false);
    let versioned = ok(&mock, "GET", &format!("{target}?version=2"), None);
    assert_eq!(versioned["total"], 2);
    assert_eq!(versioned["data"][1]["id"], "ws-2");
    let list = ok(&mock, "GET", "/v1/mcp-integrations", None);
    assert_eq!(list["data"][0]["workspaces_count"], 1);

    // The global setting, overriding every workspace's.
    ok(
        &mock,
        "PUT",
        &target,
        Some(
            json!({"workspaces": [], "global_workspace_access": {"enabled": true},
                    "override_existing_workspace_access": true}),
        ),
    );
    let all = ok(&mock, "GET", &target, None);
    assert_eq!(all["global_workspace_access"], json!({"enabled": true}));
    assert_eq!(all["workspaces"][1]["enabled"], true);
    let got = ok(&mock, "GET", &format!("/v1/mcp-integrations/{id}"), None);
    assert_eq!(got["global_workspace_access"], json!({"enabled": true}));

    let metadata = ok(
        &mock,
        "GET",
        &format!("/v1/mcp-integrations/{id}/metadata"),
        None,
    );
    assert_eq!(metadata["sync_status"], "pending");
    assert_eq!(metadata["server_name"], Value::Null);
    assert_eq!(
        status(&mock, "GET", "/v1/mcp-integrations/nope/metadata", None),
        404
    );
    assert_eq!(
        status(&mock, "GET", "/v1/mcp-integrations/nope/workspaces", None),
        404
    );
}

#[test]
fn server_needs_an_existing_integration() {
    let mock = start();
    let response = api(
        &mock,
        "POST",
        "/v1/mcp-servers",
        Some(json!({"name": "Orphan", "mcp_integration_id": "nope"})),
    );
    assert_eq!(response.status, 404);
    assert!(
        response.message().contains("MCP integration"),
        "{}",
        response.message()
    );
    assert_eq!(ok(&mock, "GET", "/v1/mcp-servers", None)["total"], 0);

    let (integration_id, integration_slug) = integration(&mock, "Linear");
    // By slug: stored as the integration's id.
    let (id, slug) = server(&mock, &integration_slug, "Linear for Eng");
    assert!(slug.starts_with("linear-for-eng-"), "{slug}");
    let got = ok(&mock, "GET", &format!("/v1/mcp-servers/{slug}"), None);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["mcp_integration_id"], integration_id.as_str());
    assert_eq!(
        got["mcp_integration_details"]["url"],
        "https://mcp.example.com/mcp"
    );
    assert_eq!(got["status"], "active");

    let given = json!({"name": "Two", "mcp_integration_id": integration_id, "slug": "two",
                       "workspace_id": "ws-1"});
    ok(&mock, "POST", "/v1/mcp-servers", Some(given.clone()));
    assert_eq!(status(&mock, "POST", "/v1/mcp-servers", Some(given)), 409);

    let list = ok(&mock, "GET", "/v1/mcp-servers", None);
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["data"][0]["mcp_integration_slug"],
        integration_slug.as_str()
    );
    assert_eq!(list["data"][0]["auth_type"], "none");
    assert_eq!(list["data"][1]["url"], "https://mcp.portkey.ai/two/mcp");
    let count =
        |query: &str| ok(&mock, "GET", &format!("/v1/mcp-servers?{query}"), None)["total"].clone();
    assert_eq!(count("workspace_id=ws-1"), 1);
    assert_eq!(count(&format!("id={id},two")), 2);
    assert_eq!(count(&format!("id={id}")), 1);
    assert_eq!(count("search=eng"), 1);

    ok(
        &mock,
        "PUT",
        &format!("/v1/mcp-servers/{id}"),
        Some(json!({"name": "Renamed", "description": "for the team"})),
    );
    let got = ok(&mock, "GET", &format!("/v1/mcp-servers/{id}"), None);
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["description"], "for the team");
}

#[test]
fn server_test_answers_without_network() {
    let mock = start();
    let (integration_id, _) = integration(&mock, "Remote");
    let (id, _) = server(&mock, &integration_id, "Remote one");
    let answer = ok(
        &mock,
        "POST",
        &format!("/v1/mcp-servers/{id}/test"),
        Some(json!({})),
    );
    assert_eq!(answer["success"], true);
    assert_eq!(answer["status_code"], 200);
    assert_eq!(answer["url"], "https://mcp.example.com/mcp");
    assert_eq!(answer["server_name"], "Remote one");
    assert_eq!(answer["error"], Value::Null);
    assert_eq!(
        status(&mock, "POST", "/v1/mcp-servers/nope/test", None),
        404
    );
}

#[test]
fn server_capabilities_inherit_and_override() {
    let mock = start();
    let (integration_id, _) = integration(&mock, "Caps");
    ok(
        &mock,
        "PUT",
        &format!("/v1/mcp-integrations/{integration_id}/capabilities"),
        Some(json!({"capabilities": [
            {"name": "search", "type": "tool", "enabled": true},
            {"name": "delete", "type": "tool", "enabled": false}
        ]})),
    );
    let (id, _) = server(&mock, &integration_id, "Caps server");
    let target = format!("/v1/mcp-servers/{id}/capabilities");
    let inherited = ok(&mock, "GET", &target, None);
    assert_eq!(inherited["total"], 2);
    assert_eq!(inherited["data"][0]["enabled"], true);
    assert_eq!(inherited["data"][0]["integration_enabled"], true);
    assert_eq!(inherited["data"][1]["enabled"], false);

    ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"capabilities": [
            {"name": "search", "type": "tool", "enabled": false},
            {"name": "extra", "type": "resource", "enabled": true}
        ]})),
    );
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["total"], 3);
    assert_eq!(list["data"][0]["name"], "search");
    assert_eq!(list["data"][0]["enabled"], false);
    assert_eq!(list["data"][0]["integration_enabled"], true);
    assert_eq!(list["data"][2]["name"], "extra");
    assert_eq!(list["data"][2]["integration_enabled"], Value::Null);
    assert_eq!(list["counts"]["tools"], json!({"total": 2, "enabled": 0}));
    assert_eq!(
        list["counts"]["resources"],
        json!({"total": 1, "enabled": 1})
    );
    let resources = ok(&mock, "GET", &format!("{target}?type=resource"), None);
    assert_eq!(resources["total"], 1);
    // The integration's own list is unchanged.
    let own = ok(
        &mock,
        "GET",
        &format!("/v1/mcp-integrations/{integration_id}/capabilities"),
        None,
    );
    assert_eq!(own["total"], 2);
    assert_eq!(own["data"][0]["enabled"], true);
    assert_eq!(
        status(&mock, "GET", "/v1/mcp-servers/nope/capabilities", None),
        404
    );
}

#[test]
fn user_access_default_and_overrides() {
    let mock = start();
    let (integration_id, _) = integration(&mock, "Access");
    let (id, _) = server(&mock, &integration_id, "Access server");
    let target = format!("/v1/mcp-servers/{id}/user-access");
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["default_user_access"], "allow");
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"][0]["user_id"], OWNER);
    assert_eq!(list["data"][0]["enabled"], true);
    assert_eq!(list["data"][0]["has_override"], false);
    assert_eq!(list["data"][0]["connection_status"], "not_connected");

    let answer = ok(
        &mock,
        "PUT",
        &target,
        Some(
            json!({"user_access": [{"user_id": MEMBER, "enabled": true}],
                    "default_user_access": "deny"}),
        ),
    );
    assert_eq!(answer, json!({"success": true}));
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["default_user_access"], "deny");
    assert_eq!(list["data"][0]["enabled"], false);
    assert_eq!(list["data"][0]["has_override"], false);
    assert_eq!(list["data"][1]["user_id"], MEMBER);
    assert_eq!(list["data"][1]["enabled"], true);
    assert_eq!(list["data"][1]["has_override"], true);
    let found = ok(&mock, "GET", &format!("{target}?search=milo"), None);
    assert_eq!(found["total"], 1);
    assert_eq!(found["data"][0]["user_id"], MEMBER);
    let paged = ok(&mock, "GET", &format!("{target}?page=2&page_size=1"), None);
    assert_eq!(paged["data"][0]["user_id"], MEMBER);
    assert_eq!(paged["has_more"], false);

    // An unknown user changes nothing.
    assert_eq!(
        status(
            &mock,
            "PUT",
            &target,
            Some(json!({"user_access": [{"user_id": OWNER, "enabled": true},
                                        {"user_id": "nobody", "enabled": true}]}))
        ),
        404
    );
    assert_eq!(
        ok(&mock, "GET", &target, None)["data"][0]["has_override"],
        false
    );
    assert_eq!(
        status(&mock, "GET", "/v1/mcp-servers/nope/user-access", None),
        404
    );
}

#[test]
fn connections_start_empty() {
    let mock = start();
    let (integration_id, _) = integration(&mock, "Conn");
    let (id, _) = server(&mock, &integration_id, "Conn server");
    let list = ok(
        &mock,
        "GET",
        &format!("/v1/mcp-servers/{id}/connections"),
        None,
    );
    assert_eq!(list["total"], 0);
    assert_eq!(list["data"], json!([]));
    let gone = ok(
        &mock,
        "DELETE",
        &format!("/v1/mcp-servers/{id}/connections?user_id={OWNER}"),
        None,
    );
    assert_eq!(gone, json!({"success": true}));
    assert_eq!(
        status(&mock, "GET", "/v1/mcp-servers/nope/connections", None),
        404
    );
    assert_eq!(
        status(&mock, "DELETE", "/v1/mcp-servers/nope/connections", None),
        404
    );
}

#[test]
fn deletes_cascade() {
    let mock = start();
    let (integration_id, _) = integration(&mock, "Gone");
    let (first, _) = server(&mock, &integration_id, "First");
    let (second, _) = server(&mock, &integration_id, "Second");
    ok(
        &mock,
        "PUT",
        &format!("/v1/mcp-servers/{first}/capabilities"),
        Some(json!({"capabilities": [{"name": "a", "type": "tool", "enabled": true}]})),
    );
    ok(&mock, "DELETE", &format!("/v1/mcp-servers/{first}"), None);
    assert_eq!(
        status(&mock, "GET", &format!("/v1/mcp-servers/{first}"), None),
        404
    );
    assert_eq!(
        status(
            &mock,
            "GET",
            &format!("/v1/mcp-servers/{first}/capabilities"),
            None
        ),
        404
    );
    assert_eq!(
        status(&mock, "DELETE", &format!("/v1/mcp-servers/{first}"), None),
        404
    );
    assert_eq!(ok(&mock, "GET", "/v1/mcp-servers", None)["total"], 1);

    // Deleting the integration deletes the servers made from it.
    ok(
        &mock,
        "DELETE",
        &format!("/v1/mcp-integrations/{integration_id}"),
        None,
    );
    assert_eq!(
        status(&mock, "GET", &format!("/v1/mcp-servers/{second}"), None),
        404
    );
    assert_eq!(ok(&mock, "GET", "/v1/mcp-servers", None)["total"], 0);
    assert_eq!(ok(&mock, "GET", "/v1/mcp-integrations", None)["total"], 0);
    assert_eq!(
        status(
            &mock,
            "GET",
            &format!("/v1/mcp-integrations/{integration_id}"),
            None
        ),
        404
    );
}
