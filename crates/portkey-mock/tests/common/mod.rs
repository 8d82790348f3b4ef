//! A deliberately tiny HTTP/1.1 client over std's TcpStream: tests need to see dropped
//! connections and send raw, still-encoded paths, which full clients would hide.
#![allow(dead_code)] // Each test binary uses a different subset.

use portkey_mock::{spawn_background, spawn_background_with, Fixtures, MockHandle, ServerOptions};
use serde_json::Value;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub const API_KEY: &str = "pk-test-123";

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The message of the error envelope, after checking the envelope's shape.
    pub fn message(&self) -> String {
        let body = self.json();
        assert_eq!(body["success"], false, "{body}");
        body["data"]["message"]
            .as_str()
            .expect("message")
            .to_owned()
    }
}

pub fn start() -> MockHandle {
    spawn_background(None)
}

pub fn start_with(fixtures: Fixtures) -> MockHandle {
    spawn_background(Some(fixtures))
}

pub fn start_with_options(options: ServerOptions) -> MockHandle {
    spawn_background_with(None, options)
}

/// One request on a fresh connection. `Err` means the server closed or reset the
/// connection without a complete response.
pub fn send(
    mock: &MockHandle,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> io::Result<Response> {
    let raw = send_raw(mock, method, target, headers, body)?;
    parse(&raw).ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no complete response"))
}

/// Like [`send`], but the response exactly as it came off the wire.
pub fn send_raw(
    mock: &MockHandle,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(mock.addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut all_headers = vec![("connection", "close")];
    all_headers.extend_from_slice(headers);
    write_request(&mut stream, method, target, &all_headers, body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(raw)
}

fn write_request(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> io::Result<()> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: x\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.unwrap_or_default().as_bytes())
}

/// An authenticated request on an open keep-alive connection, reading exactly one
/// response (which must have a `content-length`) and leaving the connection open.
pub fn request_on(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    body: Option<&str>,
) -> io::Result<Response> {
    write_request(
        stream,
        method,
        target,
        &[("x-portkey-api-key", API_KEY)],
        body,
    )?;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length: usize = head
                .split("\r\n")
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| io::Error::other("response without content-length"))?;
            if raw.len() >= end + 4 + length {
                raw.truncate(end + 4 + length);
                return parse(&raw).ok_or_else(|| io::Error::other("unparsable response"));
            }
        }
        match stream.read(&mut chunk)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => raw.extend_from_slice(&chunk[..n]),
        }
    }
}

pub fn parse(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if length.is_some_and(|l| l != body.len()) {
        return None;
    }
    Some(Response {
        status,
        headers,
        body,
    })
}

/// An authenticated API request that must get a response.
pub fn api(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> Response {
    let body = body.map(|b| b.to_string());
    send(
        mock,
        method,
        target,
        &[("x-portkey-api-key", API_KEY)],
        body.as_deref(),
    )
    .unwrap_or_else(|e| panic!("{method} {target}: {e}"))
}

/// An admin request (no API key) that must succeed.
pub fn admin(mock: &MockHandle, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string());
    let response = send(mock, method, path, &[], body.as_deref())
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    assert_eq!(
        response.status,
        200,
        "{method} {path}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

pub fn add_fault(mock: &MockHandle, fault: Value) -> Value {
    admin(mock, "POST", "/__mock/faults", Some(fault))
}

/// Creates a service API key and returns the create response.
pub fn create_api_key(mock: &MockHandle, name: &str) -> Value {
    let response = api(
        mock,
        "POST",
        "/v1/api-keys/organisation/service",
        Some(serde_json::json!({ "name": name, "scopes": ["completions.write"] })),
    );
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

pub fn api_key_total(mock: &MockHandle) -> u64 {
    api(mock, "GET", "/v1/api-keys", None).json()["total"]
        .as_u64()
        .expect("total")
}
