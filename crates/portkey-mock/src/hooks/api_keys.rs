//! `/api-keys`: the full secret is answered once, on create (and on rotate); stored objects
//! show it masked (`key` is kept masked among the public fields, the secret apart).

use crate::audit::ORGANISATION_ID;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::ApiResult;
use crate::{ids, secrets, time};
use serde_json::{json, Map, Value};

/// The spec's minimum transition period (30 minutes), also the default on rotation.
const MIN_TRANSITION_MS: u64 = 1_800_000;

/// Fills the fields a stored key always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("type", json!("organisation-service")),
        ("organisation_id", json!(ORGANISATION_ID)),
        ("status", json!("active")),
        ("creation_mode", json!("api")),
        ("reset_usage", json!(0)),
        ("scopes", json!([])),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("api-key"));
    fields
}

/// A key with `secret`, shown masked.
fn with_secret(fields: Map<String, Value>, secret: String) -> Record {
    let mut record = Record::new(with_defaults(fields));
    set_secret(&mut record, secret);
    record
}

fn set_secret(record: &mut Record, secret: String) {
    record
        .fields
        .insert("key".into(), json!(secrets::mask(&secret)));
    record.hidden.insert("secret".into(), json!(secret));
}

/// A fixture: needs an `id`; a full `key`, if given, is stored and shown masked.
pub fn from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    match fields.get("id") {
        Some(Value::String(id)) if !id.is_empty() => {}
        _ => return Err("\"id\" must be a non-empty string".into()),
    }
    let secret = match fields.remove("key") {
        None => ids::api_key_secret(),
        Some(Value::String(key)) => key,
        Some(_) => return Err("\"key\" must be a string".into()),
    };
    fields.entry("name").or_insert(json!("Fixture API key"));
    Ok(with_secret(fields, secret))
}

/// `api_key_create`: the type is `{type}-{sub-type}`; answers `{id, key, object}` with the
/// full secret.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    let kind = format!("{}-{}", ctx.path("type"), ctx.path("sub-type"));
    fields.insert("type".into(), json!(kind));
    let secret = ids::api_key_secret();
    let record = with_secret(fields, secret.clone());
    let id = record.str("id").to_owned();
    ctx.stores.push(ctx.store(), record);
    Ok(json!({ "id": id, "key": secret, "object": "api-key" }))
}

/// `api_key_update`: the generic update, except that `reset_usage: true` resets the usage
/// (an exhausted key becomes active) rather than being stored.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut changes = ctx.input.body.clone();
    let reset = changes.remove("reset_usage");
    let key = ctx.find_mut()?;
    key.fields.extend(changes);
    if reset == Some(json!(true)) {
        key.fields.insert("status".into(), json!("active"));
        key.fields.insert("reset_usage".into(), json!(0));
    }
    generic::touch(key);
    Ok(json!({}))
}

/// `api_key_rotate`: a new secret; the old one stays valid for the request's period, else
/// the key's rotation policy's, else 30 minutes.
pub fn rotate(ctx: &mut Ctx<'_>) -> ApiResult {
    let requested = ctx.input.body.get("key_transition_period_ms").cloned();
    let key = ctx.find_mut()?;
    let period = requested
        .as_ref()
        .or_else(|| {
            key.fields
                .get("rotation_policy")?
                .get("key_transition_period_ms")
        })
        .and_then(Value::as_u64)
        .unwrap_or(MIN_TRANSITION_MS);
    let secret = ids::api_key_secret();
    set_secret(key, secret.clone());
    generic::touch(key);
    Ok(json!({
        "id": key.str("id"),
        "key": secret,
        "key_transition_expires_at": time::now_plus_ms(period),
    }))
}
