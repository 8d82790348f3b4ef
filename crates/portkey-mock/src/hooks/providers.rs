//! `/providers`: a workspace's named use of an integration. A provider needs an existing
//! integration (404 otherwise) and is removed with it (see integrations.rs); it holds no secret
//! of its own.

use super::stores;
use crate::engine::generic::{stamp, touch, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug};
use serde_json::{json, Map, Value};

/// A new provider of `integration` (its slug) in `workspace` ("" for none), with `fields`
/// (name, note, limits, ...). `slug`: the one asked for, refused if that workspace already has
/// it; otherwise the slugified name plus a hex tail.
pub fn new_provider(
    stores: &Stores,
    integration: &str,
    workspace: &str,
    slug: Option<&str>,
    mut fields: Map<String, Value>,
) -> Result<Record, ApiError> {
    let slug = match slug {
        Some(slug) => {
            if taken(stores, workspace, slug) {
                return Err(ApiError::bad_request(format!(
                    "a provider with slug {slug:?} already exists in this workspace"
                )));
            }
            slug.to_owned()
        }
        None => {
            let name = fields.get("name").and_then(Value::as_str).unwrap_or("");
            let base = slugify_or(name, "provider");
            unique_slug(
                &base,
                stores.all(stores::PROVIDERS).iter().map(|p| p.str("slug")),
            )
        }
    };
    fields.remove("integration_id");
    fields.remove("slug");
    fields.remove("workspace_id");
    let mut provider = Map::new();
    provider.insert("slug".into(), json!(slug));
    provider.insert("integration_id".into(), json!(integration));
    if !workspace.is_empty() {
        provider.insert("workspace_id".into(), json!(workspace));
    }
    provider.insert("status".into(), json!("active"));
    provider.insert("reset_usage".into(), json!(0));
    provider.insert("note".into(), Value::Null);
    provider.insert("object".into(), json!("provider"));
    let mut record = Record::new(provider);
    apply(&mut record, fields);
    stamp(&mut record.fields);
    Ok(record)
}

/// Whether `workspace` ("" for none) already has a provider `slug`.
pub fn taken(stores: &Stores, workspace: &str, slug: &str) -> bool {
    stores
        .all(stores::PROVIDERS)
        .iter()
        .any(|p| p.str("slug") == slug && p.str("workspace_id") == workspace)
}

/// Sets request fields: a single rate limit (the create body's shape) is stored as a list, as
/// retrieve shows it; `reset_usage: true` zeroes the usage and makes an exhausted provider
/// active (false changes nothing).
fn apply(provider: &mut Record, fields: Map<String, Value>) {
    for (field, value) in fields {
        match field.as_str() {
            "rate_limits" if value.is_object() => {
                provider.fields.insert(field, Value::Array(vec![value]));
            }
            "reset_usage" => {
                if value == json!(true) {
                    provider.fields.insert(field, json!(0));
                    if provider.str("status") == "exhausted" {
                        provider.fields.insert("status".into(), json!("active"));
                    }
                }
            }
            _ => {
                provider.fields.insert(field, value);
            }
        }
    }
}

/// `provider_create`: 404 unless `integration_id` names an existing integration (by slug or
/// id); answers `{id, slug}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    let wanted = fields
        .get("integration_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let integration = ctx
        .stores
        .find(stores::INTEGRATIONS, wanted)
        .ok_or_else(|| ApiError::not_found(format!("Integration {wanted:?} not found")))?
        .str("slug")
        .to_owned();
    let workspace = fields
        .get("workspace_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let slug = fields
        .get("slug")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let provider = new_provider(
        ctx.stores,
        &integration,
        &workspace,
        slug.as_deref(),
        fields,
    )?;
    let answer = json!({ "id": provider.str("id"), "slug": provider.str("slug") });
    ctx.stores.push(ctx.store(), provider);
    Ok(answer)
}

/// `provider_update`: sets the fields sent (see [`apply`]); answers `{id, slug}`.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    let provider = ctx.find_mut()?;
    apply(provider, changes);
    touch(provider);
    Ok(json!({ "id": provider.str("id"), "slug": provider.str("slug") }))
}
