//! `/configs`: addressed by slug (or id); every create and update makes a new version,
//! listed by `configs.versions.list`. Answers wear the spec's `{"success": true, "data"}`
//! envelope where it says so.

use super::stores;
use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::ApiResult;
use crate::ids;
use crate::slugs::{slugify_or, unique_slug_from};
use serde_json::{json, Map, Value};

fn success(data: Value) -> Value {
    json!({ "success": true, "data": data })
}

/// Fills the fields a stored config always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("organisation_id", json!(ORGANISATION_ID)),
        ("is_default", json!(0)),
        ("status", json!("active")),
        ("owner_id", json!(CALLER_ID)),
        ("updated_by", json!(CALLER_ID)),
        ("config", json!({})),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("config"));
    fields
}

/// `pc-` and the first six characters of the slugified name, then six hex digits, like the
/// spec's `pc-pplx-c-ca7a87`.
fn new_slug(stores: &Stores, name: &str) -> String {
    let short: String = slugify_or(name, "config").chars().take(6).collect();
    let base = format!("pc-{}", short.trim_end_matches('-'));
    let existing = stores.all(stores::CONFIGS);
    unique_slug_from(&base, 6, existing.iter().map(|c| c.str("slug")))
}

/// Records the config's current state as a new version; returns its `version_id`.
fn new_version(stores: &mut Stores, config: &mut Record) -> String {
    let version_id = ids::uuid_v4();
    config.fields.insert("version_id".into(), json!(version_id));
    let mut version = config.fields.clone();
    // The spec lists a version's config serialized.
    let serialized = version
        .get("config")
        .map_or_else(|| "{}".to_owned(), Value::to_string);
    version.insert("config".into(), json!(serialized));
    version.insert("config_id".into(), json!(config.str("id")));
    version.insert("format".into(), json!("json"));
    version.insert("type".into(), json!("ORG_CONFIG"));
    version.insert("object".into(), json!("config"));
    stores.push(stores::CONFIG_VERSIONS, Record::new(version));
    version_id
}

/// A fixture: needs a `slug` or a `name`; it starts with one version.
pub fn from_fixture(stores: &mut Stores, mut fields: Map<String, Value>) -> Result<Record, String> {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (slug, name) = (text("slug"), text("name"));
    let Some(name) = name.or_else(|| slug.clone()) else {
        return Err("needs a \"slug\" or a \"name\"".into());
    };
    let slug = slug.unwrap_or_else(|| new_slug(stores, &name));
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    let mut record = Record::new(with_defaults(fields));
    new_version(stores, &mut record);
    Ok(record)
}

/// `config_create`: `isDefault` is stored as `is_default`; answers
/// `{"success": true, "data": {"id", "version_id"}}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    if let Some(is_default) = fields.remove("isDefault") {
        fields.insert("is_default".into(), is_default);
    }
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let slug = new_slug(ctx.stores, name);
    fields.insert("slug".into(), json!(slug));
    let mut record = Record::new(with_defaults(fields));
    let version_id = new_version(ctx.stores, &mut record);
    let id = record.str("id").to_owned();
    ctx.stores.push(stores::CONFIGS, record);
    Ok(success(json!({ "id": id, "version_id": version_id })))
}

/// `config_list`: `{"success": true, "data": [...]}` (the spec's list has no total), each
/// config without its body; declared filters are plain equality.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let items: Vec<Value> = ctx
        .matching()
        .into_iter()
        .map(|c| {
            let mut fields = c.fields.clone();
            fields.remove("config");
            Value::Object(fields)
        })
        .collect();
    Ok(success(json!(items)))
}

/// `config_retrieve`: `{"success": true, "data": <the config>}`.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    Ok(success(ctx.find()?.render()))
}

/// `config_update`: sets the sent fields (`config` is replaced whole) and makes a new
/// version; answers `{"success": true, "data": {"version_id"}}`.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    let mut config = ctx.find()?.clone();
    config.fields.extend(changes);
    generic::touch(&mut config);
    let version_id = new_version(ctx.stores, &mut config);
    *ctx.find_mut()? = config;
    Ok(success(json!({ "version_id": version_id })))
}

/// After every change: drops the versions of deleted configs.
pub fn sync(stores: &mut Stores) {
    let ids: Vec<String> = stores
        .all(stores::CONFIGS)
        .iter()
        .map(|c| c.str("id").to_owned())
        .collect();
    stores.remove_where(stores::CONFIG_VERSIONS, |v| {
        !ids.iter().any(|id| id == v.str("config_id"))
    });
}

/// `config_versions`: the config's versions, oldest first, as a page; 404 for an
/// unknown config.
pub fn versions(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = ctx
        .stores
        .find(stores::CONFIGS, ctx.key())
        .ok_or_else(|| generic::not_found(stores::CONFIGS))?
        .str("id")
        .to_owned();
    let items: Vec<Value> = ctx
        .stores
        .all(stores::CONFIG_VERSIONS)
        .iter()
        .filter(|v| v.str("config_id") == id)
        .map(Record::render)
        .collect();
    Ok(ctx.page(items))
}
