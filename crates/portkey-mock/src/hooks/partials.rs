//! `/prompts/partials`: reusable template pieces that prompts include as `{{>slug}}`,
//! versioned like prompts.
//!
//! - A partial (store `prompt_partials`) holds its name, slug (the slugified name plus four
//!   hex digits), workspace and status; its versions (store `prompt_partial_versions`,
//!   numbered from 1; the spec's `PromptPartialVersion` spells the number as a string) hold
//!   `string` and `description`.
//! - create makes version 1 and publishes it; update changes `name`/`status` in place, and a
//!   `string` or `description` makes a new version (from the latest one's string), not
//!   published until `publish` (`makeDefault`). Rendering a prompt includes each partial's
//!   published version (render.rs).
//! - The spec's create takes no collection, so a partial's `collection_id` is null and
//!   list's `collection_id` filter keeps none but partials a fixture put in a collection.

use super::stores;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug};
use crate::{ids, time};
use serde_json::{json, Map, Value};

fn not_found() -> ApiError {
    ApiError::not_found("Prompt partial not found")
}

fn number(version: &Record) -> u64 {
    version.str("version").parse().unwrap_or(0)
}

fn versions<'s>(stores: &'s Stores, partial_id: &str) -> Vec<&'s Record> {
    let mut list: Vec<&Record> = stores
        .all(stores::PROMPT_PARTIAL_VERSIONS)
        .iter()
        .filter(|v| v.str("prompt_partial_id") == partial_id)
        .collect();
    list.sort_by_key(|v| number(v));
    list
}

fn published(partial: &Record) -> u64 {
    partial
        .hidden
        .get("published")
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

fn published_version<'s>(stores: &'s Stores, partial: &Record) -> Option<&'s Record> {
    versions(stores, partial.str("id"))
        .into_iter()
        .find(|v| number(v) == published(partial))
}

/// The template of the published version of the partial `key` (slug or id), for render.
pub fn published_string(stores: &Stores, key: &str) -> Option<String> {
    let partial = stores.find(stores::PROMPT_PARTIALS, key)?;
    published_version(stores, partial).map(|v| v.str("string").to_owned())
}

fn push_version(
    stores: &mut Stores,
    partial: &Record,
    n: u64,
    string: Value,
    description: Value,
) -> String {
    let id = ids::uuid_v4();
    let fields: Map<String, Value> = json!({
        "prompt_partial_id": partial.str("id"),
        "prompt_partial_version_id": id,
        "slug": partial.str("slug"),
        "version": n.to_string(),
        "string": string,
        "description": description,
        "created_at": time::now(),
        "prompt_version_status": "active",
        "object": "partial",
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    stores.push(stores::PROMPT_PARTIAL_VERSIONS, Record::new(fields));
    id
}

/// `partial_create`: a `workspace_id` must name a workspace (404), stored as its id; version
/// 1, published; answers `{id, slug, version_id}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let workspace_id = match body.get("workspace_id").and_then(Value::as_str) {
        Some(key) => json!(ctx
            .stores
            .find(stores::WORKSPACES, key)
            .ok_or_else(|| ApiError::not_found(format!("Workspace not found: {key}")))?
            .str("id")),
        None => Value::Null,
    };
    let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
    let slug = {
        let existing = ctx.stores.all(stores::PROMPT_PARTIALS);
        unique_slug(
            &slugify_or(name, "partial"),
            existing.iter().map(|p| p.str("slug")),
        )
    };
    let mut fields = Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    fields.insert("collection_id".into(), Value::Null);
    fields.insert("workspace_id".into(), workspace_id);
    fields.insert("status".into(), json!("active"));
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("partial"));
    let mut record = Record::new(fields);
    record.hidden.insert("published".into(), json!(1));
    let string = body.get("string").cloned().unwrap_or(Value::Null);
    let description = body
        .get("version_description")
        .cloned()
        .unwrap_or(Value::Null);
    let version_id = push_version(ctx.stores, &record, 1, string, description);
    let id = record.str("id").to_owned();
    ctx.stores.push(stores::PROMPT_PARTIALS, record);
    Ok(json!({ "id": id, "slug": slug, "version_id": version_id }))
}

/// `partial_list`: `{object: "list", total, data}` (the spec answers a bare array; see
/// codegen/overlay/prompts.yaml) of the spec's `PromptPartialSummary`; `collection_id` by
/// equality.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let data: Vec<Value> = ctx
        .matching()
        .into_iter()
        .map(|p| {
            json!({
                "id": p.str("id"),
                "slug": p.str("slug"),
                "name": p.fields.get("name"),
                "collection_id": p.fields.get("collection_id"),
                "workspace_id": p.fields.get("workspace_id"),
                "created_at": p.fields.get("created_at"),
                "last_updated_at": p.fields.get("last_updated_at"),
                "status": p.fields.get("status"),
                "object": "partial",
            })
        })
        .collect();
    Ok(json!({ "object": "list", "total": data.len(), "data": data }))
}

/// `partial_retrieve`: the spec's `PromptPartial`, with its published version.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let partial = ctx.find()?;
    let version = published_version(ctx.stores, partial).ok_or_else(not_found)?;
    Ok(json!({
        "id": partial.str("id"),
        "slug": partial.str("slug"),
        "name": partial.fields.get("name"),
        "collection_id": partial.fields.get("collection_id"),
        "workspace_id": partial.fields.get("workspace_id"),
        "string": version.fields.get("string"),
        "version": number(version),
        "version_description": version.fields.get("description"),
        "prompt_partial_version_id": version.str("prompt_partial_version_id"),
        "created_at": partial.fields.get("created_at"),
        "last_updated_at": partial.fields.get("last_updated_at"),
        "status": partial.fields.get("status"),
        "object": "partial",
    }))
}

/// `partial_update`: see the module's docs; answers `{prompt_partial_version_id}` (the
/// latest version's, new or not).
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let mut partial = ctx.find()?.clone();
    for field in ["name", "status"] {
        if let Some(value) = body.get(field) {
            partial.fields.insert(field.into(), value.clone());
        }
    }
    let latest = versions(ctx.stores, partial.str("id"))
        .last()
        .map(|v| (*v).clone())
        .ok_or_else(not_found)?;
    let version_id = if body.contains_key("string") || body.contains_key("description") {
        let string = body
            .get("string")
            .cloned()
            .unwrap_or_else(|| latest.fields.get("string").cloned().unwrap_or(Value::Null));
        let description = body.get("description").cloned().unwrap_or(Value::Null);
        push_version(
            ctx.stores,
            &partial,
            number(&latest) + 1,
            string,
            description,
        )
    } else {
        latest.str("prompt_partial_version_id").to_owned()
    };
    generic::touch(&mut partial);
    *ctx.find_mut()? = partial;
    Ok(json!({ "prompt_partial_version_id": version_id }))
}

/// `partial_publish`: 404 unless the partial has version `version`; every prompt including
/// the partial renders that version from now on. Answers `{}`.
pub fn publish(ctx: &mut Ctx<'_>) -> ApiResult {
    let wanted = ctx
        .input
        .body
        .get("version")
        .and_then(Value::as_f64)
        .unwrap_or(-1.0);
    let partial = ctx.find()?;
    if !versions(ctx.stores, partial.str("id"))
        .iter()
        .any(|v| number(v) as f64 == wanted)
    {
        return Err(ApiError::not_found("Prompt partial version not found"));
    }
    let partial = ctx.find_mut()?;
    partial
        .hidden
        .insert("published".into(), json!(wanted as u64));
    generic::touch(partial);
    Ok(json!({}))
}

/// `partial_versions_list`: 404 for an unknown partial; `{object: "list", total, data}`,
/// oldest first.
pub fn versions_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let partial = ctx.find()?;
    let data: Vec<Value> = versions(ctx.stores, partial.str("id"))
        .into_iter()
        .map(Record::render)
        .collect();
    Ok(json!({ "object": "list", "total": data.len(), "data": data }))
}

/// After every change: versions follow their partials.
pub fn sync(stores: &mut Stores) {
    let ids: Vec<String> = stores
        .all(stores::PROMPT_PARTIALS)
        .iter()
        .map(|p| p.str("id").to_owned())
        .collect();
    stores.remove_where(stores::PROMPT_PARTIAL_VERSIONS, |v| {
        !ids.iter().any(|id| id == v.str("prompt_partial_id"))
    });
}

/// A fixture: needs a `name` (or a `slug`, default the slugified name); `string` and
/// `version_description` become its version 1, published.
pub fn from_fixture(stores: &mut Stores, mut fields: Map<String, Value>) -> Result<Record, String> {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (slug, name) = (text("slug"), text("name"));
    let Some(name) = name.or_else(|| slug.clone()) else {
        return Err("needs a \"name\" or a \"slug\"".into());
    };
    let slug = slug.unwrap_or_else(|| slugify_or(&name, "partial"));
    let string = fields.remove("string").unwrap_or_else(|| json!(""));
    let description = fields.remove("version_description").unwrap_or(Value::Null);
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    for (field, value) in [
        ("collection_id", Value::Null),
        ("workspace_id", Value::Null),
        ("status", json!("active")),
        ("object", json!("partial")),
    ] {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    let mut record = Record::new(fields);
    record.hidden.insert("published".into(), json!(1));
    push_version(stores, &record, 1, string, description);
    Ok(record)
}
