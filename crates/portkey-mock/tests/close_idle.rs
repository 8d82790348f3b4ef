//! `POST /__mock/close-idle`: closes the keep-alive connections that sit between requests,
//! with a FIN the client reads as end of file, and leaves those with a request in flight
//! alone. The request log numbers the connection that carried each request.

mod common;

use common::{add_fault, admin, request_on, send, start};
use portkey_mock::MockHandle;
use serde_json::{json, Value};
use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A keep-alive connection that has had one request answered, so it is idle.
fn idle_connection(mock: &MockHandle) -> TcpStream {
    let mut stream = TcpStream::connect(mock.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let response = request_on(&mut stream, "GET", "/v1/api-keys", None).unwrap();
    assert_eq!(response.status, 200);
    stream
}

fn close_idle(mock: &MockHandle) -> u64 {
    admin(mock, "POST", "/__mock/close-idle", None)["closed"]
        .as_u64()
        .expect("closed is a count")
}

fn logged(mock: &MockHandle) -> Vec<Value> {
    admin(mock, "GET", "/__mock/requests", None)["requests"]
        .as_array()
        .unwrap()
        .clone()
}

/// Reads the end of file the server's close leaves on `stream`, which must come at once
/// (the answer to close-idle is only sent once the sockets are closed) and be a clean
/// FIN, not a reset.
fn assert_closed_with_fin(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 16];
    match stream.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("unexpected bytes {:?}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => panic!("expected end of file, got {e}"),
    }
}

#[test]
fn idle_keep_alive_connections_are_closed_with_a_fin() {
    let mock = start();
    let mut first = idle_connection(&mock);
    let mut second = idle_connection(&mock);
    assert_eq!(close_idle(&mock), 2);
    assert_closed_with_fin(&mut first);
    assert_closed_with_fin(&mut second);
    // Nothing left to close; the server still takes new connections.
    assert_eq!(close_idle(&mock), 0);
    let mut third = idle_connection(&mock);
    assert_eq!(
        request_on(&mut third, "GET", "/v1/api-keys", None)
            .unwrap()
            .status,
        200
    );
}

#[test]
fn a_connection_with_a_request_in_flight_is_left_alone() {
    let mock = start();
    add_fault(&mock, json!({"method": "GET", "delay_ms": 600}));
    let mut busy = TcpStream::connect(mock.addr).unwrap();
    busy.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let in_flight = std::thread::spawn(move || {
        let response = request_on(&mut busy, "GET", "/v1/api-keys", None);
        (busy, response)
    });
    // The request is logged when its head arrives, i.e. once the connection is busy.
    let until = Instant::now() + Duration::from_secs(5);
    while logged(&mock).is_empty() {
        assert!(Instant::now() < until, "the delayed request never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(close_idle(&mock), 0);
    let (mut busy, response) = in_flight.join().unwrap();
    assert_eq!(response.unwrap().status, 200);
    // Still open, and now idle: the next close-idle takes it.
    assert_eq!(
        request_on(&mut busy, "GET", "/v1/api-keys", None)
            .unwrap()
            .status,
        200
    );
    assert_eq!(close_idle(&mock), 1);
    assert_closed_with_fin(&mut busy);
}

#[test]
fn a_request_on_a_closed_connection_is_never_processed() {
    let mock = start();
    let mut stream = idle_connection(&mock);
    assert_eq!(close_idle(&mock), 1);
    let body = json!({"name": "k", "scopes": []}).to_string();
    let late = request_on(
        &mut stream,
        "POST",
        "/v1/api-keys/organisation/service",
        Some(&body),
    );
    let error = late.err().expect("the connection is closed");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::BrokenPipe
                | ErrorKind::ConnectionAborted
        ),
        "{error}"
    );
    let posts = logged(&mock)
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 0);
}

#[test]
fn the_request_log_numbers_connections() {
    let mock = start();
    let mut stream = idle_connection(&mock);
    request_on(&mut stream, "GET", "/v1/api-keys", None).unwrap();
    let other = send(
        &mock,
        "GET",
        "/v1/api-keys",
        &[("x-portkey-api-key", common::API_KEY)],
        None,
    )
    .unwrap();
    assert_eq!(other.status, 200);
    let ids: Vec<u64> = logged(&mock)
        .iter()
        .map(|r| r["connection"].as_u64().expect("connection is a number"))
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0], ids[1], "one keep-alive connection");
    assert!(
        ids[2] > ids[1],
        "a later connection has a higher number: {ids:?}"
    );
}

#[test]
fn only_post_is_allowed() {
    let mock = start();
    let response = send(&mock, "GET", "/__mock/close-idle", &[], None).unwrap();
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("POST"));
}
