//! `/mcp-integrations`: MCP servers registered with the organisation. Addressed by id or slug;
//! capabilities and workspace settings are kept per integration, and deleting an integration
//! deletes the MCP servers made from it. The mock never contacts the integration's URL: its
//! capabilities are the ones `capabilities.update` named, and its metadata stays unsynced.

use super::mcp_servers;
use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug};
use serde_json::{json, Map, Value};

pub const INTEGRATIONS: &str = "mcp_integrations";
/// `{name, type, enabled, ...}` per integration (`hidden.parent`: the integration's id).
pub const CAPABILITIES: &str = "mcp_integration_capabilities";
/// `{id (the workspace's), enabled, status, ...}` per integration (`hidden.parent`).
pub const WORKSPACES: &str = "mcp_integration_workspaces";

/// The spec's default page size for MCP lists.
const PAGE_SIZE: usize = 100;

pub fn not_found() -> ApiError {
    ApiError::not_found("MCP integration not found")
}

/// The integration `key` (id or slug) names.
pub fn find<'a>(stores: &'a Stores, key: &str) -> Result<&'a Record, ApiError> {
    stores.find(INTEGRATIONS, key).ok_or_else(not_found)
}

/// The id of the integration the path names (404 if none).
fn path_integration(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    Ok(find(ctx.stores, ctx.path("mcpIntegrationId"))?
        .str("id")
        .to_owned())
}

/// The parent a dependent record belongs to.
pub fn parent(record: &Record) -> &str {
    record
        .hidden
        .get("parent")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A dependent record of `parent`.
pub fn child(parent: &str, mut fields: Map<String, Value>) -> Record {
    generic::stamp(&mut fields);
    fields.remove("id");
    let mut record = Record::new(fields);
    record.hidden.insert("parent".into(), json!(parent));
    record
}

/// A slug given by the caller (409 if taken in `store`) or made from the name.
pub fn slug_for(
    stores: &Stores,
    store: &str,
    given: Option<&Value>,
    name: &str,
    fallback: &str,
) -> Result<String, ApiError> {
    let taken = || stores.all(store).iter().map(|r| r.str("slug"));
    match given.and_then(Value::as_str) {
        Some(slug) if taken().any(|s| s == slug) => Err(ApiError::new(
            hyper::StatusCode::CONFLICT,
            format!("slug {slug:?} is already taken"),
        )),
        Some(slug) => Ok(slug.to_owned()),
        None => Ok(unique_slug(&slugify_or(name, fallback), taken())),
    }
}

/// Whether `record`'s `fields` contain `needle` (case-insensitively) in any of them.
pub fn contains(record: &Record, fields: &[&str], needle: &str) -> bool {
    let needle = needle.to_lowercase();
    fields
        .iter()
        .any(|f| record.str(f).to_lowercase().contains(&needle))
}

/// A query parameter as text, if sent.
pub fn query_str<'a>(ctx: &'a Ctx<'_>, name: &str) -> Option<&'a str> {
    ctx.input.query.get(name).and_then(Value::as_str)
}

/// A query parameter as a count, if sent.
fn query_count(ctx: &Ctx<'_>, name: &str) -> Option<usize> {
    ctx.input
        .query
        .get(name)
        .and_then(Value::as_f64)
        .map(|n| n.max(0.0) as usize)
}

/// `items` paged by `page` (from 1) and `page_size` (default 100): the page and whether more
/// follow.
pub fn by_page(ctx: &Ctx<'_>, items: Vec<Value>) -> (Vec<Value>, bool) {
    let size = query_count(ctx, "page_size").unwrap_or(PAGE_SIZE);
    let page = query_count(ctx, "page").unwrap_or(1).max(1);
    let skip = (page - 1).saturating_mul(size);
    let has_more = items.len() > skip.saturating_add(size);
    (items.into_iter().skip(skip).take(size).collect(), has_more)
}

/// `items` paged by `current_page` (from 0) and `page_size` (default 100), in the list
/// envelope plus `has_more`.
pub fn by_current_page(ctx: &mut Ctx<'_>, items: Vec<Value>) -> Value {
    ctx.input
        .query
        .entry("page_size")
        .or_insert_with(|| json!(PAGE_SIZE));
    let size = query_count(ctx, "page_size").unwrap_or(PAGE_SIZE);
    let page = query_count(ctx, "current_page").unwrap_or(0);
    let (total, data) = ctx.paged(items);
    let has_more = total > page.saturating_add(1).saturating_mul(size);
    json!({ "object": "list", "total": total, "data": data, "has_more": has_more })
}

/// Sets `enabled` of the capability `{name, type}` of `parent` in `store`, adding it if new.
pub fn upsert_capability(stores: &mut Stores, store: &str, parent_id: &str, change: &Value) {
    let (name, kind) = (
        change
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        change
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    );
    let enabled = change.get("enabled").cloned().unwrap_or(json!(true));
    let existing = stores
        .all_mut(store)
        .iter_mut()
        .find(|c| parent(c) == parent_id && c.str("name") == name && c.str("type") == kind);
    match existing {
        Some(capability) => {
            capability.fields.insert("enabled".into(), enabled);
            generic::touch(capability);
        }
        None => {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("type".into(), json!(kind));
            fields.insert("enabled".into(), enabled);
            for field in ["title", "description"] {
                fields.insert(field.into(), Value::Null);
            }
            stores.push(store, child(parent_id, fields));
        }
    }
}

/// The capabilities answer: `type` filters, `page`/`page_size` page, `counts` covers all of
/// them by type.
pub fn capability_page(ctx: &Ctx<'_>, all: Vec<Value>) -> Value {
    let mut counts = Map::new();
    for (kind, key) in [
        ("tool", "tools"),
        ("prompt", "prompts"),
        ("resource", "resources"),
        ("resource_template", "resource_templates"),
    ] {
        let of_kind = all.iter().filter(|c| c["type"] == kind);
        let enabled = of_kind.clone().filter(|c| c["enabled"] == true).count();
        counts.insert(
            key.into(),
            json!({"total": of_kind.count(), "enabled": enabled}),
        );
    }
    let kept: Vec<Value> = match query_str(ctx, "type") {
        Some(kind) => all.into_iter().filter(|c| c["type"] == kind).collect(),
        None => all,
    };
    let total = kept.len();
    let (data, has_more) = by_page(ctx, kept);
    json!({"data": data, "counts": counts, "total": total, "has_more": has_more})
}

/// The capabilities of integration `id`, as the API shows them.
pub fn capabilities_of(stores: &Stores, id: &str) -> Vec<Record> {
    stores
        .all(CAPABILITIES)
        .iter()
        .filter(|c| parent(c) == id)
        .cloned()
        .collect()
}

/// `mcp_integration_create`: the slug given (409 if taken) or made from the name; `type`
/// `workspace` with a `workspace_id`, else `organisation`; answers `{id, slug}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let slug = slug_for(
        ctx.stores,
        INTEGRATIONS,
        fields.get("slug"),
        &name,
        "mcp-integration",
    )?;
    fields.insert("slug".into(), json!(slug));
    let organisation = fields
        .remove("organisation_id")
        .unwrap_or(json!(ORGANISATION_ID));
    let kind = if fields.get("workspace_id").is_some_and(Value::is_string) {
        "workspace"
    } else {
        "organisation"
    };
    let defaults = [
        ("type", json!(kind)),
        ("status", json!("active")),
        ("owner_id", json!(CALLER_ID)),
        ("description", Value::Null),
        ("workspace_id", Value::Null),
        ("configurations", json!({})),
        ("global_workspace_access", Value::Null),
        ("secret_mappings", json!([])),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    let mut record = Record::new(fields);
    record.hidden.insert("organisation_id".into(), organisation);
    let answer = json!({"id": record.str("id"), "slug": slug});
    ctx.stores.push(INTEGRATIONS, record);
    Ok(answer)
}

/// `mcp_integration_list`: `type` (`all` or absent: every one), `workspace_id` and
/// `organisation_id` by equality, `search` in the name or slug; each with its
/// `workspaces_count`; paged by `current_page`/`page_size`, with `has_more`.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let kind = query_str(ctx, "type").filter(|k| *k != "all");
    let workspace = query_str(ctx, "workspace_id");
    let organisation = query_str(ctx, "organisation_id");
    let search = query_str(ctx, "search");
    let items: Vec<Value> = ctx
        .stores
        .all(INTEGRATIONS)
        .iter()
        .filter(|r| kind.is_none_or(|k| r.str("type") == k))
        .filter(|r| workspace.is_none_or(|w| r.str("workspace_id") == w))
        .filter(|r| organisation.is_none_or(|o| r.hidden.get("organisation_id") == Some(&json!(o))))
        .filter(|r| search.is_none_or(|s| contains(r, &["name", "slug"], s)))
        .map(|r| {
            let id = r.str("id");
            let count = ctx
                .stores
                .all(WORKSPACES)
                .iter()
                .filter(|w| parent(w) == id && w.fields.get("enabled") == Some(&json!(true)))
                .count();
            let mut item = r.fields.clone();
            item.remove("global_workspace_access");
            item.insert("workspaces_count".into(), json!(count));
            Value::Object(item)
        })
        .collect();
    Ok(by_current_page(ctx, items))
}

/// `mcp_integration_delete`: removes the integration, its capabilities and workspace
/// settings, and the MCP servers made from it (with theirs).
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = ctx.remove()?.str("id").to_owned();
    purge(ctx.stores, &id);
    Ok(json!({}))
}

/// Removes what belongs to integration `id`, which is gone.
pub fn purge(stores: &mut Stores, id: &str) {
    stores.remove_where(CAPABILITIES, |c| parent(c) == id);
    stores.remove_where(WORKSPACES, |w| parent(w) == id);
    let servers = stores.remove_where(mcp_servers::SERVERS, |s| s.str("mcp_integration_id") == id);
    for server in servers {
        mcp_servers::purge(stores, server.str("id"));
    }
}

/// `mcp_integration_workspaces_list`: the workspaces set for the integration, as
/// `{workspaces, global_workspace_access}`, or `{data, total, global_workspace_access}` when
/// `version` is sent; 404 for an unknown integration.
pub fn workspaces_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let integration = find(ctx.stores, ctx.path("mcpIntegrationId"))?;
    let id = integration.str("id");
    let global = integration
        .fields
        .get("global_workspace_access")
        .cloned()
        .unwrap_or(Value::Null);
    let items: Vec<Value> = ctx
        .stores
        .all(WORKSPACES)
        .iter()
        .filter(|w| parent(w) == id)
        .map(Record::render)
        .collect();
    Ok(if ctx.input.query.contains_key("version") {
        json!({"data": items, "total": items.len(), "global_workspace_access": global})
    } else {
        json!({"workspaces": items, "global_workspace_access": global})
    })
}

/// `mcp_integration_workspaces_update`: sets `enabled` per workspace (added if new);
/// `global_workspace_access` is stored on the integration and, with
/// `override_existing_workspace_access`, replaces every workspace's `enabled`; answers `{}`.
pub fn workspaces_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_integration(ctx)?;
    let body = ctx.input.body.clone();
    for change in body
        .get("workspaces")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let workspace = change.get("id").and_then(Value::as_str).unwrap_or_default();
        let enabled = change.get("enabled").cloned().unwrap_or(json!(true));
        let existing = ctx
            .stores
            .all_mut(WORKSPACES)
            .iter_mut()
            .find(|w| parent(w) == id && w.str("id") == workspace);
        match existing {
            Some(row) => {
                row.fields.insert("enabled".into(), enabled);
                generic::touch(row);
            }
            None => {
                let mut fields = Map::new();
                fields.insert("enabled".into(), enabled);
                fields.insert("status".into(), json!("active"));
                let mut row = child(&id, fields);
                row.fields.insert("id".into(), json!(workspace));
                ctx.stores.push(WORKSPACES, row);
            }
        }
    }
    if let Some(global) = body.get("global_workspace_access") {
        let integration = ctx
            .stores
            .all_mut(INTEGRATIONS)
            .iter_mut()
            .find(|r| r.str("id") == id)
            .ok_or_else(not_found)?;
        integration
            .fields
            .insert("global_workspace_access".into(), global.clone());
        generic::touch(integration);
        let replace = body.get("override_existing_workspace_access") == Some(&json!(true));
        if let (true, Some(enabled)) = (replace, global.get("enabled")) {
            for row in ctx.stores.all_mut(WORKSPACES) {
                if parent(row) == id {
                    row.fields.insert("enabled".into(), enabled.clone());
                }
            }
        }
    }
    Ok(json!({}))
}

/// `mcp_integration_capabilities_list`: the capabilities `capabilities.update` set, filtered
/// by `type`, paged by `page` (from 1), with `counts` per type and `has_more`.
pub fn capabilities_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_integration(ctx)?;
    let all = capabilities_of(ctx.stores, &id)
        .iter()
        .map(Record::render)
        .collect();
    Ok(capability_page(ctx, all))
}

/// `mcp_integration_capabilities_update`: sets `enabled` of each `{name, type}` (a capability
/// the mock has not seen is added: it never asks the server); answers `{success: true}`.
pub fn capabilities_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_integration(ctx)?;
    let changes = ctx.input.body.get("capabilities").cloned();
    for change in changes
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        upsert_capability(ctx.stores, CAPABILITIES, &id, change);
    }
    Ok(json!({"success": true}))
}

/// `mcp_integration_metadata`: the mock never syncs with the server, so every field is null
/// but `sync_status`, `pending`; 404 for an unknown integration.
pub fn metadata(ctx: &mut Ctx<'_>) -> ApiResult {
    path_integration(ctx)?;
    Ok(json!({
        "server_name": null,
        "server_version": null,
        "protocol_version": null,
        "capability_flags": null,
        "sync_status": "pending",
        "last_synced_at": null,
        "sync_error": null,
    }))
}
