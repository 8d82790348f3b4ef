//! The single error shape of the mock. It is the spec's 401 body
//! (`{"success":false,"data":{"message":...}}`), used for every error so that clients
//! have exactly one format to parse.

use hyper::StatusCode;
use serde_json::{json, Value};

/// What a handler returns: a JSON body for a 200, or an error.
pub type ApiResult = Result<Value, ApiError>;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Methods the path accepts; sent as `Allow` on a 405.
    pub allow: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            allow: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unauthorised() -> Self {
        // Same spelling as the real API.
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorised Request")
    }

    pub fn no_route(method: &str, path: &str) -> Self {
        Self::not_found(format!("no route for {method} {path}"))
    }

    pub fn method_not_allowed(method: &str, path: &str, allow: String) -> Self {
        ApiError {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message: format!("method {method} is not allowed on {path} (allowed: {allow})"),
            allow: Some(allow),
        }
    }

    pub fn body(&self) -> Value {
        error_body(&self.message)
    }
}

pub fn error_body(message: &str) -> Value {
    json!({ "success": false, "data": { "message": message } })
}
