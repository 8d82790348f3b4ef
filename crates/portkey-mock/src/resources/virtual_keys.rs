//! `/v1/virtual-keys`: create, list, retrieve, update and delete virtual keys.

use super::slugs::{slugify, unique_slug};
use super::{parse_body, ListQuery, EXPIRES_AT, RATE_LIMITS, USAGE_LIMITS};
use crate::errors::{ApiError, ApiResult};
use crate::state::{MockState, Store};
use crate::time;
use crate::validate::{check_fields, optional, required, Field, Schema};
use serde_json::{json, Map, Value};

const PROVIDERS: &[&str] = &[
    "openai",
    "azure-openai",
    "ai21",
    "anthropic",
    "anyscale",
    "bedrock",
    "cohere",
    "deepinfra",
    "fireworks-ai",
    "google",
    "groq",
    "hugging-face",
    "jina",
    "lingyi",
    "mistral-ai",
    "monsterapi",
    "moonshot",
    "nomic",
    "novita-ai",
    "open-ai",
    "openrouter",
    "palm",
    "perplexity-ai",
    "predibase",
    "reka-ai",
    "segmind",
    "stability-ai",
    "together-ai",
    "vertex-ai",
    "workers-ai",
    "zhipu",
];

const NULLABLE_STR: Schema = Schema::Nullable(&Schema::Str);
const DEPLOYMENT_CONFIG: Schema = Schema::ArrayOf(&Schema::Object(&[
    required("apiVersion", Schema::Str),
    optional("alias", Schema::Str),
    optional("is_default", Schema::Bool),
    required("deploymentName", Schema::Str),
]));
const SECRET_MAPPINGS: Schema = Schema::ArrayOf(&Schema::Object(&[
    required("target_field", Schema::NonEmptyStr),
    required("secret_reference_id", Schema::NonEmptyStr),
    optional("secret_key", NULLABLE_STR),
    optional(
        "value_format",
        Schema::Nullable(&Schema::OneOf(&["json", "string"])),
    ),
]));

/// The spec's create body takes one `RateLimits` object (units rpd, rph, rpm), while the
/// stored object lists its limits; the mock accepts what the spec says and stores a list.
const CREATE_RATE_LIMIT: Schema = Schema::Object(&[
    optional("type", Schema::OneOf(&["requests", "tokens"])),
    optional("unit", Schema::OneOf(&["rpd", "rph", "rpm"])),
    optional(
        "value",
        Schema::Int {
            min: i64::MIN,
            max: i64::MAX,
        },
    ),
]);

const CREATE: &[Field] = &[
    required("name", Schema::NonEmptyStr),
    required("provider", Schema::OneOf(PROVIDERS)),
    optional("key", Schema::Str),
    optional("note", NULLABLE_STR),
    optional("apiVersion", NULLABLE_STR),
    optional("resourceName", NULLABLE_STR),
    optional("deploymentName", NULLABLE_STR),
    optional("workspace_id", Schema::Str),
    optional("deploymentConfig", DEPLOYMENT_CONFIG),
    optional("usage_limits", USAGE_LIMITS),
    optional("rate_limits", CREATE_RATE_LIMIT),
    optional("expires_at", EXPIRES_AT),
    optional("secret_mappings", SECRET_MAPPINGS),
];

const UPDATE: &[Field] = &[
    optional("name", Schema::NonEmptyStr),
    optional("key", Schema::Str),
    optional("note", NULLABLE_STR),
    optional("deploymentConfig", DEPLOYMENT_CONFIG),
    optional("usage_limits", USAGE_LIMITS),
    optional("rate_limits", RATE_LIMITS),
    optional("expires_at", EXPIRES_AT),
    optional("secret_mappings", SECRET_MAPPINGS),
];

/// Request fields that describe the provider deployment; they are returned inside
/// `model_config`, as the real API does.
const MODEL_CONFIG_FIELDS: &[&str] = &[
    "apiVersion",
    "resourceName",
    "deploymentName",
    "deploymentConfig",
];

/// A stored virtual key: the provider secret (never returned) and the public object.
#[derive(Debug, Clone)]
pub struct VirtualKey {
    secret: Option<String>,
    object: Map<String, Value>,
}

impl VirtualKey {
    pub fn slug(&self) -> &str {
        self.object
            .get("slug")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Applies validated request fields: the secret is kept apart and deployment fields
    /// go into `model_config` (a null one counts as not given).
    fn apply(&mut self, fields: Map<String, Value>) {
        for (field, value) in fields {
            if field == "key" {
                self.secret = value.as_str().map(str::to_owned);
            } else if field == "rate_limits" && value.is_object() {
                self.object.insert(field, Value::Array(vec![value]));
            } else if MODEL_CONFIG_FIELDS.contains(&field.as_str()) {
                if value.is_null() {
                    continue;
                }
                let config = self
                    .object
                    .entry("model_config")
                    .or_insert_with(|| json!({}));
                if let Some(config) = config.as_object_mut() {
                    config.insert(field, value);
                }
            } else {
                self.object.insert(field, value);
            }
        }
    }

    /// The provider key may be omitted only when a secret mapping supplies it.
    fn check_key_source(&self) -> Result<(), ApiError> {
        let mapped = self
            .object
            .get("secret_mappings")
            .and_then(Value::as_array)
            .is_some_and(|m| m.iter().any(|m| m["target_field"] == "key"));
        if self.secret.is_none() && !mapped {
            return Err(ApiError::bad_request(
                "\"key\" is required unless a secret_mappings entry has target_field \"key\"",
            ));
        }
        Ok(())
    }
}

/// Target fields must be "key" or "model_config.<field>", each at most once.
fn check_secret_mappings(fields: &Map<String, Value>) -> Result<(), ApiError> {
    let Some(mappings) = fields.get("secret_mappings").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut seen = Vec::new();
    for (i, mapping) in mappings.iter().enumerate() {
        let target = mapping["target_field"].as_str().unwrap_or_default();
        let path = format!("secret_mappings[{i}].target_field");
        let valid = target == "key"
            || target
                .strip_prefix("model_config.")
                .is_some_and(|f| !f.is_empty());
        if !valid {
            return Err(ApiError::bad_request(format!(
                "\"{path}\" must be \"key\" or \"model_config.<field>\" (got {target:?})"
            )));
        }
        if seen.contains(&target) {
            return Err(ApiError::bad_request(format!(
                "\"{path}\" repeats {target:?}; each target_field must be unique"
            )));
        }
        seen.push(target);
    }
    Ok(())
}

/// Fills the fields a stored virtual key always has; values already present win.
fn with_defaults(mut object: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("status", json!("active")),
        ("reset_usage", json!(0)),
        ("created_at", json!(time::now())),
        ("model_config", json!({})),
        ("provider", json!("openai")),
    ];
    for (field, value) in defaults {
        object.entry(field).or_insert(value);
    }
    object.insert("object".into(), json!("virtual-key"));
    object
}

pub fn from_fixture(value: &Value) -> Result<VirtualKey, String> {
    let mut object = value.as_object().ok_or("must be an object")?.clone();
    let slug = match object.get("slug") {
        Some(Value::String(slug)) if !slug.is_empty() => slug.clone(),
        _ => return Err("\"slug\" must be a non-empty string".into()),
    };
    let secret = match object.remove("key") {
        None => None,
        Some(Value::String(key)) => Some(key),
        Some(_) => return Err("\"key\" must be a string".into()),
    };
    object.entry("name").or_insert(json!(slug));
    Ok(VirtualKey {
        secret,
        object: with_defaults(object),
    })
}

fn find<'a>(store: &'a mut Store, slug: &str) -> Result<&'a mut VirtualKey, ApiError> {
    store
        .virtual_keys
        .iter_mut()
        .find(|k| k.slug() == slug)
        .ok_or_else(|| ApiError::not_found("Virtual key not found"))
}

pub fn create(state: &MockState, body: &[u8]) -> ApiResult {
    let fields = check_fields(CREATE, &parse_body(body)?, "")?;
    check_secret_mappings(&fields)?;
    let base = slugify(fields["name"].as_str().unwrap_or_default());
    let mut key = VirtualKey {
        secret: None,
        object: Map::new(),
    };
    key.apply(fields);
    key.check_key_source()?;
    let mut store = state.store();
    let slug = unique_slug(&base, store.virtual_keys.iter().map(VirtualKey::slug));
    key.object.insert("slug".into(), json!(slug));
    key.object = with_defaults(key.object);
    store.virtual_keys.push(key);
    Ok(json!({ "success": true, "data": { "slug": slug } }))
}

pub fn list(state: &MockState, query: &str) -> ApiResult {
    let query = ListQuery::parse(query)?;
    let store = state.store();
    let matching = store
        .virtual_keys
        .iter()
        .filter(|k| query.matches(&k.object))
        .map(|k| Value::Object(k.object.clone()))
        .collect();
    Ok(query.respond(matching))
}

pub fn retrieve(state: &MockState, slug: &str) -> ApiResult {
    Ok(Value::Object(
        find(&mut state.store(), slug)?.object.clone(),
    ))
}

pub fn update(state: &MockState, slug: &str, body: &[u8]) -> ApiResult {
    let changes = check_fields(UPDATE, &parse_body(body)?, "")?;
    check_secret_mappings(&changes)?;
    let mut store = state.store();
    let key = find(&mut store, slug)?;
    // Work on a copy so that a rejected update leaves the stored key untouched.
    let mut updated = key.clone();
    updated.apply(changes);
    updated.check_key_source()?;
    *key = updated;
    Ok(json!({}))
}

pub fn delete(state: &MockState, slug: &str) -> ApiResult {
    let mut store = state.store();
    let index = store
        .virtual_keys
        .iter()
        .position(|k| k.slug() == slug)
        .ok_or_else(|| ApiError::not_found("Virtual key not found"))?;
    store.virtual_keys.remove(index);
    Ok(json!({}))
}
