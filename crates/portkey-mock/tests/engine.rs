//! The generic engine: routes from the generated table, validation from the spec's schemas
//! (400s naming the field), tolerance of unknown fields, plain CRUD, paging and filters.

mod common;

use common::{admin, api, start, start_with};
use portkey_mock::Fixtures;
use serde_json::{json, Value};

const OWNER: &str = "2f6b3c1e-8d4a-4e5f-9a7b-1c2d3e4f5a61";
const MEMBER: &str = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02";

fn ok(mock: &portkey_mock::MockHandle, method: &str, target: &str, body: Option<Value>) -> Value {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        200,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn bad(mock: &portkey_mock::MockHandle, method: &str, target: &str, body: Option<Value>) -> String {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        400,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

#[test]
fn default_users_exist_and_plain_crud_serves_them() {
    let mock = start();
    let list = ok(&mock, "GET", "/v1/admin/users", None);
    assert_eq!(list["object"], "list");
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"][0]["id"], OWNER);
    assert_eq!(list["data"][0]["role"], "owner");
    assert_eq!(list["data"][0]["object"], "user");
    assert_eq!(list["data"][1]["email"], "member@example.com");

    let user = ok(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(user["first_name"], "Milo");
    assert_eq!(user["workspace_ids"], json!([]));
    let before = user["last_updated_at"].clone();

    // Update: the declared fields change; `id` in the body (the official SDKs send it) is
    // tolerated and does not rename the object.
    let answer = ok(
        &mock,
        "PUT",
        &format!("/v1/admin/users/{MEMBER}"),
        Some(json!({"role": "admin", "id": "hijack", "first_name": "ignored"})),
    );
    assert_eq!(answer, json!({}));
    let user = ok(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(user["role"], "admin");
    assert_eq!(user["id"], MEMBER);
    assert_eq!(user["first_name"], "Milo");
    assert!(user["last_updated_at"].as_str() >= before.as_str());

    // Filters are plain equality on the field of the parameter's name.
    let admins = ok(&mock, "GET", "/v1/admin/users?role=admin", None);
    assert_eq!(
        (admins["total"].clone(), admins["data"][0]["id"].clone()),
        (json!(1), json!(MEMBER))
    );
    let by_email = ok(
        &mock,
        "GET",
        "/v1/admin/users?email=owner%40example.com",
        None,
    );
    assert_eq!(by_email["data"][0]["id"], OWNER);

    assert_eq!(
        ok(&mock, "DELETE", &format!("/v1/admin/users/{MEMBER}"), None),
        json!({})
    );
    let response = api(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(
        (response.status, response.message()),
        (404, "User not found".to_owned())
    );
    let response = api(&mock, "DELETE", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(response.status, 404);
    assert_eq!(ok(&mock, "GET", "/v1/admin/users", None)["total"], 1);
}

#[test]
fn paging_follows_the_spec_names_of_each_route() {
    let users: Vec<Value> = (0..7)
        .map(|i| json!({"email": format!("u{i}@example.com")}))
        .collect();
    let mock = start_with(Fixtures {
        users: Some(users),
        ..Fixtures::default()
    });
    let emails = |target: &str| -> (Value, Vec<String>) {
        let page = ok(&mock, "GET", target, None);
        let emails = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect();
        (page["total"].clone(), emails)
    };
    // /admin/users pages with pageSize and currentPage.
    assert_eq!(
        emails("/v1/admin/users?pageSize=3&currentPage=2"),
        (json!(7), vec!["u6@example.com".to_owned()])
    );
    assert_eq!(emails("/v1/admin/users?pageSize=3").1.len(), 3);
    // Names another route uses are unknown here, so ignored.
    assert_eq!(emails("/v1/admin/users?page_size=3").1.len(), 7);
    assert_eq!(emails("/v1/admin/users?currentPage=9").1.len(), 0);
    let message = bad(&mock, "GET", "/v1/admin/users?pageSize=two", None);
    assert_eq!(message, "\"pageSize\" must be an integer (got \"two\")");
}

#[test]
fn requests_are_validated_by_the_spec_schemas_naming_the_field() {
    let mock = start();
    let invite = |body: Value| bad(&mock, "POST", "/v1/admin/users/invites", Some(body));
    let base = json!({"email": "new@example.com", "role": "member", "workspaces": [{"id": "ws-1", "role": "admin"}]});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    assert_eq!(
        invite(json!({"role": "member", "workspaces": []})),
        "\"email\" is required"
    );
    assert_eq!(
        invite(with("role", json!("owner"))),
        "\"role\" must be one of admin, member (got \"owner\")"
    );
    assert_eq!(
        invite(with("workspaces", json!([{"id": "ws-1", "role": "boss"}]))),
        "\"workspaces[0].role\" must be one of admin, member, manager (got \"boss\")"
    );
    assert_eq!(
        invite(with("workspaces", json!([{"role": "admin"}]))),
        "\"workspaces[0].id\" is required"
    );
    assert_eq!(
        invite(with("workspace_api_key_details", json!({}))),
        "\"workspace_api_key_details.scopes\" is required"
    );
    assert_eq!(
        bad(
            &mock,
            "PUT",
            &format!("/v1/admin/users/{OWNER}"),
            Some(json!({"role": 1}))
        ),
        "\"role\" must be one of admin, member (got 1)"
    );
    assert_eq!(
        bad(
            &mock,
            "POST",
            "/v1/admin/workspaces",
            Some(json!({"rate_limits": [{"unit": "rpx"}]}))
        ),
        "\"rate_limits[0].unit\" must be one of rpd, rph, rpm (got \"rpx\")"
    );
    assert_eq!(
        bad(&mock, "GET", "/v1/admin/users?role=king", None),
        "\"role\" must be one of admin, member, owner (got \"king\")"
    );
    assert_eq!(
        bad(&mock, "POST", "/v1/admin/users/invites", Some(json!([1]))),
        "request body must be a JSON object"
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/admin/users/invites", None)["total"],
        0,
        "nothing was stored"
    );
}

#[test]
fn unknown_fields_and_parameters_are_tolerated_not_stored() {
    let mock = start();
    let created = ok(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(
            json!({"name": "Team", "id": "chosen-by-client", "colour": "blue",
                    "defaults": {"metadata": {"env": "prod"}, "extra_nested": true}}),
        ),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert_ne!(id, "chosen-by-client");
    assert!(created.get("colour").is_none(), "{created}");
    // Inside a declared object, fields the spec does not list are kept as sent.
    assert_eq!(created["defaults"]["extra_nested"], true);
    let target = format!("/v1/admin/workspaces/{id}?unknown=1");
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["name"], "Team");
    // A DELETE body the spec does not describe (the SDKs send `name`) is ignored.
    let response = common::send(
        &mock,
        "DELETE",
        &format!("/v1/admin/workspaces/{id}"),
        &[("x-portkey-api-key", common::API_KEY)],
        Some("{\"name\": \"Team\"}"),
    )
    .unwrap();
    assert_eq!(response.status, 200);
}

#[test]
fn routes_come_from_the_generated_table() {
    let mock = start();
    for (method, target, allow) in [
        ("PATCH", "/v1/admin/users/x", "GET, PUT, DELETE"),
        ("PUT", "/v1/admin/users/invites/x", "GET, DELETE"),
        ("GET", "/v1/admin/users/invites/x/resend", "POST"),
        ("POST", "/v1/configs/x/versions", "GET"),
        ("DELETE", "/v1/audit-logs", "GET"),
    ] {
        let response = api(&mock, method, target, None);
        assert_eq!(response.status, 405, "{method} {target}");
        assert_eq!(response.header("allow"), Some(allow), "{method} {target}");
    }
    // A literal segment beats a placeholder: /admin/users/invites is not the user "invites".
    assert_eq!(
        ok(&mock, "GET", "/v1/admin/users/invites", None)["object"],
        "list"
    );
    // ... unless only the placeholder route has the method: PUT updates the user "invites".
    let response = api(&mock, "PUT", "/v1/admin/users/invites", Some(json!({})));
    assert_eq!(
        (response.status, response.message()),
        (404, "User not found".to_owned())
    );
    let response = api(&mock, "GET", "/v1/admin/users/nobody", None);
    assert_eq!(
        (response.status, response.message()),
        (404, "User not found".to_owned())
    );
    let response = api(&mock, "GET", "/v1/admin/users/invites/none", None);
    assert_eq!(
        (response.status, response.message()),
        (404, "Invite not found".to_owned())
    );
    let response = api(&mock, "GET", "/v1/admin/nothing", None);
    assert_eq!(response.status, 404);
    assert!(response.message().starts_with("no route for GET"));
}

#[test]
fn the_request_log_keeps_each_body_as_parsed_json() {
    let mock = start();
    api(
        &mock,
        "POST",
        "/v1/admin/users/invites",
        Some(json!({"email": "a@b.c", "role": "member", "workspaces": []})),
    );
    common::send(
        &mock,
        "POST",
        "/v1/api-keys/organisation/service",
        &[("x-portkey-api-key", common::API_KEY)],
        Some("not json"),
    )
    .unwrap();
    api(&mock, "GET", "/v1/admin/users?pageSize=1", None);
    let log = admin(&mock, "GET", "/__mock/requests", None);
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(
        requests[0]["body"],
        json!({"email": "a@b.c", "role": "member", "workspaces": []})
    );
    assert_eq!(requests[1]["body"], Value::Null, "not JSON");
    assert_eq!(requests[2]["body"], Value::Null, "no body");
    assert_eq!(requests[2]["query"], "pageSize=1");
}
