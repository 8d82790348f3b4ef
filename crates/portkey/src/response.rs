//! A successful answer, kept raw: the bindings hand the bytes to their own (fast) JSON parsers,
//! and Rust callers decode into typed models.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{Error, Headers, Result};

/// A 2xx answer whose body is known to be valid JSON.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Bytes,
}

impl RawResponse {
    /// Decodes the body into `T`. Models keep unknown fields, so this fails only when a
    /// known field has an impossible type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            message: e.to_string(),
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
            .or_else(|| self.header("x-portkey-request-id"))
    }
}
