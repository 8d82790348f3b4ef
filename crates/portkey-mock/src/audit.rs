//! The audit log: every mutating API request (POST, PUT, DELETE) that reached a route is
//! recorded, whatever its outcome, with the fields of the spec's `AuditLogObjectList` records.
//! Requests refused before routing (401, unknown route, 405) and requests a fault answered
//! instead of the API are not served, so not recorded.

use crate::engine::request::Input;
use crate::engine::store::{Record, Stores};
use crate::engine::ApiRequest;
use crate::errors::ApiResult;
use crate::schema::Route;
use crate::{secrets, time};
use serde_json::{json, Map, Value};

/// The organisation every object belongs to unless a request or fixture names one.
pub const ORGANISATION_ID: &str = "9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10";

/// Who made a request whose API key is not one of the stored keys.
pub const CALLER_ID: &str = "5b0d6c3e-8f1a-4c2b-9e7d-3a6f1b2c4d5e";

const API_KEY_HEADER: &str = "x-portkey-api-key";

/// The workspace a request concerns: its `{workspaceId}` placeholder, else its
/// `workspace_id` parameter.
pub fn workspace_of(input: &Input) -> Option<String> {
    ["workspaceId", "workspace_id"]
        .iter()
        .find_map(|wire| input.get(wire))
        .and_then(|v| v.as_str().map(str::to_owned))
}

pub fn record(
    stores: &mut Stores,
    route: &Route,
    req: &ApiRequest<'_>,
    workspace: Option<String>,
    result: &ApiResult,
) {
    let status = match result {
        Ok(_) => 200,
        Err(e) => e.status.as_u16(),
    };
    let (resource_type, action) = route.op.rsplit_once('.').unwrap_or(("", route.op));
    let api_key = req
        .headers
        .get(API_KEY_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .unwrap_or_default();
    let user_id = stores
        .all("api_keys")
        .iter()
        .find(|k| k.hidden.get("secret").and_then(Value::as_str) == Some(api_key.as_str()))
        .map_or(CALLER_ID.to_owned(), |k| k.str("id").to_owned());
    let entry = json!({
        "timestamp": time::now_millis(),
        "method": req.method,
        "uri": req.path,
        "request_id": req.request_id,
        "request_body": request_body(req.body),
        "query_params": query_params(req.query),
        "request_headers": request_headers(req),
        "user_id": user_id,
        "user_type": "api_key",
        "organisation_id": ORGANISATION_ID,
        "workspace_id": workspace,
        "response_status_code": status,
        "resource_type": resource_type,
        "action": action,
        "client_ip": req.client_ip,
        "country": Value::Null,
    });
    if let Value::Object(entry) = entry {
        stores.audit.push(Record::new(entry));
    }
}

/// The body as a JSON string, a top-level `key` (a provider secret) masked; "" without one.
fn request_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            if let Some(Value::String(key)) = map.get("key") {
                let masked = secrets::mask(key);
                map.insert("key".into(), json!(masked));
            }
            Value::Object(map).to_string()
        }
        Ok(other) => other.to_string(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// The query as a JSON string of `{name: value}` (decoded; the first of repeated names).
fn query_params(query: &str) -> String {
    let mut map = Map::new();
    for (name, value) in crate::uri::parse_query(query) {
        map.entry(name).or_insert(json!(value));
    }
    Value::Object(map).to_string()
}

/// The headers as a JSON string, the API key masked.
fn request_headers(req: &ApiRequest<'_>) -> String {
    let mut map = Map::new();
    for (name, value) in req.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let value = if name.as_str() == API_KEY_HEADER || name.as_str() == "authorization" {
            secrets::mask(value.trim())
        } else {
            value
        };
        map.entry(name.as_str()).or_insert(json!(value));
    }
    Value::Object(map).to_string()
}
