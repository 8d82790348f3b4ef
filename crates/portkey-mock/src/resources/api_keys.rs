//! `/v1/api-keys`: create, list, retrieve, update, delete and rotate API keys.

use super::{parse_body, parse_optional_body, ListQuery, EXPIRES_AT, RATE_LIMITS, USAGE_LIMITS};
use crate::errors::{ApiError, ApiResult};
use crate::state::{MockState, Store};
use crate::validate::{check, check_fields, int_min, optional, required, Field, Schema};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// The organisation every key belongs to unless the request or fixture names one.
const MOCK_ORGANISATION_ID: &str = "9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10";

/// The spec's minimum transition period (30 minutes), also the default on rotation.
const MIN_TRANSITION_MS: i64 = 1_800_000;

const KIND: Schema = Schema::OneOf(&["organisation", "workspace"]);
const SUB_KIND: Schema = Schema::OneOf(&["user", "service"]);
const SCOPES: Schema = Schema::ArrayOf(&Schema::Str);
const ALERT_EMAILS: Schema = Schema::ArrayOf(&Schema::Email);
const DEFAULTS: Schema = Schema::Object(&[
    optional("metadata", Schema::AnyObject),
    optional("config_id", Schema::Str),
    optional("allow_config_override", Schema::Bool),
]);
const ROTATION_POLICY: Schema = Schema::Nullable(&Schema::Object(&[
    optional(
        "rotation_period",
        Schema::Nullable(&Schema::OneOf(&["weekly", "monthly"])),
    ),
    optional("next_rotation_at", Schema::Nullable(&Schema::DateTime)),
    optional("key_transition_period_ms", int_min(MIN_TRANSITION_MS)),
]));

const CREATE: &[Field] = &[
    required("name", Schema::NonEmptyStr),
    optional("description", Schema::Str),
    optional("organisation_id", Schema::Str),
    optional("workspace_id", Schema::Str),
    optional("user_id", Schema::NonEmptyStr),
    optional("rate_limits", RATE_LIMITS),
    optional("usage_limits", USAGE_LIMITS),
    required("scopes", SCOPES),
    optional("defaults", DEFAULTS),
    optional("alert_emails", ALERT_EMAILS),
    optional("expires_at", EXPIRES_AT),
    optional("rotation_policy", ROTATION_POLICY),
];

const UPDATE: &[Field] = &[
    optional("name", Schema::NonEmptyStr),
    optional("description", Schema::Str),
    optional("rate_limits", RATE_LIMITS),
    optional("usage_limits", USAGE_LIMITS),
    optional("reset_usage", Schema::Bool),
    optional("scopes", SCOPES),
    optional("defaults", DEFAULTS),
    optional("alert_emails", ALERT_EMAILS),
    optional("expires_at", EXPIRES_AT),
    optional("rotation_policy", ROTATION_POLICY),
];

const ROTATE: &[Field] = &[optional(
    "key_transition_period_ms",
    int_min(MIN_TRANSITION_MS),
)];

/// A stored key: the full secret, and the public object without its `key` field (which
/// is derived, masked, on every read).
#[derive(Debug, Clone)]
pub struct ApiKey {
    secret: String,
    object: Map<String, Value>,
}

impl ApiKey {
    pub fn id(&self) -> &str {
        self.object
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn render(&self) -> Value {
        let mut object = self.object.clone();
        object.insert("key".into(), mask(&self.secret).into());
        Value::Object(object)
    }
}

/// `Xk*******S4`: the first and last two characters, like the spec's example.
fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 4 {
        return "*******".into();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}*******{tail}")
}

/// Fills the fields a stored key always has; values already present win.
fn with_defaults(mut object: Map<String, Value>) -> Map<String, Value> {
    let now = time::now();
    let defaults = [
        ("type", json!("organisation-service")),
        ("organisation_id", json!(MOCK_ORGANISATION_ID)),
        ("status", json!("active")),
        ("created_at", json!(now)),
        ("last_updated_at", json!(now)),
        ("creation_mode", json!("api")),
        ("reset_usage", json!(0)),
        ("scopes", json!([])),
    ];
    for (field, value) in defaults {
        object.entry(field).or_insert(value);
    }
    object.insert("object".into(), json!("api-key"));
    object
}

pub fn from_fixture(value: &Value) -> Result<ApiKey, String> {
    let mut object = value.as_object().ok_or("must be an object")?.clone();
    match object.get("id") {
        Some(Value::String(id)) if !id.is_empty() => {}
        _ => return Err("\"id\" must be a non-empty string".into()),
    }
    let secret = match object.remove("key") {
        None => ids::api_key_secret(),
        Some(Value::String(key)) => key,
        Some(_) => return Err("\"key\" must be a string".into()),
    };
    object.entry("name").or_insert(json!("Fixture API key"));
    Ok(ApiKey {
        secret,
        object: with_defaults(object),
    })
}

fn find<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut ApiKey, ApiError> {
    store
        .api_keys
        .iter_mut()
        .find(|k| k.id() == id)
        .ok_or_else(|| ApiError::not_found("API key not found"))
}

pub fn create(state: &MockState, kind: &str, sub_kind: &str, body: &[u8]) -> ApiResult {
    check(&KIND, &json!(kind), "type")?;
    check(&SUB_KIND, &json!(sub_kind), "sub-type")?;
    let mut object = check_fields(CREATE, &parse_body(body)?, "")?;
    if sub_kind == "user" && !object.contains_key("user_id") {
        return Err(ApiError::bad_request(
            "\"user_id\" is required when sub-type is user",
        ));
    }
    let id = ids::uuid_v4();
    let secret = ids::api_key_secret();
    object.insert("id".into(), json!(id));
    object.insert("type".into(), json!(format!("{kind}-{sub_kind}")));
    state.store().api_keys.push(ApiKey {
        secret: secret.clone(),
        object: with_defaults(object),
    });
    Ok(json!({ "id": id, "key": secret, "object": "api-key" }))
}

pub fn list(state: &MockState, query: &str) -> ApiResult {
    let query = ListQuery::parse(query)?;
    let store = state.store();
    let matching = store
        .api_keys
        .iter()
        .filter(|k| query.matches(&k.object))
        .map(ApiKey::render)
        .collect();
    Ok(query.respond(matching))
}

pub fn retrieve(state: &MockState, id: &str) -> ApiResult {
    Ok(find(&mut state.store(), id)?.render())
}

pub fn update(state: &MockState, id: &str, body: &[u8]) -> ApiResult {
    let changes = check_fields(UPDATE, &parse_body(body)?, "")?;
    let mut store = state.store();
    let key = find(&mut store, id)?;
    for (field, value) in changes {
        if field == "reset_usage" {
            // Resetting usage is what lifts an "exhausted" status.
            if value == json!(true) {
                key.object.insert("status".into(), json!("active"));
                key.object.insert("reset_usage".into(), json!(0));
            }
        } else {
            key.object.insert(field, value);
        }
    }
    key.object
        .insert("last_updated_at".into(), json!(time::now()));
    Ok(json!({}))
}

pub fn delete(state: &MockState, id: &str) -> ApiResult {
    let mut store = state.store();
    let index = store
        .api_keys
        .iter()
        .position(|k| k.id() == id)
        .ok_or_else(|| ApiError::not_found("API key not found"))?;
    store.api_keys.remove(index);
    Ok(json!({}))
}

pub fn rotate(state: &MockState, id: &str, body: &[u8]) -> ApiResult {
    let input = check_fields(ROTATE, &parse_optional_body(body)?, "")?;
    let mut store = state.store();
    let key = find(&mut store, id)?;
    // The request's period wins, then the key's rotation policy, then the minimum.
    let period = input
        .get("key_transition_period_ms")
        .or_else(|| {
            key.object
                .get("rotation_policy")?
                .get("key_transition_period_ms")
        })
        .and_then(Value::as_u64)
        .unwrap_or(MIN_TRANSITION_MS as u64);
    key.secret = ids::api_key_secret();
    key.object
        .insert("last_updated_at".into(), json!(time::now()));
    Ok(json!({
        "id": key.id(),
        "key": key.secret,
        "key_transition_expires_at": time::now_plus_ms(period),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_spec() {
        assert_eq!(mask("Xk1234567S4"), "Xk*******S4");
        assert_eq!(mask("Xk*******S4"), "Xk*******S4");
        assert_eq!(mask("abc"), "*******");
    }
}
