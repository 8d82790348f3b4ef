//! The two REST resources, plus what they share: body parsing, list pagination and the
//! limit schemas common to API keys and virtual keys.

pub mod api_keys;
mod slugs;
pub mod virtual_keys;

use crate::errors::ApiError;
use crate::uri;
use crate::validate::{check, int_min, optional, required, Schema};
use serde_json::{json, Map, Value};

const RATE_LIMIT: Schema = Schema::Object(&[
    required("type", Schema::OneOf(&["requests", "tokens"])),
    required("unit", Schema::OneOf(&["rpd", "rph", "rpm", "rps", "rpw"])),
    required("value", int_min(0)),
]);

pub const RATE_LIMITS: Schema = Schema::Nullable(&Schema::ArrayOf(&RATE_LIMIT));

pub const USAGE_LIMITS: Schema = Schema::Object(&[
    optional("credit_limit", int_min(1)),
    optional("type", Schema::OneOf(&["cost", "tokens"])),
    optional("alert_threshold", int_min(1)),
    optional(
        "periodic_reset",
        Schema::Nullable(&Schema::OneOf(&["monthly", "weekly"])),
    ),
    optional(
        "periodic_reset_days",
        Schema::Nullable(&Schema::Int { min: 1, max: 365 }),
    ),
    optional("next_usage_reset_at", Schema::Nullable(&Schema::DateTime)),
]);

pub const EXPIRES_AT: Schema = Schema::Nullable(&Schema::DateTime);

/// A request body that must be a JSON object.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("request body must be a JSON object")),
        Err(e) if body.trim_ascii().is_empty() => Err(ApiError::bad_request(format!(
            "request body must be a JSON object (got an empty body: {e})"
        ))),
        Err(e) => Err(ApiError::bad_request(format!(
            "request body is not valid JSON: {e}"
        ))),
    }
}

/// Like `parse_body`, but an empty body counts as `{}`.
pub fn parse_optional_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.trim_ascii().is_empty() {
        Ok(Map::new())
    } else {
        parse_body(body)
    }
}

/// The query parameters every list endpoint takes.
pub struct ListQuery {
    page_size: usize,
    current_page: usize,
    workspace_id: Option<String>,
}

impl ListQuery {
    pub fn parse(query: &str) -> Result<ListQuery, ApiError> {
        let params = uri::parse_query(query);
        // The first occurrence wins when a parameter is repeated.
        let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let int = |name: &str, default: usize, min: i64| -> Result<usize, ApiError> {
            let Some(raw) = get(name) else {
                return Ok(default);
            };
            let value = raw
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(raw.as_str()));
            check(&int_min(min), &value, name)?;
            // Checked non-negative above; saturate rather than fail on huge values.
            Ok(value.as_i64().map_or(usize::MAX, |n| n as usize))
        };
        Ok(ListQuery {
            page_size: int("page_size", 50, 1)?,
            current_page: int("current_page", 0, 0)?,
            workspace_id: get("workspace_id").cloned(),
        })
    }

    /// Whether a stored object passes the `workspace_id` filter.
    pub fn matches(&self, object: &Map<String, Value>) -> bool {
        match &self.workspace_id {
            Some(ws) => object.get("workspace_id").and_then(Value::as_str) == Some(ws.as_str()),
            None => true,
        }
    }

    /// The list envelope for the requested page of `matching` (all filtered objects).
    pub fn respond(&self, matching: Vec<Value>) -> Value {
        let total = matching.len();
        let page: Vec<Value> = matching
            .into_iter()
            .skip(self.current_page.saturating_mul(self.page_size))
            .take(self.page_size)
            .collect();
        json!({ "object": "list", "total": total, "data": page })
    }
}
