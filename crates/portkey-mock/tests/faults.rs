mod common;

use common::{add_fault, admin, api, api_key_total, parse, send, send_raw, start, API_KEY};
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

/// A GET answered by the first queued fault, exactly as it came off the wire, and parsed.
fn faulted_get(mock: &portkey_mock::MockHandle) -> (Vec<u8>, common::Response) {
    let raw = send_raw(
        mock,
        "GET",
        "/v1/api-keys",
        &[("x-portkey-api-key", API_KEY)],
        None,
    )
    .unwrap();
    let response = parse(&raw).expect("a complete response");
    (raw, response)
}

fn head_of(raw: &[u8]) -> String {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    String::from_utf8(raw[..end + 2].to_vec()).unwrap()
}

#[test]
fn status_fault_headers_are_sent_verbatim() {
    let mock = start();
    add_fault(
        &mock,
        json!({"status": 503, "headers": {"Retry-After": "1e20", "retry-after-ms": "1e30"}}),
    );
    add_fault(
        &mock,
        json!({"status": 429, "headers": {"retry-after": "99999999999999999999999", "x-empty": ""}}),
    );
    let (raw, response) = faulted_get(&mock);
    assert_eq!(response.status, 503);
    let head = head_of(&raw);
    assert!(head.contains("\r\nretry-after: 1e20\r\n"), "{head}");
    assert!(head.contains("\r\nretry-after-ms: 1e30\r\n"), "{head}");
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("x-request-id").map(str::len), Some(36));
    assert_eq!(response.message(), "injected fault");

    let (raw, response) = faulted_get(&mock);
    assert_eq!(response.status, 429);
    let head = head_of(&raw);
    assert!(
        head.contains("\r\nretry-after: 99999999999999999999999\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nx-empty: \r\n"), "{head}");
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert!(response.header("x-request-id").is_some());
}

#[test]
fn status_fault_headers_may_replace_the_defaults() {
    let mock = start();
    add_fault(
        &mock,
        json!({"status": 502, "headers": {"content-type": "text/html", "x-request-id": "fixed"}, "raw_body": "<html>bad gateway</html>"}),
    );
    let (_, response) = faulted_get(&mock);
    assert_eq!(response.status, 502);
    assert_eq!(response.header("content-type"), Some("text/html"));
    assert_eq!(response.header("x-request-id"), Some("fixed"));
    assert_eq!(response.body, b"<html>bad gateway</html>");
}

#[test]
fn raw_body_faults_send_exactly_the_given_text() {
    let mock = start();
    for text in ["null", "[1,2]", "\"s\"", "42", "true", "", "{\"id\": "] {
        add_fault(&mock, json!({"status": 200, "raw_body": text}));
        let (raw, response) = faulted_get(&mock);
        assert_eq!(response.status, 200, "{text}");
        assert!(
            raw.ends_with(format!("\r\n\r\n{text}").as_bytes()),
            "{text}"
        );
        assert_eq!(response.body, text.as_bytes());
        assert_eq!(
            response.header("content-length"),
            Some(text.len().to_string().as_str())
        );
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert!(response.header("x-request-id").is_some());
    }
}

#[test]
fn raw_body_base64_fault_sends_invalid_utf8() {
    let mock = start();
    add_fault(
        &mock,
        json!({"status": 404, "raw_body_base64": "eyJpZCI6ImsiLCJuYW1lIjoi//4ifQ=="}),
    );
    let (raw, response) = faulted_get(&mock);
    let expected: &[u8] = b"{\"id\":\"k\",\"name\":\"\xff\xfe\"}";
    assert_eq!(response.status, 404);
    assert!(raw.ends_with(expected));
    assert_eq!(response.body, expected);
    assert!(std::str::from_utf8(&response.body).is_err());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert!(response.header("x-request-id").is_some());
}

#[test]
fn nested_depth_fault_sends_deeply_nested_brackets() {
    let mock = start();
    for depth in [1usize, 100_000, 1_000_000] {
        add_fault(
            &mock,
            json!({"status": 200, "nested_depth": depth, "times": 2}),
        );
        for _ in 0..2 {
            let (_, response) = faulted_get(&mock);
            assert_eq!(response.status, 200);
            assert_eq!(response.body.len(), 2 * depth);
            assert!(response.body[..depth].iter().all(|&b| b == b'['));
            assert!(response.body[depth..].iter().all(|&b| b == b']'));
            assert_eq!(response.header("content-type"), Some("application/json"));
            assert!(response.header("x-request-id").is_some());
        }
    }
    assert_eq!(api(&mock, "GET", "/v1/api-keys", None).status, 200);
}

#[test]
fn invalid_answer_fields_are_rejected_naming_the_field() {
    let mock = start();
    for (body, needle) in [
        (
            json!({"status": 503, "headers": {"bad header": "1"}}),
            "\"bad header\"",
        ),
        (
            json!({"status": 503, "headers": {"x-evil": "1\r\nset-cookie: a"}}),
            "\"x-evil\"",
        ),
        (
            json!({"status": 503, "headers": {"retry-after": 5}}),
            "\"retry-after\"",
        ),
        (
            json!({"status": 503, "headers": {"content-length": "0"}}),
            "\"content-length\"",
        ),
        (
            json!({"status": 503, "headers": "retry-after: 1"}),
            "\"headers\"",
        ),
        (json!({"delay_ms": 5, "raw_body": "x"}), "\"raw_body\""),
        (
            json!({"status": 200, "raw_body": "x", "nested_depth": 2}),
            "at most one of",
        ),
        (
            json!({"status": 200, "body": {}, "raw_body_base64": "AA=="}),
            "at most one of",
        ),
        (
            json!({"status": 200, "raw_body_base64": "not base64!"}),
            "\"raw_body_base64\"",
        ),
        (
            json!({"status": 200, "nested_depth": 0}),
            "\"nested_depth\"",
        ),
        (
            json!({"status": 200, "nested_depth": 1_000_001}),
            "\"nested_depth\"",
        ),
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
        let message = response.message();
        assert!(message.contains(needle), "{body}: {message}");
    }
    assert_eq!(admin(&mock, "GET", "/__mock/faults", None)["count"], 0);
}
