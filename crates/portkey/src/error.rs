//! One error type for every failure, carrying what the Python and Node layers need to build
//! their exception classes (status, body, request id, headers) without re-parsing anything.

use std::fmt;

/// Response headers as (lower-case name, value) pairs: the cheapest shape to hand across the FFI.
pub type Headers = Vec<(String, String)>;

/// Headers as one text, a `name: value` line each: what the bindings hand to their language,
/// which splits it only when the caller asks for headers (one string made per answer, where
/// pairs cost two strings and a tuple a header). Names never hold `:`, values never a newline.
pub fn header_lines(headers: &[(String, String)]) -> String {
    let mut out = String::with_capacity(headers.iter().map(|(k, v)| k.len() + v.len() + 3).sum());
    for (k, v) in headers {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    }
    out
}

/// Everything that can go wrong with a call.
#[derive(Debug, Clone)]
pub enum Error {
    /// The caller's input is wrong; nothing was sent. `param` names the offending parameter
    /// (dotted for nested body fields, e.g. `usage_limits.credit_limit`).
    InvalidParam { param: String, message: String },
    /// The client cannot be built (no API key), or a request could not be put on the wire;
    /// nothing was sent.
    Config { message: String },
    /// The server answered with a non-2xx status.
    Status(Box<StatusError>),
    /// The request could not be completed (refused, reset, dropped mid-answer).
    Connection { message: String },
    /// No complete answer within the timeout.
    Timeout { message: String },
    /// The server answered 2xx with a body that is not what the operation promises: not
    /// UTF-8, not JSON, nested more than 127 deep, or not a JSON object.
    Decode {
        message: String,
        status: u16,
        body: String,
    },
    /// A job a helper waited on (`logs.exports.wait`) ended in a failed state; `body` is its
    /// final object (JSON text), as the last poll answered it.
    JobFailed { message: String, body: String },
}

/// A non-2xx answer, kept whole.
#[derive(Debug, Clone)]
pub struct StatusError {
    pub status: u16,
    /// The server's own message when it gave one (`data.message`, `error.message` or `message`).
    pub message: String,
    /// The raw body as text (it may not be JSON).
    pub body: String,
    pub request_id: Option<String>,
    pub headers: Headers,
}

impl Error {
    pub(crate) fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidParam {
            param: param.into(),
            message: message.into(),
        }
    }

    /// The name of the exception class this error becomes in Python and Node (and in the
    /// shared scenarios), decided here once so the languages cannot drift apart.
    pub fn class_name(&self) -> &'static str {
        match self {
            Error::InvalidParam { .. } => "InvalidParameterError",
            Error::Config { .. } => "PortkeyError",
            Error::Connection { .. } => "APIConnectionError",
            Error::Timeout { .. } => "APITimeoutError",
            Error::Decode { .. } => "APIResponseValidationError",
            Error::JobFailed { .. } => "JobFailedError",
            Error::Status(e) => match e.status {
                400 => "BadRequestError",
                401 => "AuthenticationError",
                403 => "PermissionDeniedError",
                404 => "NotFoundError",
                409 => "ConflictError",
                422 => "UnprocessableEntityError",
                429 => "RateLimitError",
                500..=599 => "InternalServerError",
                _ => "APIStatusError",
            },
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl StatusError {
    pub(crate) fn new(status: u16, headers: Headers, body: &[u8]) -> Self {
        let body = String::from_utf8_lossy(body).into_owned();
        let request_id = headers
            .iter()
            .find(|(k, _)| k == "x-request-id" || k == "x-portkey-request-id")
            .map(|(_, v)| v.clone());
        let message = server_message(&body).unwrap_or_else(|| default_reason(status).to_string());
        StatusError {
            status,
            message,
            body,
            request_id,
            headers,
        }
    }
}

/// The control plane answers `{"success":false,"data":{"message":..}}`; the gateway answers
/// `{"error":{"message":..}}`. Accept both, and a bare `{"message":..}`.
fn server_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    ["/data/message", "/error/message", "/message", "/error"]
        .into_iter()
        .find_map(|p| value.pointer(p)?.as_str().map(str::to_owned))
}

fn default_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500..=599 => "Server Error",
        _ => "Unexpected status",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidParam { message, .. } => f.write_str(message),
            Error::Config { message } => f.write_str(message),
            Error::Status(e) => {
                write!(f, "Error code: {} - {}", e.status, e.message)?;
                if let Some(id) = &e.request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Connection { message } => write!(f, "Connection error: {message}"),
            Error::Timeout { message } => write!(f, "Request timed out: {message}"),
            Error::Decode { message, .. } => write!(f, "Invalid response body: {message}"),
            Error::JobFailed { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_error_reads_control_plane_message_and_request_id() {
        let headers = vec![("x-request-id".to_string(), "req-1".to_string())];
        let e = StatusError::new(
            404,
            headers,
            br#"{"success":false,"data":{"message":"API key not found"}}"#,
        );
        assert_eq!(e.message, "API key not found");
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        let shown = Error::Status(Box::new(e)).to_string();
        assert_eq!(
            shown,
            "Error code: 404 - API key not found (request id req-1)"
        );
    }

    #[test]
    fn status_error_survives_deep_invalid_and_odd_bodies() {
        let deep: Vec<u8> = std::iter::repeat_n(b'[', 100_000)
            .chain(std::iter::repeat_n(b']', 100_000))
            .collect();
        let e = StatusError::new(404, vec![], &deep);
        assert_eq!(e.message, "Not Found");
        assert_eq!(e.body.len(), 200_000);
        let e = StatusError::new(404, vec![], b"{\"message\":\"caf\xff\"}");
        assert_eq!(e.message, "caf\u{fffd}");
        assert_eq!(Error::Status(Box::new(e)).class_name(), "NotFoundError");
        let e = StatusError::new(500, vec![], b"{\"message\": 42}");
        assert_eq!(e.message, "Server Error");
    }

    #[test]
    fn statuses_outside_the_known_ranges_are_plain_status_errors() {
        for (status, class) in [
            (500, "InternalServerError"),
            (599, "InternalServerError"),
            (600, "APIStatusError"),
            (999, "APIStatusError"),
            (302, "APIStatusError"),
        ] {
            let e = Error::Status(Box::new(StatusError::new(status, vec![], b"")));
            assert_eq!(e.class_name(), class, "{status}");
        }
    }

    #[test]
    fn status_error_falls_back_to_reason_for_non_json() {
        let e = StatusError::new(502, vec![], b"<html>bad gateway</html>");
        assert_eq!(e.message, "Server Error");
        assert_eq!(e.body, "<html>bad gateway</html>");
    }
}
