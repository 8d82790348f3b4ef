//! `Client::stream` over the real transport against the mock's test stream route
//! (`POST /__mock/sse`, which answers `count` chat-completion chunks and takes the mock's
//! stream faults): the end of a stream, a consumer that stops early, backpressure, the idle
//! deadline, and which failures are retried.

mod common;

use std::time::{Duration, Instant};

use common::Mock;
use futures::StreamExt;
use portkey::operation::{Base, Method, Operation};
use portkey::{Error, EventStream, RequestOptions};
use serde_json::{json, Value};

/// The test route as an operation: every parameter passes into the body.
fn test_route() -> &'static Operation {
    let base = portkey::ops::find("api_keys.list").expect("an operation to copy");
    Box::leak(Box::new(Operation {
        name: "test.sse",
        method: Method::Post,
        path: "/__mock/sse",
        params: &[],
        rules: &[],
        extra_body: true,
        base: Base::Origin,
        stream: Some("stream"),
        ..*base
    }))
}

async fn open(mock: &Mock, params: Value, options: &RequestOptions) -> Result<EventStream, Error> {
    mock.client()
        .stream(test_route(), params.as_object().unwrap().clone(), options)
        .await
}

fn timeout(ms: u64) -> RequestOptions {
    RequestOptions {
        timeout: Some(Duration::from_millis(ms)),
        ..Default::default()
    }
}

/// The last logged request's `stream` record, once `done` holds (polled for up to 3 s).
async fn stream_log(mock: &Mock, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(3);
    loop {
        let log = mock.requests().await;
        let last = log["requests"].as_array().unwrap().last().unwrap()["stream"].clone();
        if done(&last) || Instant::now() > until {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_stream_read_to_its_end() {
    let mock = Mock::start();
    let mut events = open(&mock, json!({"count": 5}), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.header("x-request-id").is_some());
    let mut content = String::new();
    while let Some(event) = events.next_event().await {
        let chunk: Value = serde_json::from_str(&event.unwrap().data).unwrap();
        content.push_str(chunk["choices"][0]["delta"]["content"].as_str().unwrap());
    }
    assert_eq!(content, "word0 word1 word2 word3 word4 ");
    let log = stream_log(&mock, |s| s["finished"] == true).await;
    assert_eq!(
        log,
        json!({"events_sent": 5, "finished": true, "client_closed": false})
    );
    // The stream parameter went out as true.
    let requests = mock.requests().await;
    assert_eq!(requests["requests"][0]["body"]["stream"], true);
}

#[tokio::test]
async fn the_stream_trait() {
    let mock = Mock::start();
    let events = open(&mock, json!({"count": 3}), &RequestOptions::default())
        .await
        .unwrap();
    let all: Vec<_> = events.collect().await;
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(Result::is_ok));
}

#[tokio::test]
async fn dropping_a_stream_closes_the_connection() {
    let mock = Mock::start();
    mock.fault(&json!({"stream": {"pace_ms": 50}})).await;
    let mut events = open(&mock, json!({"count": 100}), &RequestOptions::default())
        .await
        .unwrap();
    assert!(events.next_event().await.unwrap().is_ok());
    drop(events);
    let log = stream_log(&mock, |s| s["client_closed"] == true).await;
    assert_eq!(log["client_closed"], true, "{log}");
    assert_eq!(log["finished"], false, "{log}");
}

#[tokio::test]
async fn close_closes_the_connection() {
    let mock = Mock::start();
    mock.fault(&json!({"stream": {"pace_ms": 50}})).await;
    let mut events = open(&mock, json!({"count": 100}), &RequestOptions::default())
        .await
        .unwrap();
    assert!(events.next_event().await.unwrap().is_ok());
    events.close();
    events.close();
    assert!(events.next_event().await.is_none());
    let log = stream_log(&mock, |s| s["client_closed"] == true).await;
    assert_eq!(log["client_closed"], true, "{log}");
}

#[tokio::test]
async fn a_slow_consumer_holds_the_server_back() {
    let mock = Mock::start();
    let count = 200_000;
    let mut events = open(&mock, json!({"count": count}), &timeout(30_000))
        .await
        .unwrap();
    assert!(events.next_event().await.unwrap().is_ok());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = stream_log(&mock, |_| true).await;
    let sent = log["events_sent"].as_u64().unwrap();
    assert_eq!(log["finished"], false, "{log}");
    assert!(sent < count, "{log}");
    // Reading on drains it all.
    let mut read = 1;
    while let Some(event) = events.next_event().await {
        event.unwrap();
        read += 1;
    }
    assert_eq!(read, count);
}

#[tokio::test]
async fn a_stall_between_events_is_a_timeout() {
    let mock = Mock::start();
    mock.fault(&json!({"stream": {"stall_after": 2, "stall_ms": 5_000}}))
        .await;
    let mut events = open(&mock, json!({"count": 5}), &timeout(300))
        .await
        .unwrap();
    for _ in 0..2 {
        assert!(events.next_event().await.unwrap().is_ok());
    }
    let started = Instant::now();
    let err = events.next_event().await.unwrap().unwrap_err();
    assert_eq!(err.class_name(), "APITimeoutError", "{err:?}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(280) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert!(events.next_event().await.is_none());
    let log = stream_log(&mock, |s| s["client_closed"] == true).await;
    assert_eq!(log["client_closed"], true, "{log}");
}

#[tokio::test]
async fn slow_events_within_the_timeout_are_fine() {
    let mock = Mock::start();
    // 5 events 150 ms apart: 750 ms in all, over the 400 ms timeout, each gap under it.
    mock.fault(&json!({"stream": {"pace_ms": 150}})).await;
    let events = open(&mock, json!({"count": 5}), &timeout(400))
        .await
        .unwrap();
    let all: Vec<_> = events.collect().await;
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(Result::is_ok), "{all:?}");
}

#[tokio::test]
async fn a_cut_stream_is_a_connection_error_and_is_not_retried() {
    let mock = Mock::start();
    mock.fault(&json!({"stream": {"cut_after": 1}})).await;
    let before = mock.request_count().await;
    let mut events = open(&mock, json!({"count": 5}), &RequestOptions::default())
        .await
        .unwrap();
    assert!(events.next_event().await.unwrap().is_ok());
    let err = events.next_event().await.unwrap().unwrap_err();
    assert_eq!(err.class_name(), "APIConnectionError", "{err:?}");
    assert!(events.next_event().await.is_none());
    assert_eq!(mock.request_count().await - before, 1);
}

#[tokio::test]
async fn malformed_and_error_events() {
    let mock = Mock::start();
    mock.fault(&json!({"stream": {"malformed_after": 1}})).await;
    let mut events = open(&mock, json!({"count": 5}), &RequestOptions::default())
        .await
        .unwrap();
    assert!(events.next_event().await.unwrap().is_ok());
    let err = events.next_event().await.unwrap().unwrap_err();
    assert_eq!(err.class_name(), "APIResponseValidationError", "{err:?}");

    mock.fault(&json!({"stream": {"error_after": 2, "message": "overloaded"}}))
        .await;
    let mut events = open(&mock, json!({"count": 5}), &RequestOptions::default())
        .await
        .unwrap();
    for _ in 0..2 {
        assert!(events.next_event().await.unwrap().is_ok());
    }
    let err = events.next_event().await.unwrap().unwrap_err();
    assert_eq!(err.class_name(), "InternalServerError", "{err:?}");
    assert_eq!(err.status(), Some(500));
    assert!(err.to_string().contains("overloaded"), "{err}");
    assert!(events.next_event().await.is_none());
}

#[tokio::test]
async fn errors_before_the_stream_starts_are_retried() {
    let mock = Mock::start();
    mock.fault(&json!({"path_prefix": "/__mock/sse", "status": 503, "retry_after": "0"}))
        .await;
    mock.fault(&json!({"path_prefix": "/__mock/sse", "drop": "before_read"}))
        .await;
    let before = mock.request_count().await;
    let events = open(&mock, json!({"count": 2}), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(events.collect::<Vec<_>>().await.len(), 2);
    assert_eq!(mock.request_count().await - before, 3);
    // Retries exhausted: the status error, as for `call`.
    mock.fault(
        &json!({"path_prefix": "/__mock/sse", "status": 503, "retry_after": "0", "times": 3}),
    )
    .await;
    let options = RequestOptions {
        max_retries: Some(2),
        ..Default::default()
    };
    let err = open(&mock, json!({"count": 2}), &options)
        .await
        .unwrap_err();
    assert_eq!(err.class_name(), "InternalServerError");
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn a_success_that_is_not_a_stream_is_a_validation_error() {
    let mock = Mock::start();
    mock.fault(&json!({"path_prefix": "/__mock/sse", "status": 200, "body": {"id": "x"}}))
        .await;
    let err = open(&mock, json!({"count": 2}), &RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.class_name(), "APIResponseValidationError");
    match err {
        Error::Decode { message, body, .. } => {
            assert!(message.contains("application/json"), "{message}");
            assert_eq!(body, r#"{"id":"x"}"#);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_head_is_a_timeout() {
    let mock = Mock::start();
    mock.fault(&json!({"path_prefix": "/__mock/sse", "delay_ms": 2_000}))
        .await;
    let options = RequestOptions {
        timeout: Some(Duration::from_millis(200)),
        max_retries: Some(0),
        ..Default::default()
    };
    let started = Instant::now();
    let err = open(&mock, json!({"count": 2}), &options)
        .await
        .unwrap_err();
    assert_eq!(err.class_name(), "APITimeoutError");
    assert!(started.elapsed() < Duration::from_secs(1));
}
