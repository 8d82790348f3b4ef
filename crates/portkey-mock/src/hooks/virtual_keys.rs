//! `/virtual-keys`: a slug from the name, the provider key stored apart and never shown,
//! deployment fields inside `model_config`, and the secret-mapping rules.

use crate::engine::generic::Ctx;
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::secrets::check_secret_mappings;
use crate::slugs::{slugify, unique_slug};
use crate::time;
use serde_json::{json, Map, Value};

/// Request fields that describe the provider deployment; they are returned inside
/// `model_config`, as the real API does.
const MODEL_CONFIG_FIELDS: &[&str] = &[
    "apiVersion",
    "resourceName",
    "deploymentName",
    "deploymentConfig",
];

/// Applies validated request fields: the provider key is kept apart, a single rate limit
/// object (create's spec shape) is stored as a list, and deployment fields go into
/// `model_config` (a null one counts as not given).
fn apply(key: &mut Record, fields: Map<String, Value>) {
    for (field, value) in fields {
        if field == "key" {
            match value.as_str() {
                Some(secret) => key.hidden.insert("secret".into(), json!(secret)),
                None => key.hidden.remove("secret"),
            };
        } else if field == "rate_limits" && value.is_object() {
            key.fields.insert(field, Value::Array(vec![value]));
        } else if MODEL_CONFIG_FIELDS.contains(&field.as_str()) {
            if value.is_null() {
                continue;
            }
            let config = key
                .fields
                .entry("model_config")
                .or_insert_with(|| json!({}));
            if let Some(config) = config.as_object_mut() {
                config.insert(field, value);
            }
        } else {
            key.fields.insert(field, value);
        }
    }
}

/// The provider key may be omitted only when a secret mapping supplies it.
fn check_key_source(key: &Record) -> Result<(), ApiError> {
    let mapped = key
        .fields
        .get("secret_mappings")
        .and_then(Value::as_array)
        .is_some_and(|m| m.iter().any(|m| m["target_field"] == "key"));
    if !key.hidden.contains_key("secret") && !mapped {
        return Err(ApiError::bad_request(
            "\"key\" is required unless a secret_mappings entry has target_field \"key\"",
        ));
    }
    Ok(())
}

/// Fills the fields a stored virtual key always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("status", json!("active")),
        ("reset_usage", json!(0)),
        ("created_at", json!(time::now())),
        ("model_config", json!({})),
        ("provider", json!("openai")),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    fields.insert("object".into(), json!("virtual-key"));
    fields
}

/// A fixture: needs a `slug`; a `key`, if given, is stored and never shown.
pub fn from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    let slug = match fields.get("slug") {
        Some(Value::String(slug)) if !slug.is_empty() => slug.clone(),
        _ => return Err("\"slug\" must be a non-empty string".into()),
    };
    let secret = match fields.remove("key") {
        None => None,
        Some(Value::String(key)) => Some(key),
        Some(_) => return Err("\"key\" must be a string".into()),
    };
    fields.entry("name").or_insert(json!(slug));
    let mut record = Record::new(with_defaults(fields));
    if let Some(secret) = secret {
        record.hidden.insert("secret".into(), json!(secret));
    }
    Ok(record)
}

/// `virtual_key_create`: answers `{"success": true, "data": {"slug"}}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    check_secret_mappings(&fields, "model_config")?;
    let base = slugify(
        fields
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    );
    let mut key = Record::default();
    apply(&mut key, fields);
    check_key_source(&key)?;
    let existing = ctx.stores.all(ctx.store());
    let slug = unique_slug(&base, existing.iter().map(|k| k.str("slug")));
    key.fields.insert("slug".into(), json!(slug));
    key.fields = with_defaults(std::mem::take(&mut key.fields));
    ctx.stores.push(ctx.store(), key);
    Ok(json!({ "success": true, "data": { "slug": slug } }))
}

/// `virtual_key_update`: as create applies fields; a change that would leave the key without
/// a provider key source is refused and changes nothing.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    check_secret_mappings(&changes, "model_config")?;
    let key = ctx.find_mut()?;
    let mut updated = key.clone();
    apply(&mut updated, changes);
    check_key_source(&updated)?;
    *key = updated;
    Ok(json!({}))
}
