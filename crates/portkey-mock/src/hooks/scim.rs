//! `/scim/workspaces`: SCIM groups mapped to the mock's workspaces. The mock has no SCIM
//! provisioning: a group exists once a mapping names it (`scim_group_name` creates one,
//! `scim_group_id` must name a group some mapping already made). Mappings follow their
//! workspaces: deleting a workspace removes its mappings (`sync`).

use super::stores;
use crate::engine::generic::Ctx;
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use serde_json::{json, Map, Value};

/// The id of the workspace `key` names (its id or slug).
fn workspace_id(stores: &Stores, key: &str) -> Option<String> {
    stores
        .find(stores::WORKSPACES, key)
        .map(|w| w.str("id").to_owned())
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

/// `scim_workspace_create`: 404 unless `workspace_id` names an existing workspace (id or
/// slug); `scim_group_id` must name a known group (404), else `scim_group_name` names one,
/// reused by name or new (one of the two is required: 400). A mapping of the same group
/// to the same workspace gets the new role. Answers the mapping `{id, workspace_id (the
/// workspace's id), scim_group, scim_group_id, role}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let store = ctx.store();
    let key = text(&body, "workspace_id").unwrap_or_default();
    let workspace = workspace_id(ctx.stores, key)
        .ok_or_else(|| ApiError::not_found(format!("Workspace not found: {key}")))?;
    let role = text(&body, "role").unwrap_or("member").to_owned();
    let known = |field: &str, value: &str| {
        ctx.stores
            .all(store)
            .iter()
            .find(|m| m.str(field) == value)
            .map(|m| {
                (
                    m.str("scim_group_id").to_owned(),
                    m.str("scim_group").to_owned(),
                )
            })
    };
    let (group_id, group) = match (text(&body, "scim_group_id"), text(&body, "scim_group_name")) {
        (Some(id), _) => known("scim_group_id", id)
            .ok_or_else(|| ApiError::not_found(format!("SCIM group not found: {id}")))?,
        (None, Some(name)) => {
            known("scim_group", name).unwrap_or_else(|| (ids::uuid_v4(), name.to_owned()))
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "one of \"scim_group_id\" and \"scim_group_name\" is required",
            ))
        }
    };
    let mappings = ctx.stores.all_mut(store);
    if let Some(existing) = mappings
        .iter_mut()
        .find(|m| m.str("scim_group_id") == group_id && m.str("workspace_id") == workspace)
    {
        existing.fields.insert("role".into(), json!(role));
        return Ok(existing.render());
    }
    let mapping = Record::new(
        json!({
            "id": ids::uuid_v4(),
            "workspace_id": workspace,
            "scim_group": group,
            "scim_group_id": group_id,
            "role": role,
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
    );
    let answer = mapping.render();
    mappings.push(mapping);
    Ok(answer)
}

/// `scim_workspace_list`: every mapping, oldest first; `workspace_id` (id or slug),
/// `scim_group_id` and `role` keep the ones that match. Answers `{mappings, total_count}`.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let query = &ctx.input.query;
    let workspace = text(query, "workspace_id")
        .map(|key| workspace_id(ctx.stores, key).unwrap_or_else(|| key.to_owned()));
    let mappings: Vec<Value> = ctx
        .stores
        .all(ctx.store())
        .iter()
        .filter(|m| {
            workspace
                .as_ref()
                .is_none_or(|w| m.str("workspace_id") == w)
        })
        .filter(|m| ctx.passes_filters(m, &["workspace_id"]))
        .map(Record::render)
        .collect();
    Ok(json!({ "total_count": mappings.len(), "mappings": mappings }))
}

/// `scim_workspace_delete`: removes the mapping (404 if unknown); answers
/// `{success: true}`, as the spec does.
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    ctx.remove()?;
    Ok(json!({ "success": true }))
}

/// Removes the mappings whose workspace is gone.
pub fn sync(all: &mut Stores) {
    let live: Vec<String> = all
        .all(stores::WORKSPACES)
        .iter()
        .map(|w| w.str("id").to_owned())
        .collect();
    all.remove_where(stores::SCIM_WORKSPACES, |m| {
        !live.iter().any(|w| w == m.str("workspace_id"))
    });
}
