mod common;

use common::{add_fault, admin, api, api_key_total, send, start, API_KEY};
use serde_json::json;
use std::time::{Duration, Instant};

const CREATE: &str = "/v1/api-keys/organisation/service";

fn create_body() -> String {
    json!({"name": "k", "scopes": []}).to_string()
}

fn try_create(mock: &portkey_mock::MockHandle) -> std::io::Result<common::Response> {
    send(
        mock,
        "POST",
        CREATE,
        &[("x-portkey-api-key", API_KEY)],
        Some(&create_body()),
    )
}

#[test]
fn status_fault_n_times_with_retry_after_then_success() {
    let mock = start();
    let queued = add_fault(
        &mock,
        json!({"method": "POST", "path_prefix": "/v1/api-keys", "times": 2, "status": 503, "retry_after": "0"}),
    );
    assert_eq!(queued["queued"], 1);
    assert!(queued["id"].is_string());
    // Not matching: other method.
    assert_eq!(api(&mock, "GET", "/v1/api-keys", None).status, 200);
    for _ in 0..2 {
        let response = try_create(&mock).unwrap();
        assert_eq!(response.status, 503);
        assert_eq!(response.header("retry-after"), Some("0"));
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert!(response.header("x-request-id").is_some());
        assert_eq!(response.message(), "injected fault");
    }
    assert_eq!(try_create(&mock).unwrap().status, 200);
    assert_eq!(api_key_total(&mock), 1, "faulted requests change nothing");
    assert_eq!(admin(&mock, "GET", "/__mock/requests", None)["count"], 5);
}

#[test]
fn status_fault_with_custom_body_and_queue_order() {
    let mock = start();
    add_fault(
        &mock,
        json!({"status": 429, "body": {"error": "slow down"}}),
    );
    let queued = add_fault(&mock, json!({"status": 500}));
    assert_eq!(queued["queued"], 2);
    let listed = admin(&mock, "GET", "/__mock/faults", None);
    assert_eq!(listed["count"], 2);
    assert_eq!(listed["faults"][0]["spec"]["status"], 429);
    let first = api(&mock, "GET", "/v1/virtual-keys", None);
    assert_eq!(
        (first.status, first.json()),
        (429, json!({"error": "slow down"}))
    );
    assert!(first.header("retry-after").is_none());
    assert_eq!(api(&mock, "GET", "/v1/virtual-keys", None).status, 500);
    assert_eq!(api(&mock, "GET", "/v1/virtual-keys", None).status, 200);
}

#[test]
fn faults_apply_before_authentication_but_never_to_admin_routes() {
    let mock = start();
    add_fault(&mock, json!({"status": 502, "times": 3}));
    assert_eq!(
        send(&mock, "GET", "/v1/api-keys", &[], None)
            .unwrap()
            .status,
        502
    );
    assert_eq!(
        admin(&mock, "GET", "/__mock/faults", None)["faults"][0]["remaining"],
        2
    );
    assert_eq!(admin(&mock, "DELETE", "/__mock/faults", None)["cleared"], 1);
    assert_eq!(api(&mock, "GET", "/v1/api-keys", None).status, 200);
}

#[test]
fn delay_fault_answers_normally_after_the_delay() {
    let mock = start();
    add_fault(
        &mock,
        json!({"path_prefix": "/v1/api-keys", "delay_ms": 400}),
    );
    let started = Instant::now();
    let response = try_create(&mock).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(response.status, 200);
    let started = Instant::now();
    assert_eq!(try_create(&mock).unwrap().status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "one use only"
    );
    assert_eq!(api_key_total(&mock), 2);
}

#[test]
fn drop_before_read_closes_without_processing() {
    let mock = start();
    add_fault(&mock, json!({"method": "POST", "drop": "before_read"}));
    assert!(
        try_create(&mock).is_err(),
        "connection should close without a response"
    );
    assert_eq!(api_key_total(&mock), 0);
    assert_eq!(try_create(&mock).unwrap().status, 200);
    assert_eq!(api_key_total(&mock), 1);
}

#[test]
fn drop_after_read_processes_then_closes() {
    let mock = start();
    add_fault(
        &mock,
        json!({"method": "POST", "path_prefix": CREATE, "drop": "after_read"}),
    );
    assert!(
        try_create(&mock).is_err(),
        "connection should close without a response"
    );
    assert_eq!(
        api_key_total(&mock),
        1,
        "the request took effect exactly once"
    );
}

#[test]
fn malformed_fault_sends_truncated_json() {
    let mock = start();
    add_fault(&mock, json!({"malformed": true}));
    let response = api(&mock, "GET", "/v1/api-keys", None);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&response.body).is_err());
}

#[test]
fn invalid_faults_are_rejected() {
    let mock = start();
    for body in [
        json!({}),
        json!({"status": 503, "drop": "after_read"}),
        json!({"drop": "whenever"}),
        json!({"status": 42}),
        json!({"status": 500, "times": 0}),
        json!({"status": 500, "tims": 2}),
    ] {
        let response = send(
            &mock,
            "POST",
            "/__mock/faults",
            &[],
            Some(&body.to_string()),
        )
        .unwrap();
        assert_eq!(response.status, 400, "{body}");
        response.message();
    }
    assert_eq!(admin(&mock, "GET", "/__mock/faults", None)["count"], 0);
    let response = send(&mock, "PUT", "/__mock/faults", &[], None).unwrap();
    assert_eq!(response.status, 405);
    assert_eq!(
        send(&mock, "GET", "/__mock/nothing", &[], None)
            .unwrap()
            .status,
        404
    );
}
