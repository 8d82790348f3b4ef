//! Injected faults. Tests queue them through `POST /__mock/faults`; each API request
//! consumes one use of the first queued fault that matches its method and path, so a
//! test can script "fail twice, then succeed" without timing tricks.

use crate::errors::{error_body, ApiError, ApiResult};
use hyper::header::HeaderValue;
use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// The admin request body; exactly one of `status`, `delay_ms`, `drop`, `malformed`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    method: Option<String>,
    path_prefix: Option<String>,
    times: Option<u64>,
    status: Option<u16>,
    retry_after: Option<Value>,
    body: Option<Value>,
    delay_ms: Option<u64>,
    drop: Option<DropPoint>,
    malformed: Option<bool>,
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
    Respond {
        status: StatusCode,
        retry_after: Option<HeaderValue>,
        body: Value,
    },
    Delay(Duration),
    Drop(DropPoint),
    Malformed,
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
        ];
        if chosen.iter().filter(|&&c| c).count() != 1 {
            return Err(ApiError::bad_request(
                "a fault needs exactly one action: \"status\", \"delay_ms\", \"drop\" or \"malformed\": true",
            ));
        }
        if self.status.is_none() && (self.retry_after.is_some() || self.body.is_some()) {
            return Err(ApiError::bad_request(
                "\"retry_after\" and \"body\" only go with \"status\"",
            ));
        }
        if let Some(code) = self.status {
            return Ok(Action::Respond {
                status: status(code)?,
                retry_after: self.retry_after.as_ref().map(retry_after).transpose()?,
                body: self
                    .body
                    .clone()
                    .unwrap_or_else(|| error_body("injected fault")),
            });
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

fn retry_after(value: &Value) -> Result<HeaderValue, ApiError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => String::new(),
    };
    HeaderValue::from_str(&text)
        .ok()
        .filter(|_| !text.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "\"retry_after\" must be a non-empty header value such as \"0\" (got {value})"
            ))
        })
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

    /// Consumes one use of the first fault matching the request, if any.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Action> {
        let index = self.faults.iter().position(|f| f.matches(method, path))?;
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
}
