//! What a `status` fault answers with: extra headers and a body. They imitate a hostile
//! or broken server (absurd `Retry-After` values, bodies that are not a JSON object,
//! invalid UTF-8, very deep nesting), so they go out as verbatim as HTTP allows.

use super::{base64, FaultSpec};
use crate::errors::{error_body, ApiError};
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue, RETRY_AFTER};
use hyper::HeaderMap;
use serde_json::Value;

/// The deepest `nested_depth`: 2 MB of brackets, enough to overflow any recursive parser.
pub const MAX_NESTED_DEPTH: u64 = 1_000_000;

/// Headers that frame the HTTP message. A wrong value there would not be a hostile
/// answer but an unreadable stream, which `drop` and `malformed` already cover.
const FRAMING_HEADERS: &[&str] = &["content-length", "transfer-encoding"];

/// `retry_after` and `headers`, as response headers.
pub(super) fn headers(spec: &FaultSpec) -> Result<HeaderMap, ApiError> {
    let mut headers = HeaderMap::new();
    if let Some(value) = &spec.retry_after {
        headers.insert(RETRY_AFTER, retry_after(value)?);
    }
    let Some(extra) = &spec.headers else {
        return Ok(headers);
    };
    let extra = extra.as_object().ok_or_else(|| {
        ApiError::bad_request(format!(
            "\"headers\" must be an object of header names to string values (got {extra})"
        ))
    })?;
    for (name, value) in extra {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            ApiError::bad_request(format!("\"headers\": {name:?} is not a valid header name"))
        })?;
        if FRAMING_HEADERS.contains(&header.as_str()) {
            return Err(ApiError::bad_request(format!(
                "\"headers\": {name:?} cannot be injected; it frames the response"
            )));
        }
        if header == RETRY_AFTER && spec.retry_after.is_some() {
            return Err(ApiError::bad_request(format!(
                "\"headers\": {name:?} and \"retry_after\" both set Retry-After; use one"
            )));
        }
        let text = value.as_str().ok_or_else(|| {
            ApiError::bad_request(format!(
                "\"headers\": {name:?} must have a string value (got {value})"
            ))
        })?;
        // `from_bytes` rather than `from_str`: non-ASCII (obs-text) is allowed through,
        // only control characters such as CR and LF are refused.
        let value = HeaderValue::from_bytes(text.as_bytes()).map_err(|_| {
            ApiError::bad_request(format!(
                "\"headers\": {name:?} has an invalid value {text:?} (no control characters)"
            ))
        })?;
        // `append`: names differing only in case ("Retry-After", "retry-after") both go out.
        headers.append(header, value);
    }
    Ok(headers)
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

/// The body: at most one of `body`, `raw_body`, `raw_body_base64`, `nested_depth`;
/// the standard error body if none.
pub(super) fn body(spec: &FaultSpec) -> Result<Bytes, ApiError> {
    let given: Vec<&str> = [
        ("body", spec.body.is_some()),
        ("raw_body", spec.raw_body.is_some()),
        ("raw_body_base64", spec.raw_body_base64.is_some()),
        ("nested_depth", spec.nested_depth.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    if given.len() > 1 {
        return Err(ApiError::bad_request(format!(
            "a fault takes at most one of \"body\", \"raw_body\", \"raw_body_base64\" and \"nested_depth\" (got {})",
            given.join(", ")
        )));
    }
    if let Some(value) = &spec.body {
        return Ok(Bytes::from(value.to_string()));
    }
    if let Some(raw) = &spec.raw_body {
        let text = raw.as_str().ok_or_else(|| {
            ApiError::bad_request(format!("\"raw_body\" must be a string (got {raw})"))
        })?;
        return Ok(Bytes::from(text.to_owned()));
    }
    if let Some(encoded) = &spec.raw_body_base64 {
        let bytes = encoded
            .as_str()
            .ok_or_else(|| "it is not a string".to_owned())
            .and_then(base64::decode)
            .map_err(|why| {
                ApiError::bad_request(format!(
                    "\"raw_body_base64\" must be standard base64 ({why})"
                ))
            })?;
        return Ok(Bytes::from(bytes));
    }
    if let Some(depth) = &spec.nested_depth {
        return nested(depth);
    }
    Ok(Bytes::from(error_body("injected fault").to_string()))
}

/// `[[[...]]]`, `depth` brackets deep.
fn nested(depth: &Value) -> Result<Bytes, ApiError> {
    let n = depth
        .as_u64()
        .filter(|n| (1..=MAX_NESTED_DEPTH).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "\"nested_depth\" must be an integer from 1 to {MAX_NESTED_DEPTH} (got {depth})"
            ))
        })? as usize;
    let mut body = vec![b'['; 2 * n];
    body[n..].fill(b']');
    Ok(Bytes::from(body))
}
