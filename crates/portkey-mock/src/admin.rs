//! `/__mock/...`: the control routes tests use to script faults, inspect the requests
//! the server received, close idle connections and reset it. They need no API key, are
//! not logged and are never subject to faults, so a test can always reach them.

use crate::errors::{ApiError, ApiResult};
use crate::hooks;
use crate::state::MockState;
use hyper::Method;
use serde_json::json;

pub fn is_admin_path(path: &str) -> bool {
    path == "/__mock" || path.starts_with("/__mock/")
}

/// `GET /__mock/exports/{id}.jsonl`: a finished log export's file, the URL that
/// `logs.exports.download` answers (like a signed URL, it needs no API key). `None` for any
/// other path.
pub fn export_file(
    state: &MockState,
    method: &Method,
    path: &str,
) -> Option<Result<String, ApiError>> {
    let id = path
        .strip_prefix("/__mock/exports/")?
        .strip_suffix(".jsonl")?;
    if method != Method::GET {
        return Some(Err(not_allowed_here(method, path)));
    }
    Some(
        hooks::export_file(&mut state.stores(), id)
            .ok_or_else(|| ApiError::not_found("Export file not found")),
    )
}

fn not_allowed_here(method: &Method, path: &str) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), path, "GET".to_owned())
}

pub async fn handle(state: &MockState, method: &Method, path: &str, body: &[u8]) -> ApiResult {
    let not_allowed =
        |allow: &str| ApiError::method_not_allowed(method.as_str(), path, allow.to_owned());
    match (path, method) {
        ("/__mock/faults", &Method::POST) => state.faults().push(body),
        ("/__mock/faults", &Method::GET) => Ok(state.faults().describe()),
        ("/__mock/faults", &Method::DELETE) => Ok(json!({ "cleared": state.faults().clear() })),
        ("/__mock/faults", _) => Err(not_allowed("GET, POST, DELETE")),
        ("/__mock/requests", &Method::GET) => {
            let requests = state.requests();
            Ok(json!({ "count": requests.len(), "requests": *requests }))
        }
        ("/__mock/requests", &Method::DELETE) => {
            let mut requests = state.requests();
            let cleared = requests.len();
            requests.clear();
            Ok(json!({ "cleared": cleared }))
        }
        ("/__mock/requests", _) => Err(not_allowed("GET, DELETE")),
        ("/__mock/reset", &Method::POST) => {
            state.reset();
            Ok(json!({ "reset": true }))
        }
        ("/__mock/reset", _) => Err(not_allowed("POST")),
        ("/__mock/close-idle", &Method::POST) => {
            Ok(json!({ "closed": state.connections().close_idle().await }))
        }
        ("/__mock/close-idle", _) => Err(not_allowed("POST")),
        _ => Err(ApiError::no_route(method.as_str(), path)),
    }
}
