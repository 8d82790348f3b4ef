//! `/logs` and `/feedback`: inserted logs are normalised and retrievable in the spec's
//! `LogObject` shape, fixtures and `--demo-data` preload them, feedback attaches to traces.

mod common;

use common::{admin, api, start, start_with};
use portkey_mock::{Fixtures, MockHandle};
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

fn refused(mock: &MockHandle, method: &str, target: &str, body: Value, status: u16) -> String {
    let response = api(mock, method, target, Some(body));
    assert_eq!(
        response.status,
        status,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

/// The docs' log, with usage and Portkey headers.
fn log(model: &str, status: u64, trace: &str) -> Value {
    json!({
        "request": {
            "url": "https://api.openai.com/v1/chat/completions",
            "method": "POST",
            "headers": {"Content-Type": "application/json", "x-portkey-virtual-key": "vk-main"},
            "body": {"model": model, "messages": [{"role": "user", "content": "What is AI?"}]},
        },
        "response": {
            "status": status,
            "headers": {"x-portkey-cache-status": "MISS"},
            "body": {"usage": {"prompt_tokens": 1000, "completion_tokens": 200}},
            "response_time": 420,
        },
        "metadata": {"_user": "ana", "trace_id": trace, "span_name": "llm"},
    })
}

/// How many stored logs an export with `filters` would hold.
fn count(mock: &MockHandle, filters: Value) -> u64 {
    let body = json!({"filters": filters, "requested_data": ["id"]});
    ok(mock, "POST", "/v1/logs/exports", Some(body))["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn one_log_is_stored_and_retrieved_as_a_log_object() {
    let mock = start();
    let created = ok(&mock, "POST", "/v1/logs", Some(log("gpt-4o", 200, "t-1")));
    assert_eq!(created["status"], "success");
    let ids = created["log_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 1);
    let id = ids[0].as_str().unwrap();

    let got = ok(&mock, "GET", &format!("/v1/logs/{id}"), None);
    assert_eq!(got["_id"], id);
    assert_eq!(
        got["request"]["url"],
        "https://api.openai.com/v1/chat/completions"
    );
    assert_eq!(
        got["request"]["portkeyHeaders"]["x-portkey-trace-id"],
        "t-1"
    );
    assert_eq!(got["response"]["status"], 200);
    assert_eq!(got["response"]["responseTime"], 420);
    let metrics = &got["metrics"];
    assert_eq!(metrics["ai_org"], "openai");
    assert_eq!(metrics["ai_model"], "gpt-4o");
    assert_eq!(metrics["total_units"], 1200);
    // The pricing table: 1000 × 0.00025 + 200 × 0.001 cents.
    assert_eq!(metrics["cost"], json!(0.45));
    assert_eq!(metrics["cache_status"], "MISS");
    assert_eq!(metrics["virtual_key"], "vk-main");
    assert!(got["created_at"].as_str().unwrap().ends_with('Z'));

    let missing = api(&mock, "GET", "/v1/logs/nope", None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.message(), "Log not found");
}

#[test]
fn an_array_inserts_many_all_or_nothing() {
    let mock = start();
    let many: Vec<Value> = (0..5)
        .map(|i| {
            log(
                "gpt-4o-mini",
                if i == 4 { 500 } else { 200 },
                &format!("t-{i}"),
            )
        })
        .collect();
    let created = ok(&mock, "POST", "/v1/logs", Some(Value::Array(many.clone())));
    assert_eq!(created["log_ids"].as_array().unwrap().len(), 5);
    assert_eq!(count(&mock, json!({})), 5);
    assert_eq!(count(&mock, json!({"status_code": "500"})), 1);

    let mut bad = many;
    bad[2] = json!({"response": {"body": {}}});
    let message = refused(&mock, "POST", "/v1/logs", Value::Array(bad), 400);
    assert!(message.contains("request"), "{message}");
    assert_eq!(
        count(&mock, json!({})),
        5,
        "nothing of a refused batch is stored"
    );
}

#[test]
fn the_mock_extensions_set_time_cost_and_id() {
    let mock = start();
    let mut entry = log("unknown-model", 200, "t-x");
    entry["created_at"] = json!("2026-03-01T12:00:00+01:00");
    entry["cost"] = json!(7.5);
    entry["id"] = json!("log-fixed");
    // Inside an array each log is kept as sent; a lone object's undeclared fields are
    // dropped by the engine like any unknown body field.
    ok(&mock, "POST", "/v1/logs", Some(json!([entry])));
    let got = ok(&mock, "GET", "/v1/logs/log-fixed", None);
    assert_eq!(got["created_at"], "2026-03-01T11:00:00Z");
    assert_eq!(got["metrics"]["cost"], json!(7.5));
}

#[test]
fn fixtures_and_demo_data_preload_logs_kept_across_resets() {
    let fixtures = Fixtures::from_json(
        &json!({"logs": [log("gpt-4o", 200, "fx-1")], "feedback": [{"trace_id": "fx-1", "value": 1}]})
            .to_string(),
    )
    .unwrap();
    let mock = start_with(fixtures);
    assert_eq!(count(&mock, json!({"trace_id": "fx-1"})), 1);

    let demo = start_with(Fixtures {
        demo_data: true,
        ..Fixtures::default()
    });
    let total = count(&demo, json!({}));
    assert!((2_000..5_000).contains(&total), "{total}");
    let errors = count(&demo, json!({"status_code": "429,500,503,400"}));
    assert!(errors > 0 && errors < total / 10, "{errors} of {total}");
    admin(&demo, "POST", "/__mock/reset", None);
    assert_eq!(count(&demo, json!({})), total);
}

#[test]
fn feedback_is_created_one_or_many_and_updated() {
    let mock = start();
    let one = ok(
        &mock,
        "POST",
        "/v1/feedback",
        Some(json!({"trace_id": "t-1", "value": 5, "weight": 0.5})),
    );
    assert_eq!(one["status"], "success");
    let id = one["feedback_ids"][0].as_str().unwrap().to_owned();

    let many = ok(
        &mock,
        "POST",
        "/v1/feedback",
        Some(json!([{"trace_id": "t-2", "value": 1}, {"trace_id": "t-3", "value": -1}])),
    );
    assert_eq!(many["feedback_ids"].as_array().unwrap().len(), 2);

    let updated = ok(
        &mock,
        "PUT",
        &format!("/v1/feedback/{id}"),
        Some(json!({"value": -3, "metadata": {"reason": "changed mind"}})),
    );
    assert_eq!(updated["feedback_ids"], json!([id]));

    let message = refused(
        &mock,
        "POST",
        "/v1/feedback",
        json!({"trace_id": "t", "value": 11}),
        400,
    );
    assert!(message.contains("value"), "{message}");
    let message = refused(
        &mock,
        "POST",
        "/v1/feedback",
        json!([{"trace_id": "t", "value": 1}, {"value": 1}]),
        400,
    );
    assert!(message.contains("trace_id"), "{message}");
    refused(&mock, "PUT", "/v1/feedback/nope", json!({"value": 1}), 404);
}
