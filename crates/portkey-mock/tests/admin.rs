//! The admin API's behaviour: invites, workspaces and their members, users from fixtures.

mod common;

use common::{api, start, start_with};
use portkey_mock::{Fixtures, MockHandle, MockState};
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

fn status(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> (u16, String) {
    let response = api(mock, method, target, body);
    (response.status, response.message())
}

fn workspace(mock: &MockHandle, name: &str) -> String {
    let created = ok(
        mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": name})),
    );
    created["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_invite_is_created_pending_resent_and_deleted() {
    let mock = start();
    let created = ok(
        &mock,
        "POST",
        "/v1/admin/users/invites",
        Some(json!({"email": "new@example.com", "role": "member",
                    "workspaces": [{"id": "ws-1", "role": "manager"}]})),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(created["invite_link"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(created.as_object().unwrap().len(), 2, "{created}");

    let target = format!("/v1/admin/users/invites/{id}");
    let invite = ok(&mock, "GET", &target, None);
    assert_eq!(invite["object"], "invite");
    assert_eq!(invite["status"], "pending");
    assert_eq!(invite["email"], "new@example.com");
    assert_eq!(invite["role"], "member");
    assert_eq!(
        invite["workspaces"],
        json!([{"workspace_id": "ws-1", "role": "manager"}])
    );
    assert!(invite["created_at"].is_string() && invite["expires_at"].is_string());
    assert!(invite["invited_by"].is_string());

    let list = ok(
        &mock,
        "GET",
        "/v1/admin/users/invites?status=pending&role=member",
        None,
    );
    assert_eq!(
        (list["object"].clone(), list["total"].clone()),
        (json!("list"), json!(1))
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/admin/users/invites?role=admin", None)["total"],
        0
    );

    let resent = ok(&mock, "POST", &format!("{target}/resend"), None);
    assert!(resent["inviteLink"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_ne!(resent["inviteLink"], created["invite_link"], "a fresh link");

    assert_eq!(ok(&mock, "DELETE", &target, None), json!({}));
    assert_eq!(
        status(&mock, "GET", &target, None),
        (404, "Invite not found".into())
    );
    assert_eq!(
        status(&mock, "POST", &format!("{target}/resend"), None),
        (404, "Invite not found".into())
    );
    assert_eq!(status(&mock, "DELETE", &target, None).0, 404);
}

#[test]
fn only_a_pending_invite_can_be_resent() {
    let fixtures = Fixtures::from_json(
        &json!({"invites": [{"id": "inv-1", "email": "a@example.com", "status": "accepted"}]})
            .to_string(),
    )
    .unwrap();
    let mock = start_with(fixtures);
    let (code, message) = status(&mock, "POST", "/v1/admin/users/invites/inv-1/resend", None);
    assert_eq!(code, 400);
    assert!(message.contains("accepted"), "{message}");
}

#[test]
fn workspace_members_are_existing_users_of_an_existing_workspace() {
    let mock = start();
    let ws = workspace(&mock, "Platform team");
    let members = format!("/v1/admin/workspaces/{ws}/users");

    // Unknown workspace, unknown user: 404, and nothing changes.
    let add = json!({"users": [{"id": MEMBER, "role": "member"}]});
    assert_eq!(
        status(
            &mock,
            "POST",
            "/v1/admin/workspaces/nope/users",
            Some(add.clone())
        ),
        (404, "Workspace not found".into())
    );
    let (code, message) = status(
        &mock,
        "POST",
        &members,
        Some(json!({"users": [{"id": MEMBER}, {"id": "ghost"}]})),
    );
    assert_eq!((code, message.as_str()), (404, "User not found: ghost"));
    assert_eq!(ok(&mock, "GET", &members, None)["total"], 0);

    // Add two (the owner by email), with roles.
    let answer = ok(
        &mock,
        "POST",
        &members,
        Some(
            json!({"users": [{"id": MEMBER, "role": "member"}, {"id": "owner@example.com", "role": "admin"}]}),
        ),
    );
    assert_eq!(answer, json!({}));
    let list = ok(&mock, "GET", &members, None);
    assert_eq!(
        (list["object"].clone(), list["total"].clone()),
        (json!("list"), json!(2))
    );
    let member = &list["data"][0];
    assert_eq!(member["object"], "workspace-user");
    assert_eq!(member["id"], MEMBER);
    assert_eq!(member["email"], "member@example.com");
    assert_eq!(member["first_name"], "Milo");
    assert_eq!(member["org_role"], "member");
    assert_eq!(member["role"], "member");
    assert_eq!(member["status"], "active");
    assert_eq!(member["workspace_id"], ws.as_str());
    assert_eq!(
        ok(&mock, "GET", &format!("{members}?role=admin"), None)["data"][0]["id"],
        OWNER
    );
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("{members}?page_size=1&current_page=1"),
            None
        )["data"][0]["id"],
        OWNER
    );

    // The user shows the workspace; the workspace shows its members.
    let user = ok(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(user["workspace_ids"], json!([ws]));
    let got = ok(&mock, "GET", &format!("/v1/admin/workspaces/{ws}"), None);
    assert_eq!(got["users"].as_array().unwrap().len(), 2);

    // Change a role; the membership follows the user's organisation role too.
    let one = format!("{members}/{MEMBER}");
    assert_eq!(
        ok(&mock, "PUT", &one, Some(json!({"role": "manager"}))),
        json!({})
    );
    ok(
        &mock,
        "PUT",
        &format!("/v1/admin/users/{MEMBER}"),
        Some(json!({"role": "admin"})),
    );
    let got = ok(&mock, "GET", &one, None);
    assert_eq!(
        (got["role"].clone(), got["org_role"].clone()),
        (json!("manager"), json!("admin"))
    );
    assert_eq!(
        status(&mock, "PUT", &one, Some(json!({"role": "boss"}))),
        (
            400,
            "\"role\" must be one of admin, member, manager (got \"boss\")".into()
        )
    );

    // Remove: the membership goes, the user stays.
    assert_eq!(ok(&mock, "DELETE", &one, None), json!({}));
    assert_eq!(status(&mock, "GET", &one, None).0, 404);
    assert_eq!(status(&mock, "DELETE", &one, None).0, 404);
    assert_eq!(ok(&mock, "GET", &members, None)["total"], 1);
    let user = ok(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(user["workspace_ids"], json!([]));

    // Deleting a user ends their memberships.
    ok(&mock, "DELETE", &format!("/v1/admin/users/{OWNER}"), None);
    assert_eq!(ok(&mock, "GET", &members, None)["total"], 0);
}

#[test]
fn a_workspace_is_created_with_a_slug_and_deleted_with_its_members() {
    let mock = start();
    let created = ok(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(
            json!({"name": "Test A", "description": "d", "users": [MEMBER],
                    "defaults": {"metadata": {"env": "prod"}}}),
        ),
    );
    assert_eq!(created["object"], "workspace");
    let slug = created["slug"].as_str().unwrap();
    let tail = slug.strip_prefix("ws-test-a-").expect(slug);
    assert!(
        tail.len() == 6 && tail.chars().all(|c| c.is_ascii_hexdigit()),
        "{slug}"
    );
    assert_eq!(created["defaults"]["metadata"]["env"], "prod");
    let id = created["id"].as_str().unwrap().to_owned();
    // Retrieve by id or slug; `users` lists the members.
    let got = ok(&mock, "GET", &format!("/v1/admin/workspaces/{slug}"), None);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["users"][0]["id"], MEMBER);
    assert_eq!(
        status(
            &mock,
            "POST",
            "/v1/admin/workspaces",
            Some(json!({"name": "x", "users": ["ghost"]}))
        ),
        (404, "User not found: ghost".into())
    );

    ok(
        &mock,
        "PUT",
        &format!("/v1/admin/workspaces/{id}"),
        Some(json!({"name": "Renamed"})),
    );
    let list = ok(&mock, "GET", "/v1/admin/workspaces", None);
    assert_eq!(
        (list["total"].clone(), list["data"][0]["name"].clone()),
        (json!(1), json!("Renamed"))
    );

    // The spec answers a plain 200 for a delete, members or not: the members go with it.
    assert_eq!(
        ok(&mock, "DELETE", &format!("/v1/admin/workspaces/{id}"), None),
        json!({})
    );
    assert_eq!(
        status(&mock, "GET", &format!("/v1/admin/workspaces/{id}"), None),
        (404, "Workspace not found".into())
    );
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("/v1/admin/workspaces/{id}/users"),
            None
        )["total"],
        0
    );
    let user = ok(&mock, "GET", &format!("/v1/admin/users/{MEMBER}"), None);
    assert_eq!(user["workspace_ids"], json!([]));
}

#[test]
fn fixtures_bring_users_workspaces_members_invites_and_configs() {
    let fixtures = Fixtures::from_json(
        &json!({
            "users": [
                {"id": "u-1", "email": "ada@example.com", "first_name": "Ada", "role": "owner"},
                {"email": "bob@example.com"},
            ],
            "workspaces": [{"id": "ws-demo", "name": "Demo",
                            "members": [{"user_id": "u-1", "role": "admin"}, {"user_id": "bob@example.com"}]}],
            "invites": [{"email": "carol@example.com"}],
            "configs": [{"slug": "pc-demo", "name": "Demo", "config": {"retry": {"attempts": 3}}}],
        })
        .to_string(),
    )
    .unwrap();
    let mock = start_with(fixtures);
    let users = ok(&mock, "GET", "/v1/admin/users", None);
    assert_eq!(users["total"], 2, "fixture users replace the defaults");
    assert_eq!(users["data"][1]["first_name"], "bob");
    assert_eq!(users["data"][1]["role"], "member");
    assert_eq!(users["data"][0]["workspace_ids"], json!(["ws-demo"]));
    let members = ok(&mock, "GET", "/v1/admin/workspaces/ws-demo/users", None);
    assert_eq!(members["total"], 2);
    assert_eq!(members["data"][0]["role"], "admin");
    assert_eq!(members["data"][1]["role"], "member");
    assert_eq!(
        ok(&mock, "GET", "/v1/admin/users/invites", None)["data"][0]["status"],
        "pending"
    );
    let config = ok(&mock, "GET", "/v1/configs/pc-demo", None);
    assert_eq!(config["data"]["config"]["retry"]["attempts"], 3);
    assert_eq!(
        ok(&mock, "GET", "/v1/configs/pc-demo/versions", None)["total"],
        1
    );

    // `"users": []` means no users at all.
    let empty = start_with(Fixtures {
        users: Some(vec![]),
        ..Fixtures::default()
    });
    assert_eq!(ok(&empty, "GET", "/v1/admin/users", None)["total"], 0);
}

#[test]
fn bad_admin_fixtures_are_rejected_with_a_reason() {
    for (fixtures, reason) in [
        (
            json!({"users": [{"id": "u"}]}),
            "users[0]: \"email\" must be an email address",
        ),
        (
            json!({"users": [{"email": "a@x.y"}, {"email": "a@x.y"}]}),
            "users: duplicate email",
        ),
        (
            json!({"workspaces": [{"description": "no name"}]}),
            "workspaces[0]: needs an \"id\" or a \"name\"",
        ),
        (
            json!({"workspaces": [{"id": "w", "members": [{"user_id": "ghost"}]}]}),
            "workspaces[0].members[0]: no user \"ghost\"",
        ),
        (
            json!({"configs": [{}]}),
            "configs[0]: needs a \"slug\" or a \"name\"",
        ),
        (
            json!({"invites": [{"email": "nope"}]}),
            "invites[0]: \"email\" must be an email address",
        ),
    ] {
        let parsed = Fixtures::from_json(&fixtures.to_string()).unwrap();
        let error = MockState::new(&parsed).unwrap_err();
        assert!(error.contains(reason), "{fixtures}: {error}");
    }
}

#[test]
fn the_demo_fixtures_load() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fixtures.json");
    let fixtures = Fixtures::load(&path).unwrap();
    let mock = start_with(fixtures);
    let users = ok(&mock, "GET", "/v1/admin/users", None);
    assert_eq!(users["data"][1]["email"], "member@example.com");
    let ws = ok(&mock, "GET", "/v1/admin/workspaces/ws-myworkspace", None);
    assert_eq!(ws["users"][0]["email"], "owner@example.com");
    assert_eq!(
        ok(
            &mock,
            "GET",
            "/v1/configs?workspace_id=ws-myworkspace",
            None
        )["data"][0]["slug"],
        "pc-retry-3f9a1c"
    );
}
