//! `/admin/workspaces`: a slug from the name, members listed with the workspace, name and
//! status filters, and deleting a workspace removes its memberships.

use super::{members, stores, users};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug_from};
use serde_json::{json, Map, Value};

/// Fills the fields a stored workspace always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("usage_limits", json!([])),
        ("rate_limits", json!([])),
        ("status", json!("active")),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("workspace"));
    fields
}

/// `ws-` and the first six characters of the slugified name, then six hex digits, like
/// the spec's `ws-test-a-174eb1`.
fn new_slug(ctx: &Ctx<'_>, name: &str) -> String {
    let short: String = slugify_or(name, "workspace").chars().take(6).collect();
    let base = format!("ws-{}", short.trim_end_matches('-'));
    let existing = ctx.stores.all(stores::WORKSPACES);
    unique_slug_from(&base, 6, existing.iter().map(|w| w.str("slug")))
}

/// A fixture: needs an `id` or a `name`; `members: [{"user_id", "role"}]` makes existing
/// users its members (checked once all fixtures are loaded).
pub fn from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (id, name) = (text("id"), text("name"));
    let Some(name) = name.or_else(|| id.clone()) else {
        return Err("needs an \"id\" or a \"name\"".into());
    };
    let slug = text("slug")
        .or(id)
        .unwrap_or_else(|| format!("ws-{}", slugify_or(&name, "workspace")));
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    let mut record = Record::new(with_defaults(fields));
    if let Some(list) = record.fields.remove("members") {
        record.hidden.insert("members".into(), list);
    }
    Ok(record)
}

/// `workspace_create`: answers the new workspace. `users` (ids or emails) become members
/// with the role `member`; an unknown one is a 404 and nothing is created.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    let wanted: Vec<String> = match fields.remove("users") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|u| u.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut user_ids = Vec::new();
    for key in &wanted {
        let user = users::find(ctx.stores, key)
            .ok_or_else(|| ApiError::not_found(format!("User not found: {key}")))?;
        user_ids.push(user.str("id").to_owned());
    }
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let slug = new_slug(ctx, name);
    fields.insert("slug".into(), json!(slug));
    let record = Record::new(with_defaults(fields));
    let answer = record.render();
    let workspace_id = record.str("id").to_owned();
    ctx.stores.push(stores::WORKSPACES, record);
    for user_id in user_ids {
        members::upsert(ctx.stores, &workspace_id, &user_id, "member");
    }
    Ok(answer)
}

/// `workspace_list`: `name` keeps the workspaces whose name contains it (case-sensitive),
/// `exact_name` those named exactly so, `status` those with one of its comma-separated
/// values (the spec's description allows a list, its enum one value, which is what the
/// validation lets through); other filters are plain equality.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let query = &ctx.input.query;
    let text = |name: &str| query.get(name).and_then(Value::as_str).map(str::to_owned);
    let (name, exact, status) = (text("name"), text("exact_name"), text("status"));
    let items = ctx
        .stores
        .all(stores::WORKSPACES)
        .iter()
        .filter(|w| {
            name.as_ref()
                .is_none_or(|n| w.str("name").contains(n.as_str()))
        })
        .filter(|w| exact.as_ref().is_none_or(|n| w.str("name") == n))
        .filter(|w| {
            status
                .as_ref()
                .is_none_or(|s| s.split(',').any(|s| s.trim() == w.str("status")))
        })
        .filter(|w| ctx.passes_filters(w, &["name", "exact_name", "status"]))
        .map(Record::render)
        .collect();
    Ok(ctx.page(items))
}

/// `workspace_retrieve`: the workspace with its members (`users`).
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let workspace = ctx.find()?;
    let mut answer = workspace.fields.clone();
    let id = workspace.str("id");
    let users = members::of(ctx.stores, id);
    answer.insert("users".into(), json!(users));
    Ok(Value::Object(answer))
}

/// `workspace_delete`: the spec answers a plain 200 (no body, no error) whether or not the
/// workspace has members, so it is deleted with its memberships (see `members::sync`);
/// answers `{}`, as the clients take a JSON object.
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    ctx.remove()?;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::request;
    use crate::engine::store::Stores;
    use crate::generated::admin::WORKSPACES_LIST;

    fn names(stores: &mut Stores, query: &str) -> Vec<String> {
        let input = request::read(&WORKSPACES_LIST, vec![], query, b"").unwrap();
        let mut ctx = Ctx {
            route: &WORKSPACES_LIST,
            stores,
            input,
            sse: None,
        };
        let page = list(&mut ctx).unwrap();
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn list_filters_by_name_part_exact_name_and_statuses() {
        let mut stores = Stores::default();
        for (name, status) in [
            ("Prod", "active"),
            ("Prod EU", "archived"),
            ("Dev", "active"),
        ] {
            let fields = json!({"name": name, "status": status});
            let record = from_fixture(fields.as_object().unwrap().clone()).unwrap();
            stores.push(stores::WORKSPACES, record);
        }
        assert_eq!(names(&mut stores, "name=Prod"), ["Prod", "Prod EU"]);
        assert_eq!(names(&mut stores, "name=prod"), Vec::<String>::new());
        assert_eq!(names(&mut stores, "exact_name=Prod"), ["Prod"]);
        assert_eq!(names(&mut stores, "status=archived"), ["Prod EU"]);
        assert_eq!(
            names(&mut stores, "status=active&page_size=1&current_page=1"),
            ["Dev"]
        );
    }
}
