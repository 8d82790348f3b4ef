//! `/configs`: addressed by slug, versioned on every update, answers in the spec's envelopes.

mod common;

use common::{api, start};
use portkey_mock::MockHandle;
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

#[test]
fn create_update_versions_delete() {
    let mock = start();
    let created = ok(
        &mock,
        "POST",
        "/v1/configs",
        Some(
            json!({"name": "Pplx Cache Test", "config": {"retry": {"attempts": 3}}, "isDefault": 1,
                    "workspace_id": "ws-1"}),
        ),
    );
    assert_eq!(created["success"], true);
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let first_version = created["data"]["version_id"].as_str().unwrap().to_owned();

    let list = ok(&mock, "GET", "/v1/configs", None);
    assert_eq!(list["success"], true);
    let summary = &list["data"][0];
    assert_eq!(summary["id"], id.as_str());
    assert!(
        summary.get("config").is_none(),
        "list shows no settings: {summary}"
    );
    let slug = summary["slug"].as_str().unwrap().to_owned();
    let tail = slug.strip_prefix("pc-pplx-c-").expect(&slug);
    assert_eq!(tail.len(), 6, "{slug}");
    assert_eq!(summary["is_default"], 1);
    assert_eq!(summary["status"], "active");
    assert_eq!(
        ok(&mock, "GET", "/v1/configs?workspace_id=ws-1", None)["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/configs?workspace_id=ws-2", None)["data"],
        json!([])
    );

    let target = format!("/v1/configs/{slug}");
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["success"], true);
    assert_eq!(got["data"]["config"], json!({"retry": {"attempts": 3}}));
    assert_eq!(got["data"]["name"], "Pplx Cache Test");

    // An update makes a new version; the config is replaced whole.
    let updated = ok(
        &mock,
        "PUT",
        &target,
        Some(
            json!({"name": "Renamed", "config": {"virtual_key": "vk-1", "cache": {"mode": "simple"}}}),
        ),
    );
    assert_eq!(updated["success"], true);
    let second_version = updated["data"]["version_id"].as_str().unwrap().to_owned();
    assert_ne!(second_version, first_version);
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["data"]["name"], "Renamed");
    assert_eq!(
        got["data"]["config"],
        json!({"virtual_key": "vk-1", "cache": {"mode": "simple"}})
    );

    let versions = ok(&mock, "GET", &format!("{target}/versions"), None);
    assert_eq!(
        (versions["object"].clone(), versions["total"].clone()),
        (json!("list"), json!(2))
    );
    let data = versions["data"].as_array().unwrap();
    assert_eq!(data[0]["version_id"], first_version.as_str());
    assert_eq!(data[1]["version_id"], second_version.as_str());
    assert_eq!(data[0]["name"], "Pplx Cache Test");
    assert_eq!(data[1]["name"], "Renamed");
    // The spec lists a version's config serialized.
    let settings: Value = serde_json::from_str(data[0]["config"].as_str().unwrap()).unwrap();
    assert_eq!(settings, json!({"retry": {"attempts": 3}}));
    assert_eq!(data[0]["object"], "config");

    // Delete by slug; versions go with it.
    assert_eq!(ok(&mock, "DELETE", &target, None), json!({}));
    for (method, path) in [
        ("GET", target.clone()),
        ("GET", format!("{target}/versions")),
        ("DELETE", target.clone()),
    ] {
        let response = api(&mock, method, &path, None);
        assert_eq!(
            (response.status, response.message()),
            (404, "Config not found".to_owned()),
            "{method} {path}"
        );
    }
}

#[test]
fn configs_are_found_by_id_too_and_validated() {
    let mock = start();
    let id = ok(
        &mock,
        "POST",
        "/v1/configs",
        Some(json!({"name": "c", "config": {}})),
    )["data"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ok(&mock, "GET", &format!("/v1/configs/{id}"), None)["data"]["id"],
        id.as_str()
    );
    let response = api(
        &mock,
        "POST",
        "/v1/configs",
        Some(json!({"name": "c", "config": "retry"})),
    );
    assert_eq!(
        (response.status, response.message()),
        (
            400,
            "\"config\" must be an object (got \"retry\")".to_owned()
        )
    );
    let response = api(
        &mock,
        "PUT",
        &format!("/v1/configs/{id}"),
        Some(json!({"status": 1})),
    );
    assert_eq!(
        (response.status, response.message()),
        (400, "\"status\" must be a string (got 1)".to_owned())
    );
    let versions = ok(&mock, "GET", &format!("/v1/configs/{id}/versions"), None);
    assert_eq!(versions["total"], 1, "a rejected update makes no version");
}
