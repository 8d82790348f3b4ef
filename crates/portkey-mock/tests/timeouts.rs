//! Defect 15: connections that send a request head slowly (slowloris), stall a body, or
//! sit idle between keep-alive requests must be closed, while ordinary keep-alive use
//! and slow injected answers (`delay_ms`) are not affected.

mod common;

use common::{add_fault, api_key_total, request_on, start_with_options};
use portkey_mock::{MockHandle, ServerOptions};
use serde_json::json;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const FOREVER_MS: u64 = 60_000;

fn mock(header_ms: u64, idle_ms: u64) -> MockHandle {
    start_with_options(ServerOptions {
        header_timeout: Duration::from_millis(header_ms),
        idle_timeout: Duration::from_millis(idle_ms),
    })
}

fn connect(mock: &MockHandle) -> TcpStream {
    let stream = TcpStream::connect(mock.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    stream
}

/// Waits for the server to close `stream`, calling `tick` about every 50 ms meanwhile;
/// how long that took, or `None` if it was still open after 5 s. The server sends
/// nothing before closing.
fn time_to_close(stream: &mut TcpStream, mut tick: impl FnMut(&mut TcpStream)) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 64];
    while started.elapsed() < Duration::from_secs(5) {
        match stream.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(n) => panic!("unexpected bytes {:?}", String::from_utf8_lossy(&buf[..n])),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                tick(stream)
            }
            // A reset is a close too.
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

fn assert_between(taken: Option<Duration>, low_ms: u64, high_ms: u64) {
    let taken = taken.expect("the connection should have been closed");
    assert!(
        taken >= Duration::from_millis(low_ms) && taken < Duration::from_millis(high_ms),
        "closed after {taken:?}, expected {low_ms}..{high_ms} ms"
    );
}

#[test]
fn default_limits() {
    let defaults = ServerOptions::default();
    assert_eq!(defaults.header_timeout, Duration::from_secs(10));
    assert_eq!(defaults.idle_timeout, Duration::from_secs(30));
}

#[test]
fn slowloris_request_head_is_closed_within_the_header_timeout() {
    let mock = mock(300, FOREVER_MS);
    let mut stream = connect(&mock);
    stream
        .write_all(b"GET /v1/api-keys HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    // One more header byte every 50 ms: progress, but never a complete head.
    let trickle =
        b"x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut sent = 0;
    let taken = time_to_close(&mut stream, |s| {
        let _ = s.write_all(&trickle[sent % trickle.len()..][..1]);
        sent += 1;
    });
    assert_between(taken, 250, 3_000);
}

#[test]
fn silent_new_connection_is_closed_within_the_header_timeout() {
    let mock = mock(300, FOREVER_MS);
    let mut stream = connect(&mock);
    assert_between(time_to_close(&mut stream, |_| {}), 250, 3_000);
}

#[test]
fn partial_second_request_on_a_keep_alive_connection_gets_the_header_timeout() {
    let mock = mock(300, FOREVER_MS);
    let mut stream = connect(&mock);
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(
        request_on(&mut stream, "GET", "/v1/api-keys", None)
            .unwrap()
            .status,
        200
    );
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    stream.write_all(b"GET /v1/api-keys HTTP/1.1\r\n").unwrap();
    assert_between(time_to_close(&mut stream, |_| {}), 250, 3_000);
}

#[test]
fn stalled_request_body_is_closed_within_the_header_timeout() {
    let mock = mock(300, FOREVER_MS);
    let mut stream = connect(&mock);
    stream
        .write_all(
            b"POST /v1/api-keys/organisation/service HTTP/1.1\r\nhost: x\r\n\
              x-portkey-api-key: k\r\ncontent-length: 40\r\n\r\n{\"name\"",
        )
        .unwrap();
    assert_between(time_to_close(&mut stream, |_| {}), 250, 3_000);
    assert_eq!(api_key_total(&mock), 0, "the stalled request had no effect");
}

#[test]
fn idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let mock = mock(FOREVER_MS, 400);
    let mut stream = connect(&mock);
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(
        request_on(&mut stream, "GET", "/v1/api-keys", None)
            .unwrap()
            .status,
        200
    );
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    // The server's idle clock started a moment before the answer reached us.
    assert_between(time_to_close(&mut stream, |_| {}), 300, 3_000);
}

#[test]
fn keep_alive_client_with_short_gaps_and_slow_answers_is_unaffected() {
    let mock = mock(300, 300);
    // Longer than both limits: time spent answering does not count against either.
    add_fault(&mock, json!({"method": "GET", "delay_ms": 800}));
    let mut stream = connect(&mock);
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let started = Instant::now();
    let delayed = request_on(&mut stream, "GET", "/v1/api-keys", None).unwrap();
    assert_eq!(delayed.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(800));
    let body = json!({"name": "k", "scopes": []}).to_string();
    // Ten requests 150 ms apart: 1.5 s on one connection, five times either limit.
    for i in 0..10 {
        std::thread::sleep(Duration::from_millis(150));
        let response = if i % 2 == 0 {
            request_on(&mut stream, "GET", "/v1/api-keys", None)
        } else {
            request_on(
                &mut stream,
                "POST",
                "/v1/api-keys/organisation/service",
                Some(&body),
            )
        };
        assert_eq!(
            response
                .unwrap_or_else(|e| panic!("request {i}: {e}"))
                .status,
            200
        );
    }
    assert_eq!(api_key_total(&mock), 5);
}
