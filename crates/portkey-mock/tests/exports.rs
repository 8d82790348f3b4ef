//! `/logs/exports`: draft -> in_progress -> success over the export delay, cancel -> stopped,
//! and a download URL the mock serves with the filtered logs as JSON Lines.

mod common;

use common::{api, send, start, start_with};
use portkey_mock::{Fixtures, MockHandle};
use serde_json::{json, Value};
use std::time::Duration;

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

fn refused(mock: &MockHandle, method: &str, target: &str, status: u16) -> String {
    let response = api(mock, method, target, None);
    assert_eq!(
        response.status,
        status,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

/// A mock holding 30 logs (fixtures): models alternate gpt-4o / claude, every third failed,
/// day `1 + i % 3` of March, cost `i` cents.
fn seeded() -> MockHandle {
    let logs: Vec<Value> = (0..30)
        .map(|i| {
            let (provider, model) = if i % 2 == 0 {
                ("openai", "gpt-4o")
            } else {
                ("anthropic", "claude-3-5-haiku-20241022")
            };
            json!({
                "id": format!("log-{i:02}"),
                "created_at": format!("2026-03-0{}T10:00:00Z", 1 + i % 3),
                "cost": i,
                "request": {"url": "https://x", "headers": {"x-portkey-provider": provider},
                    "body": {"model": model}},
                "response": {"status": if i % 3 == 0 { 500 } else { 200 }, "body": {},
                    "response_time": 100 + i},
                "metadata": {"team": if i < 10 { "red" } else { "blue" }, "trace_id": format!("tr-{i}")},
            })
        })
        .collect();
    start_with(Fixtures {
        logs,
        ..Fixtures::default()
    })
}

fn status(mock: &MockHandle, id: &str) -> String {
    ok(mock, "GET", &format!("/v1/logs/exports/{id}"), None)["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_export_runs_and_its_file_holds_the_filtered_logs() {
    let mock = seeded();
    let filters = json!({
        "ai_org_model": "openai__gpt-4o",
        "status_code": "200",
        "cost_min": 4,
        "time_of_generation_min": "2026-03-02T00:00:00Z",
    });
    let created = ok(
        &mock,
        "POST",
        "/v1/logs/exports",
        Some(
            json!({"filters": filters, "requested_data": ["id", "cost", "ai_model", "response_status_code"],
            "description": "march", "workspace_id": "ws-1"}),
        ),
    );
    assert_eq!(created["object"], "export");
    let id = created["id"].as_str().unwrap().to_owned();
    // Even i, i % 3 != 0, i >= 4, day 2 or 3 (i % 3 is 1 or 2): 4, 8, 10, 14, 16, 20, 22, 26, 28.
    let expected: Vec<String> = [4, 8, 10, 14, 16, 20, 22, 26, 28]
        .iter()
        .map(|i| format!("log-{i:02}"))
        .collect();
    assert_eq!(created["total"], expected.len());

    let export = ok(&mock, "GET", &format!("/v1/logs/exports/{id}"), None);
    assert_eq!(export["status"], "draft");
    assert_eq!(export["description"], "march");
    assert_eq!(export["workspace_id"], "ws-1");
    assert_eq!(export["filters"], filters);

    let started = ok(&mock, "POST", &format!("/v1/logs/exports/{id}/start"), None);
    assert_eq!(started["object"], "export");
    assert_eq!(status(&mock, &id), "in_progress");
    let message = refused(
        &mock,
        "GET",
        &format!("/v1/logs/exports/{id}/download"),
        400,
    );
    assert!(message.contains("in_progress"), "{message}");
    refused(&mock, "POST", &format!("/v1/logs/exports/{id}/start"), 400);

    std::thread::sleep(Duration::from_millis(650));
    assert_eq!(status(&mock, &id), "success");
    let url = ok(
        &mock,
        "GET",
        &format!("/v1/logs/exports/{id}/download"),
        None,
    )["signed_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = url.strip_prefix("http://x").expect(&url);
    assert_eq!(path, format!("/__mock/exports/{id}.jsonl"));

    // No API key needed, like a signed URL.
    let file = send(&mock, "GET", path, &[], None).unwrap();
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("application/x-ndjson"));
    let rows: Vec<Value> = String::from_utf8(file.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    for row in &rows {
        assert_eq!(row.as_object().unwrap().len(), 4, "{row}");
        assert_eq!(row["ai_model"], "gpt-4o");
        assert_eq!(row["response_status_code"], 200);
        assert!(row["cost"].as_f64().unwrap() >= 4.0);
    }
    // Finished: no more changes.
    refused(&mock, "POST", &format!("/v1/logs/exports/{id}/cancel"), 400);
    let response = api(
        &mock,
        "PUT",
        &format!("/v1/logs/exports/{id}"),
        Some(json!({"filters": {}})),
    );
    assert_eq!(response.status, 400);
    assert_eq!(
        send(&mock, "GET", "/__mock/exports/nope.jsonl", &[], None)
            .unwrap()
            .status,
        404
    );
}

#[test]
fn a_cancelled_export_is_stopped_and_has_no_file() {
    let mock = seeded();
    let id = ok(
        &mock,
        "POST",
        "/v1/logs/exports",
        Some(json!({"filters": {"metadata": {"team": "red"}}, "requested_data": []})),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A draft's filters can change.
    let updated = ok(
        &mock,
        "PUT",
        &format!("/v1/logs/exports/{id}"),
        Some(json!({"filters": {"metadata": {"team": "blue"}}})),
    );
    assert_eq!(updated["total"], 20);
    ok(&mock, "POST", &format!("/v1/logs/exports/{id}/start"), None);
    let cancelled = ok(
        &mock,
        "POST",
        &format!("/v1/logs/exports/{id}/cancel"),
        None,
    );
    assert_eq!(cancelled["object"], "export");
    std::thread::sleep(Duration::from_millis(650));
    assert_eq!(status(&mock, &id), "stopped");
    refused(
        &mock,
        "GET",
        &format!("/v1/logs/exports/{id}/download"),
        400,
    );
    refused(&mock, "POST", &format!("/v1/logs/exports/{id}/cancel"), 400);
    assert_eq!(
        send(
            &mock,
            "GET",
            &format!("/__mock/exports/{id}.jsonl"),
            &[],
            None
        )
        .unwrap()
        .status,
        404
    );
    refused(&mock, "GET", "/v1/logs/exports/nope", 404);
}

#[test]
fn exports_are_listed_by_workspace() {
    let mock = start();
    for workspace in ["ws-a", "ws-b", "ws-a"] {
        ok(
            &mock,
            "POST",
            "/v1/logs/exports",
            Some(json!({"filters": {}, "requested_data": ["id"], "workspace_id": workspace})),
        );
    }
    let all = ok(&mock, "GET", "/v1/logs/exports", None);
    assert_eq!(all["object"], "list");
    assert_eq!(all["total"], 3);
    let some = ok(&mock, "GET", "/v1/logs/exports?workspace_id=ws-a", None);
    assert_eq!(some["total"], 2);
    assert!(some["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["workspace_id"] == "ws-a"));
}
