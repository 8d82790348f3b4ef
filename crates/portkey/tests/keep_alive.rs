//! A pooled keep-alive connection that the server closed while it was idle never fails the
//! next call, GET or POST, even with retries off, and a POST is never sent twice. The mock
//! closes its idle connections on demand (`POST /__mock/close-idle`, which answers only
//! once they are closed), and its request log numbers the connection of each request.

mod common;

use common::Mock;
use portkey::{CreateApiKey, CreateApiKeySubType, CreateApiKeyType};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Enough rounds for a race between the close and the next call to show.
const ROUNDS: usize = 20;

/// How the test waits for the mock's control routes to answer.
#[derive(Clone, Copy)]
enum Wait {
    /// On the runtime, which meanwhile learns of the closes.
    Async,
    /// Blocking the thread, as a caller outside the runtime would (the bindings' callers
    /// do): on a current-thread runtime nothing polls the client's idle connections
    /// meanwhile, so the next call is the first to meet the close.
    Blocking,
}

/// A mock control route's answer, on a connection of its own that is closed after it (not a
/// pooled one, which close-idle would close under the test).
async fn control(mock: &Mock, wait: Wait, method: &str, route: &str) -> Value {
    let request = format!(
        "{method} /__mock/{route} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
         content-length: 0\r\n\r\n"
    );
    let mut raw = Vec::new();
    match wait {
        Wait::Async => {
            let mut stream = tokio::net::TcpStream::connect(mock.handle.addr)
                .await
                .unwrap();
            stream.write_all(request.as_bytes()).await.unwrap();
            stream.read_to_end(&mut raw).await.unwrap();
        }
        Wait::Blocking => {
            let mut stream = std::net::TcpStream::connect(mock.handle.addr).unwrap();
            std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
            std::io::Read::read_to_end(&mut stream, &mut raw).unwrap();
        }
    }
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
    serde_json::from_str(body).unwrap()
}

/// Asks the mock to close its idle connections; how many it closed.
async fn close_idle(mock: &Mock, wait: Wait) -> u64 {
    control(mock, wait, "POST", "close-idle").await["closed"]
        .as_u64()
        .expect("closed is a count")
}

/// The API requests the mock logged: (method, connection number).
async fn logged(mock: &Mock, wait: Wait) -> Vec<(String, u64)> {
    control(mock, wait, "GET", "requests").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_owned(),
                r["connection"].as_u64().expect("connection is a number"),
            )
        })
        .collect()
}

async fn survives_idle_closes(wait: Wait) {
    let mock = Mock::start();
    let client = mock.builder().max_retries(0).build().unwrap();
    let keys = client.api_keys();
    let key = |name: String| {
        CreateApiKey::new(
            CreateApiKeyType::Organisation,
            CreateApiKeySubType::Service,
            name,
            ["completions.write"],
        )
    };
    // Opens the pooled connection the first close finds.
    let id = keys.create(&key("first".into())).await.unwrap().id.unwrap();
    for round in 0..ROUNDS {
        let from = logged(&mock, wait).await.len();
        // Each close finds at least the client's connection from the call before.
        assert!(
            close_idle(&mock, wait).await >= 1,
            "round {round}: nothing closed"
        );
        let got = keys.retrieve(&id).await;
        assert!(got.is_ok(), "round {round}: GET failed: {got:?}");
        assert!(
            close_idle(&mock, wait).await >= 1,
            "round {round}: nothing closed"
        );
        let created = keys.create(&key(format!("key-{round}"))).await;
        assert!(created.is_ok(), "round {round}: POST failed: {created:?}");
        // The call before the round, then the round's own.
        let entries = &logged(&mock, wait).await[from - 1..];
        let methods: Vec<&str> = entries.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            methods,
            ["POST", "GET", "POST"],
            "round {round}: each sent once"
        );
        let connections: Vec<u64> = entries.iter().map(|(_, c)| *c).collect();
        assert!(
            connections.windows(2).all(|w| w[0] < w[1]),
            "round {round}: each call after a close on a new connection: {connections:?}"
        );
    }
    // One key per POST: none was created twice.
    let posts = logged(&mock, wait)
        .await
        .iter()
        .filter(|(m, _)| m == "POST")
        .count();
    assert_eq!(posts, ROUNDS + 1);
}

#[tokio::test]
async fn idle_closes_are_survived_when_nothing_polls_idle_connections() {
    survives_idle_closes(Wait::Blocking).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_closes_are_survived_on_a_multi_thread_runtime() {
    survives_idle_closes(Wait::Async).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_closes_are_survived_by_a_caller_blocking_between_calls() {
    survives_idle_closes(Wait::Blocking).await;
}
