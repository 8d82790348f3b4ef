//! Server-sent events answers: their framing, the stream faults, pacing, the request log's
//! `stream` record and its client_closed detection. They use the mock's test route
//! `POST /__mock/sse` (logged, and subject to faults like an API route), so they do not depend
//! on any operation's hook.

mod common;

use common::{add_fault, admin, send, start, start_with_options};
use portkey_mock::{MockHandle, ServerOptions};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A raw streamed exchange: the request is sent, the answer read as it comes.
struct Streamed {
    stream: TcpStream,
    raw: Vec<u8>,
    /// The connection ended (EOF or reset).
    ended: bool,
}

impl Streamed {
    fn open(mock: &MockHandle, body: Value) -> Streamed {
        let mut stream = TcpStream::connect(mock.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let body = body.to_string();
        let head = format!(
            "POST /__mock/sse HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        Streamed {
            stream,
            raw: Vec::new(),
            ended: false,
        }
    }

    /// Reads what arrives for up to `wait`; stops early at the connection's end.
    fn read_for(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut chunk = [0u8; 8192];
        while !self.ended && Instant::now() < until {
            match self.stream.read(&mut chunk) {
                Ok(0) => self.ended = true,
                Ok(n) => self.raw.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => self.ended = true,
            }
        }
    }

    /// Reads until `needle` is in the decoded body, for up to 5 s.
    fn read_until(&mut self, needle: &str) {
        let until = Instant::now() + Duration::from_secs(5);
        while !self.text().contains(needle) {
            assert!(
                Instant::now() < until && !self.ended,
                "{needle:?} never came: {:?}",
                self.text()
            );
            self.read_for(Duration::from_millis(20));
        }
    }

    /// Reads to the connection's end (at most 10 s).
    fn read_to_end(&mut self) {
        let until = Instant::now() + Duration::from_secs(10);
        while !self.ended {
            assert!(Instant::now() < until, "the answer never ended");
            self.read_for(Duration::from_millis(100));
        }
    }

    fn head(&self) -> String {
        let end = self
            .raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        String::from_utf8_lossy(&self.raw[..end]).to_ascii_lowercase()
    }

    /// The chunked body decoded so far, and whether its final (empty) chunk came.
    fn body(&self) -> (Vec<u8>, bool) {
        let Some(end) = self.raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            return (Vec::new(), false);
        };
        let mut rest = &self.raw[end + 4..];
        let mut body = Vec::new();
        loop {
            let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
                return (body, false);
            };
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                return (body, true);
            }
            let start = line_end + 2;
            if rest.len() < start + size + 2 {
                body.extend_from_slice(&rest[start..]);
                return (body, false);
            }
            body.extend_from_slice(&rest[start..start + size]);
            rest = &rest[start + size + 2..];
        }
    }

    fn text(&self) -> String {
        String::from_utf8(self.body().0).unwrap()
    }

    /// The `data:` of each complete event.
    fn data(&self) -> Vec<String> {
        self.text()
            .split("\n\n")
            .filter(|e| !e.is_empty())
            .filter_map(|e| {
                e.lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .map(str::to_owned)
            })
            .collect()
    }
}

/// The last logged request, once `done` holds for it (polled for up to 3 s).
fn last_request(mock: &MockHandle, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(3);
    loop {
        let log = admin(mock, "GET", "/__mock/requests", None);
        let last = log["requests"].as_array().unwrap().last().cloned().unwrap();
        if done(&last) || Instant::now() > until {
            return last;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stream_log(mock: &MockHandle, done: impl Fn(&Value) -> bool) -> Value {
    last_request(mock, |r| done(&r["stream"]))["stream"].clone()
}

#[test]
fn a_stream_is_events_then_done_and_is_logged() {
    let mock = start();
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_to_end();
    let head = s.head();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert!(head.contains("x-request-id:"), "{head}");
    let (_, complete) = s.body();
    assert!(complete);
    let data = s.data();
    assert_eq!(data.len(), 4, "{data:?}");
    for (i, d) in data[..3].iter().enumerate() {
        let chunk: Value = serde_json::from_str(d).unwrap();
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["choices"][0]["delta"]["content"], format!("word{i} "));
    }
    assert_eq!(data[3], "[DONE]");
    let log = stream_log(&mock, |s| s["finished"] == true);
    assert_eq!(
        log,
        json!({"events_sent": 3, "finished": true, "client_closed": false})
    );
    let entry = last_request(&mock, |_| true);
    assert_eq!(entry["path"], "/__mock/sse");
    assert_eq!(entry["body"], json!({"count": 3}));
}

#[test]
fn given_events_are_sent_as_they_are() {
    let mock = start();
    let events = json!([{"a": "caf\u{e9} \u{1f600}"}, [1, 2], "text", null]);
    let mut s = Streamed::open(&mock, json!({"events": events}));
    s.read_to_end();
    let got: Vec<Value> = s.data()[..4]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(Value::Array(got), events);
}

#[test]
fn cut_after_closes_the_connection_mid_body() {
    let mock = start();
    add_fault(
        &mock,
        json!({"path_prefix": "/__mock/sse", "stream": {"cut_after": 1}}),
    );
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_to_end();
    let (_, complete) = s.body();
    assert!(!complete, "a cut body has no final chunk");
    assert_eq!(s.data().len(), 1);
    assert!(!s.text().contains("[DONE]"));
    let log = stream_log(&mock, |s| s["events_sent"] == 1);
    assert_eq!(
        log,
        json!({"events_sent": 1, "finished": false, "client_closed": false})
    );
    // The fault is used up: the next stream is whole.
    let mut s = Streamed::open(&mock, json!({"count": 2}));
    s.read_to_end();
    assert_eq!(s.data().len(), 3);
}

#[test]
fn cut_after_zero_sends_only_the_head() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"cut_after": 0}}));
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_to_end();
    assert!(s.head().starts_with("http/1.1 200"));
    assert_eq!(s.body(), (Vec::new(), false));
}

#[test]
fn malformed_after_breaks_one_event() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"malformed_after": 1}}));
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_to_end();
    let data = s.data();
    assert_eq!(data.len(), 4, "{data:?}");
    assert!(serde_json::from_str::<Value>(&data[0]).is_ok());
    assert!(
        serde_json::from_str::<Value>(&data[1]).is_err(),
        "{}",
        data[1]
    );
    assert!(serde_json::from_str::<Value>(&data[2]).is_ok());
    assert_eq!(data[3], "[DONE]");
}

#[test]
fn error_after_ends_with_an_error_event() {
    let mock = start();
    add_fault(
        &mock,
        json!({"stream": {"error_after": 2, "message": "model overloaded", "status": 529}}),
    );
    let mut s = Streamed::open(&mock, json!({"count": 5}));
    s.read_to_end();
    let (_, complete) = s.body();
    assert!(complete, "an error event ends the body cleanly");
    let text = s.text();
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(events.len(), 3, "{text}");
    let last = events[2];
    assert!(last.starts_with("event: error\ndata: "), "{last}");
    let data: Value = serde_json::from_str(last.split_once("data: ").unwrap().1).unwrap();
    assert_eq!(data["error"]["message"], "model overloaded");
    assert_eq!(data["status"], 529);
    assert!(!text.contains("[DONE]"));
    let log = stream_log(&mock, |s| s["finished"] == true);
    assert_eq!(log["events_sent"], 2);
    // Defaults: status 500 and a message.
    add_fault(&mock, json!({"stream": {"error_after": 0}}));
    let mut s = Streamed::open(&mock, json!({"count": 5}));
    s.read_to_end();
    assert!(s.text().contains("\"status\":500"), "{}", s.text());
    assert!(s.text().contains("injected stream error"), "{}", s.text());
}

#[test]
fn stall_after_pauses_between_events() {
    let mock = start();
    add_fault(
        &mock,
        json!({"stream": {"stall_after": 1, "stall_ms": 400}}),
    );
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_until("word0");
    let first = Instant::now();
    s.read_until("word1");
    let gap = first.elapsed();
    assert!(gap >= Duration::from_millis(300), "{gap:?}");
    s.read_to_end();
    assert_eq!(s.data().len(), 4);
}

#[test]
fn pace_ms_spaces_every_event() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"pace_ms": 60}}));
    let started = Instant::now();
    let mut s = Streamed::open(&mock, json!({"count": 4}));
    s.read_to_end();
    // Four events and [DONE], each after 60 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(s.data().len(), 5);
}

#[test]
fn a_client_that_goes_away_is_noticed() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"pace_ms": 100}}));
    let mut s = Streamed::open(&mock, json!({"count": 50}));
    s.read_until("word0");
    drop(s);
    let log = stream_log(&mock, |s| s["client_closed"] == true);
    assert_eq!(log["client_closed"], true, "{log}");
    assert_eq!(log["finished"], false, "{log}");
    assert!(log["events_sent"].as_u64().unwrap() <= 2, "{log}");
}

#[test]
fn a_client_that_goes_away_during_a_stall_is_noticed() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"stall_after": 1}}));
    let mut s = Streamed::open(&mock, json!({"count": 3}));
    s.read_until("word0");
    drop(s);
    let log = stream_log(&mock, |s| s["client_closed"] == true);
    assert_eq!(
        log,
        json!({"events_sent": 1, "finished": false, "client_closed": true})
    );
}

#[test]
fn a_long_stream_outlasts_the_idle_timeout() {
    let mock = start_with_options(ServerOptions {
        header_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
    });
    add_fault(
        &mock,
        json!({"stream": {"stall_after": 1, "stall_ms": 800}}),
    );
    let mut s = Streamed::open(&mock, json!({"count": 2}));
    s.read_to_end();
    assert!(s.body().1, "the stream ended normally");
    assert_eq!(s.data().len(), 3);
}

#[test]
fn stream_faults_wait_for_a_stream_and_ordinary_faults_come_first() {
    let mock = start();
    add_fault(&mock, json!({"stream": {"cut_after": 0}}));
    add_fault(&mock, json!({"path_prefix": "/__mock/sse", "status": 503}));
    // An ordinary answer passes the stream fault by.
    let listed = send(
        &mock,
        "GET",
        "/v1/api-keys",
        &[("x-portkey-api-key", "pk-x")],
        None,
    )
    .unwrap();
    assert_eq!(listed.status, 200);
    // The status fault answers instead of a stream.
    let mut s = Streamed::open(&mock, json!({"count": 1}));
    s.read_to_end();
    assert!(s.head().starts_with("http/1.1 503"), "{}", s.head());
    // Then the stream fault applies to the stream.
    let mut s = Streamed::open(&mock, json!({"count": 1}));
    s.read_to_end();
    assert_eq!(s.body(), (Vec::new(), false));
    assert_eq!(admin(&mock, "GET", "/__mock/faults", None)["count"], 0);
}

#[test]
fn bad_stream_faults_are_refused() {
    let mock = start();
    for bad in [
        json!({"stream": {}}),
        json!({"stream": {"cut_after": 1, "stall_after": 1}}),
        json!({"stream": {"stall_ms": 10}}),
        json!({"stream": {"message": "m", "cut_after": 1}}),
        json!({"stream": {"cut_after": "1"}}),
        json!({"stream": {"unknown": 1}}),
        json!({"stream": {"pace_ms": 5}, "delay_ms": 5}),
    ] {
        let response = send(&mock, "POST", "/__mock/faults", &[], Some(&bad.to_string())).unwrap();
        assert_eq!(response.status, 400, "{bad}");
    }
}
