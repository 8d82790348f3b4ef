//! Injected faults. Tests queue them through `POST /__mock/faults`; each API request
//! consumes one use of the first queued fault that matches its method and path, so a
//! test can script "fail twice, then succeed" without timing tricks.

mod base64;
mod reply;

use crate::errors::{ApiError, ApiResult};
use hyper::body::Bytes;
use hyper::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// The admin request body; exactly one of `status`, `delay_ms`, `drop`, `malformed`, `stream`.
/// The answer fields of `status` are kept as raw JSON so that `reply` can name the field
/// in its messages (serde's own type errors do not).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    method: Option<String>,
    path_prefix: Option<String>,
    times: Option<u64>,
    status: Option<u16>,
    retry_after: Option<Value>,
    headers: Option<Value>,
    body: Option<Value>,
    raw_body: Option<Value>,
    raw_body_base64: Option<Value>,
    nested_depth: Option<Value>,
    delay_ms: Option<u64>,
    drop: Option<DropPoint>,
    malformed: Option<bool>,
    stream: Option<StreamFault>,
}

/// A fault applied to a server-sent events answer only (`{"stream": {...}}`); ordinary
/// answers pass it by, so it waits in the queue for the next streamed answer that matches.
/// Exactly one of `cut_after`, `stall_after`, `malformed_after`, `error_after`, optionally
/// with `pace_ms`; or `pace_ms` alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamFault {
    /// Close the connection after this many events, without `[DONE]` (nor the end of the
    /// chunked body: the client sees a cut connection).
    pub cut_after: Option<u64>,
    /// Pause `stall_ms` (default 60 s) after this many events, then go on.
    pub stall_after: Option<u64>,
    pub stall_ms: Option<u64>,
    /// Event number `malformed_after + 1`'s data is not JSON; the rest follow as usual.
    pub malformed_after: Option<u64>,
    /// After this many events, an `event: error` (`{"error": {"message", "type", "code"},
    /// "status"}`) ends the stream (no `[DONE]`).
    pub error_after: Option<u64>,
    /// The error event's message (default "injected stream error").
    pub message: Option<String>,
    /// The error event's `status` (default 500).
    pub status: Option<u16>,
    /// Sleep this long before each event.
    pub pace_ms: Option<u64>,
}

impl StreamFault {
    pub const DEFAULT_STALL_MS: u64 = 60_000;

    fn check(&self) -> Result<(), ApiError> {
        let chosen = [
            self.cut_after.is_some(),
            self.stall_after.is_some(),
            self.malformed_after.is_some(),
            self.error_after.is_some(),
        ];
        let count = chosen.iter().filter(|&&c| c).count();
        if count > 1 || (count == 0 && self.pace_ms.is_none()) {
            return Err(ApiError::bad_request(
                "a stream fault needs one of \"cut_after\", \"stall_after\", \"malformed_after\", \"error_after\" (optionally with \"pace_ms\"), or \"pace_ms\" alone",
            ));
        }
        if self.stall_ms.is_some() && self.stall_after.is_none() {
            return Err(ApiError::bad_request(
                "\"stall_ms\" only goes with \"stall_after\"",
            ));
        }
        if (self.message.is_some() || self.status.is_some()) && self.error_after.is_none() {
            return Err(ApiError::bad_request(
                "\"message\" and \"status\" only go with \"error_after\"",
            ));
        }
        if let Some(code) = self.status {
            status(code)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropPoint {
    /// Close the connection before the request is processed: nothing changes.
    BeforeRead,
    /// Process the request (state changes happen), then close without answering.
    AfterRead,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// Answer with exactly these (the server adds `content-type` and `x-request-id`
    /// unless `headers` already has them). `Bytes` clones share the buffer, so a large
    /// `nested_depth` body costs its size once however many times it is used.
    Respond {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Delay(Duration),
    Drop(DropPoint),
    Malformed,
    Stream(StreamFault),
}

#[derive(Debug)]
struct Fault {
    id: String,
    method: Option<String>,
    path_prefix: String,
    remaining: u64,
    action: Action,
    /// The body it was queued with, echoed by `GET /__mock/faults`.
    spec: Value,
}

#[derive(Debug, Default)]
pub struct FaultQueue {
    faults: VecDeque<Fault>,
    queued_ever: u64,
}

impl FaultSpec {
    fn action(&self) -> Result<Action, ApiError> {
        let chosen = [
            self.status.is_some(),
            self.delay_ms.is_some(),
            self.drop.is_some(),
            self.malformed == Some(true),
            self.stream.is_some(),
        ];
        if chosen.iter().filter(|&&c| c).count() != 1 {
            return Err(ApiError::bad_request(
                "a fault needs exactly one action: \"status\", \"delay_ms\", \"drop\", \"malformed\": true or \"stream\"",
            ));
        }
        let answer_fields = [
            ("retry_after", &self.retry_after),
            ("headers", &self.headers),
            ("body", &self.body),
            ("raw_body", &self.raw_body),
            ("raw_body_base64", &self.raw_body_base64),
            ("nested_depth", &self.nested_depth),
        ];
        if self.status.is_none() {
            if let Some((name, _)) = answer_fields.iter().find(|(_, v)| v.is_some()) {
                return Err(ApiError::bad_request(format!(
                    "\"{name}\" only goes with \"status\""
                )));
            }
        }
        if let Some(code) = self.status {
            return Ok(Action::Respond {
                status: status(code)?,
                headers: reply::headers(self)?,
                body: reply::body(self)?,
            });
        }
        if let Some(stream) = &self.stream {
            stream.check()?;
            return Ok(Action::Stream(stream.clone()));
        }
        Ok(match (self.delay_ms, self.drop) {
            (Some(ms), _) => Action::Delay(Duration::from_millis(ms)),
            (_, Some(point)) => Action::Drop(point),
            _ => Action::Malformed,
        })
    }
}

fn status(code: u16) -> Result<StatusCode, ApiError> {
    // 1xx cannot be a final response, so only 200..=599 makes sense here.
    match StatusCode::from_u16(code) {
        Ok(s) if (200..=599).contains(&code) => Ok(s),
        _ => Err(ApiError::bad_request(format!(
            "\"status\" must be between 200 and 599 (got {code})"
        ))),
    }
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

impl FaultQueue {
    /// Queues a fault from an admin request body; answers `{"id", "queued"}`.
    pub fn push(&mut self, body: &[u8]) -> ApiResult {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("fault body is not valid JSON: {e}")))?;
        let spec: FaultSpec = serde_json::from_value(raw.clone())
            .map_err(|e| ApiError::bad_request(format!("invalid fault: {e}")))?;
        let action = spec.action()?;
        let times = spec.times.unwrap_or(1);
        if times == 0 {
            return Err(ApiError::bad_request("\"times\" must be >= 1 (got 0)"));
        }
        self.queued_ever += 1;
        let id = format!("fault-{}", self.queued_ever);
        self.faults.push_back(Fault {
            id: id.clone(),
            method: spec.method,
            path_prefix: spec.path_prefix.unwrap_or_default(),
            remaining: times,
            action,
            spec: raw,
        });
        Ok(json!({ "id": id, "queued": self.faults.len() }))
    }

    /// Consumes one use of the first fault matching the request, if any; stream faults are
    /// passed by (see `take_stream`).
    pub fn take(&mut self, method: &str, path: &str) -> Option<Action> {
        self.take_where(method, path, |a| !matches!(a, Action::Stream(_)))
    }

    /// For a server-sent events answer: consumes one use of the first stream fault matching
    /// the request, if any.
    pub fn take_stream(&mut self, method: &str, path: &str) -> Option<StreamFault> {
        match self.take_where(method, path, |a| matches!(a, Action::Stream(_))) {
            Some(Action::Stream(fault)) => Some(fault),
            _ => None,
        }
    }

    fn take_where(
        &mut self,
        method: &str,
        path: &str,
        kind: impl Fn(&Action) -> bool,
    ) -> Option<Action> {
        let index = self
            .faults
            .iter()
            .position(|f| kind(&f.action) && f.matches(method, path))?;
        let fault = &mut self.faults[index];
        fault.remaining -= 1;
        let action = fault.action.clone();
        if fault.remaining == 0 {
            self.faults.remove(index);
        }
        Some(action)
    }

    /// Removes every queued fault; returns how many there were.
    pub fn clear(&mut self) -> usize {
        let count = self.faults.len();
        self.faults.clear();
        count
    }

    pub fn describe(&self) -> Value {
        let faults: Vec<Value> = self
            .faults
            .iter()
            .map(|f| json!({ "id": f.id, "remaining": f.remaining, "spec": f.spec }))
            .collect();
        json!({ "count": faults.len(), "faults": faults })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(specs: &[Value]) -> FaultQueue {
        let mut q = FaultQueue::default();
        for spec in specs {
            q.push(spec.to_string().as_bytes()).unwrap();
        }
        q
    }

    #[test]
    fn first_matching_fault_is_used_until_exhausted() {
        let mut q = queue(&[
            json!({"method": "POST", "path_prefix": "/v1/virtual-keys", "status": 500}),
            json!({"path_prefix": "/v1/api-keys", "times": 2, "drop": "before_read"}),
        ]);
        assert!(q.take("GET", "/v1/configs").is_none());
        assert!(matches!(
            q.take("get", "/v1/api-keys/x"),
            Some(Action::Drop(DropPoint::BeforeRead))
        ));
        assert!(q.take("GET", "/v1/virtual-keys").is_none());
        assert!(matches!(
            q.take("post", "/v1/virtual-keys"),
            Some(Action::Respond { .. })
        ));
        assert!(q.take("GET", "/v1/api-keys").is_some());
        assert!(q.take("GET", "/v1/api-keys").is_none());
    }

    #[test]
    fn rejects_bad_specs() {
        let mut q = FaultQueue::default();
        for bad in [
            json!({}),
            json!({"status": 503, "delay_ms": 5}),
            json!({"status": 99}),
            json!({"status": 503, "times": 0}),
            json!({"drop": "sometimes"}),
            json!({"delay_ms": 5, "retry_after": "1"}),
            json!({"status": 503, "retry_after": "bad\nvalue"}),
            json!({"status": 503, "colour": "red"}),
        ] {
            assert!(q.push(bad.to_string().as_bytes()).is_err(), "{bad}");
        }
        assert_eq!(q.clear(), 0);
    }

    #[test]
    fn stream_faults_wait_for_a_streamed_answer() {
        let mut q = queue(&[
            json!({"path_prefix": "/v1/prompts", "stream": {"cut_after": 2, "pace_ms": 5}}),
            json!({"path_prefix": "/v1/prompts", "status": 500}),
        ]);
        assert!(matches!(
            q.take("POST", "/v1/prompts/p/completions"),
            Some(Action::Respond { .. })
        ));
        assert!(q.take("POST", "/v1/prompts/p/completions").is_none());
        assert_eq!(q.take_stream("POST", "/v1/configs"), None);
        let fault = q.take_stream("POST", "/v1/prompts/p/completions").unwrap();
        assert_eq!((fault.cut_after, fault.pace_ms), (Some(2), Some(5)));
        assert_eq!(q.take_stream("POST", "/v1/prompts/p/completions"), None);
        for bad in [
            json!({"stream": {}}),
            json!({"stream": {"cut_after": 1, "error_after": 2}}),
            json!({"stream": {"stall_ms": 5}}),
            json!({"stream": {"cut_after": 1, "message": "m"}}),
            json!({"stream": {"error_after": 1, "status": 99}}),
            json!({"stream": {"cut_after": -1}}),
            json!({"stream": {"cut": 1}}),
            json!({"stream": {"cut_after": 1}, "status": 500}),
        ] {
            assert!(q.push(bad.to_string().as_bytes()).is_err(), "{bad}");
        }
    }

    /// The answer a single `status` fault gives, or the 400's message.
    fn respond(spec: Value) -> Result<(StatusCode, HeaderMap, Bytes), String> {
        let mut q = FaultQueue::default();
        q.push(spec.to_string().as_bytes()).map_err(|e| e.message)?;
        match q.take("GET", "/v1/x") {
            Some(Action::Respond {
                status,
                headers,
                body,
            }) => Ok((status, headers, body)),
            other => panic!("{spec}: {other:?}"),
        }
    }

    #[test]
    fn status_answer_fields_are_sent_verbatim() {
        let (status, headers, body) = respond(json!({
            "status": 503,
            "headers": {"Retry-After": "1e20", "retry-after-ms": "1e30", "x-odd": " caf\u{e9} ", "x-empty": ""},
        }))
        .unwrap();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers["retry-after"], "1e20");
        assert_eq!(headers["retry-after-ms"], "1e30");
        assert_eq!(headers["x-odd"].as_bytes(), " caf\u{e9} ".as_bytes());
        assert_eq!(headers["x-empty"], "");
        assert_eq!(body, error_body_bytes());

        let (_, headers, _) = respond(json!({"status": 429, "retry_after": 7})).unwrap();
        assert_eq!(headers["retry-after"], "7");

        for (spec, expected) in [
            (json!({"status": 200, "raw_body": "null"}), &b"null"[..]),
            (json!({"status": 200, "raw_body": "[1,2]"}), b"[1,2]"),
            (json!({"status": 200, "raw_body": "\"s\""}), b"\"s\""),
            (json!({"status": 200, "raw_body": ""}), b""),
            (json!({"status": 200, "body": [1, 2]}), b"[1,2]"),
            (
                json!({"status": 404, "raw_body_base64": "//4="}),
                &[0xff, 0xfe],
            ),
            (json!({"status": 200, "raw_body_base64": ""}), b""),
            (json!({"status": 200, "nested_depth": 1}), b"[]"),
            (json!({"status": 200, "nested_depth": 3}), b"[[[]]]"),
        ] {
            assert_eq!(respond(spec.clone()).unwrap().2, expected, "{spec}");
        }
        let deepest = respond(json!({"status": 200, "nested_depth": 1_000_000}))
            .unwrap()
            .2;
        assert_eq!(deepest.len(), 2_000_000);
        assert!(deepest[..1_000_000].iter().all(|&b| b == b'['));
        assert!(deepest[1_000_000..].iter().all(|&b| b == b']'));
    }

    fn error_body_bytes() -> Bytes {
        Bytes::from(crate::errors::error_body("injected fault").to_string())
    }

    #[test]
    fn status_answer_fields_are_checked() {
        for (spec, needle) in [
            (
                json!({"delay_ms": 1, "headers": {"a": "b"}}),
                "\"headers\" only goes with \"status\"",
            ),
            (
                json!({"delay_ms": 1, "raw_body": "x"}),
                "\"raw_body\" only goes with",
            ),
            (
                json!({"drop": "after_read", "nested_depth": 2}),
                "\"nested_depth\"",
            ),
            (
                json!({"malformed": true, "raw_body_base64": "AA=="}),
                "\"raw_body_base64\"",
            ),
            (
                json!({"status": 500, "headers": ["retry-after"]}),
                "\"headers\" must be an object",
            ),
            (
                json!({"status": 500, "headers": {"bad name": "x"}}),
                "\"bad name\"",
            ),
            (
                json!({"status": 500, "headers": {"": "x"}}),
                "\"\" is not a valid header name",
            ),
            (
                json!({"status": 500, "headers": {"x-a": "1\r\nx-b: 2"}}),
                "\"x-a\"",
            ),
            (
                json!({"status": 500, "headers": {"x-n": 5}}),
                "\"x-n\" must have a string value",
            ),
            (
                json!({"status": 500, "headers": {"Content-Length": "0"}}),
                "\"Content-Length\"",
            ),
            (
                json!({"status": 500, "headers": {"transfer-encoding": "chunked"}}),
                "frames",
            ),
            (
                json!({"status": 500, "retry_after": "1", "headers": {"Retry-After": "2"}}),
                "both set Retry-After",
            ),
            (
                json!({"status": 200, "body": {}, "raw_body": "x"}),
                "body, raw_body",
            ),
            (
                json!({"status": 200, "raw_body_base64": "AA==", "nested_depth": 2}),
                "at most one of",
            ),
            (
                json!({"status": 200, "raw_body": 5}),
                "\"raw_body\" must be a string",
            ),
            (
                json!({"status": 200, "raw_body_base64": "A"}),
                "\"raw_body_base64\" must be standard base64",
            ),
            (
                json!({"status": 200, "raw_body_base64": "a-b_"}),
                "invalid character '-'",
            ),
            (
                json!({"status": 200, "raw_body_base64": 12}),
                "not a string",
            ),
            (
                json!({"status": 200, "nested_depth": 0}),
                "from 1 to 1000000 (got 0)",
            ),
            (
                json!({"status": 200, "nested_depth": 1_000_001}),
                "(got 1000001)",
            ),
            (
                json!({"status": 200, "nested_depth": -1}),
                "\"nested_depth\"",
            ),
            (
                json!({"status": 200, "nested_depth": 2.5}),
                "\"nested_depth\"",
            ),
            (
                json!({"status": 200, "nested_depth": "3"}),
                "\"nested_depth\"",
            ),
        ] {
            let message = respond(spec.clone()).unwrap_err();
            assert!(message.contains(needle), "{spec}: {message}");
        }
    }
}
