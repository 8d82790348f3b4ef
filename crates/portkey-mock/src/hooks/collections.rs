//! `/collections`: folders of prompts in a workspace, possibly nested.
//!
//! Deleting a collection that still holds prompts: the spec's delete answers 200 `{}`, or
//! 404 for an unknown collection or "trying to delete default collection", and declares no
//! refusal for a collection that is not empty. So, as `admin.workspaces.delete` does with a
//! workspace's members, the delete succeeds and takes what the collection holds with it:
//! its prompts (with their versions) and its child collections, recursively. A default
//! collection (`is_default: true`, from fixtures) is a 404, as the spec says.

use super::stores;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug};
use serde_json::{json, Map, Value};

pub fn find<'s>(stores: &'s Stores, key: &str) -> Option<&'s Record> {
    stores.find(stores::COLLECTIONS, key)
}

fn workspace_id(stores: &Stores, key: &str) -> Result<String, ApiError> {
    stores
        .find(stores::WORKSPACES, key)
        .map(|w| w.str("id").to_owned())
        .ok_or_else(|| ApiError::not_found(format!("Workspace not found: {key}")))
}

/// The spec's `CollectionDetails` of one collection.
fn details(stores: &Stores, id: &str) -> Value {
    let latest = |records: Vec<&Record>| {
        records
            .iter()
            .map(|r| r.str("last_updated_at").to_owned())
            .max()
            .map_or(Value::Null, Value::from)
    };
    let children: Vec<&Record> = stores
        .all(stores::COLLECTIONS)
        .iter()
        .filter(|c| c.str("parent_collection_id") == id)
        .collect();
    let prompts: Vec<&Record> = stores
        .all(stores::PROMPTS)
        .iter()
        .filter(|p| p.str("collection_id") == id)
        .collect();
    json!({
        "child_collections_count": children.len(),
        "prompts_count": prompts.len(),
        "child_collections_last_updated_at": latest(children),
        "prompts_last_updated_at": latest(prompts),
    })
}

/// `collection_create`: `workspace_id` (id or slug) and `parent_collection_id` (id or slug)
/// must exist (404), stored as ids; a child without a workspace takes its parent's. Slug:
/// the slugified name plus four hex digits; `is_default: false`, `status: "active"`.
/// Answers `{id, slug}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    let parent = match text("parent_collection_id") {
        Some(key) => Some(
            find(ctx.stores, &key)
                .ok_or_else(|| ApiError::not_found(format!("Parent collection not found: {key}")))?
                .clone(),
        ),
        None => None,
    };
    let workspace = match text("workspace_id") {
        Some(key) => json!(workspace_id(ctx.stores, &key)?),
        None => parent
            .as_ref()
            .and_then(|p| p.fields.get("workspace_id").cloned())
            .unwrap_or(Value::Null),
    };
    let name = text("name").unwrap_or_default();
    let slug = {
        let existing = ctx.stores.all(stores::COLLECTIONS);
        unique_slug(
            &slugify_or(&name, "collection"),
            existing.iter().map(|c| c.str("slug")),
        )
    };
    let mut fields = Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    fields.insert("workspace_id".into(), workspace);
    fields.insert(
        "parent_collection_id".into(),
        parent.map_or(Value::Null, |p| json!(p.str("id"))),
    );
    fields.insert("is_default".into(), json!(false));
    fields.insert("status".into(), json!("active"));
    generic::stamp(&mut fields);
    let record = Record::new(fields);
    let id = record.str("id").to_owned();
    ctx.stores.push(stores::COLLECTIONS, record);
    Ok(json!({ "id": id, "slug": slug }))
}

/// `collection_list`: the workspace (id or slug; 404 if unknown) is required, as the spec
/// says; `search` keeps names containing it (case-insensitive); each with its
/// `collection_details`; paged.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let text = |name: &str| {
        ctx.input
            .query
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let workspace = workspace_id(ctx.stores, &text("workspace_id").unwrap_or_default())?;
    let search = text("search").map(|s| s.to_lowercase());
    let items = ctx
        .stores
        .all(stores::COLLECTIONS)
        .iter()
        .filter(|c| c.str("workspace_id") == workspace)
        .filter(|c| {
            search
                .as_deref()
                .is_none_or(|s| c.str("name").to_lowercase().contains(s))
        })
        .map(|c| {
            let mut fields = c.fields.clone();
            fields.insert(
                "collection_details".into(),
                details(ctx.stores, c.str("id")),
            );
            Value::Object(fields)
        })
        .collect();
    Ok(ctx.page(items))
}

/// `collection_retrieve`: the collection with `child_collections` (`{id, name,
/// last_updated_at, collection_details}` each) and its own `collection_details`.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let collection = ctx.find()?;
    let id = collection.str("id");
    let children: Vec<Value> = ctx
        .stores
        .all(stores::COLLECTIONS)
        .iter()
        .filter(|c| c.str("parent_collection_id") == id)
        .map(|c| {
            json!({
                "id": c.str("id"),
                "name": c.fields.get("name"),
                "last_updated_at": c.fields.get("last_updated_at"),
                "collection_details": details(ctx.stores, c.str("id")),
            })
        })
        .collect();
    let mut answer = collection.fields.clone();
    answer.insert("collection_details".into(), details(ctx.stores, id));
    answer.insert("child_collections".into(), Value::Array(children));
    Ok(Value::Object(answer))
}

/// `collection_delete`: see the module's docs; answers `{}`.
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let collection = ctx.find()?;
    if collection.fields.get("is_default") == Some(&json!(true)) {
        return Err(ApiError::not_found(
            "The default collection cannot be deleted",
        ));
    }
    // The collection and its descendants.
    let mut doomed = vec![collection.str("id").to_owned()];
    let mut i = 0;
    while i < doomed.len() {
        let parent = doomed[i].clone();
        doomed.extend(
            ctx.stores
                .all(stores::COLLECTIONS)
                .iter()
                .filter(|c| c.str("parent_collection_id") == parent)
                .map(|c| c.str("id").to_owned()),
        );
        i += 1;
    }
    let holds = |r: &Record, field: &str| doomed.iter().any(|id| id == r.str(field));
    ctx.stores
        .remove_where(stores::PROMPTS, |p| holds(p, "collection_id"));
    ctx.stores
        .remove_where(stores::COLLECTIONS, |c| holds(c, "id"));
    Ok(json!({}))
}

/// A fixture: needs a `name` (or a `slug`); `slug` defaults to the slugified name,
/// `is_default` to false (true makes it undeletable, as the spec's default collection).
pub fn from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (slug, name) = (text("slug"), text("name"));
    let Some(name) = name.or_else(|| slug.clone()) else {
        return Err("needs a \"name\" or a \"slug\"".into());
    };
    let slug = slug.unwrap_or_else(|| slugify_or(&name, "collection"));
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    for (field, value) in [
        ("workspace_id", Value::Null),
        ("parent_collection_id", Value::Null),
        ("is_default", json!(false)),
        ("status", json!("active")),
    ] {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    Ok(Record::new(fields))
}
