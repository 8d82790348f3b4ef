//! `/admin/workspaces/{workspaceId}/users`: members are existing users of an existing
//! workspace (a 404 otherwise). A membership is stored as the spec's `WorkspaceMember` (`id`
//! is the user's), so the generic retrieve, list, update and delete serve it; [`sync`] keeps
//! the user's details in it current and drops memberships whose user or workspace is gone.

use super::{stores, users};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The id of the workspace `key` (its id or slug) names.
fn workspace_id(stores: &Stores, key: &str) -> Result<String, ApiError> {
    stores
        .find(stores::WORKSPACES, key)
        .map(|w| w.str("id").to_owned())
        .ok_or_else(|| generic::not_found(stores::WORKSPACES))
}

/// Adds the membership, or changes its role if it exists.
pub fn upsert(stores: &mut Stores, workspace_id: &str, user_id: &str, role: &str) {
    let all = stores.all_mut(stores::WORKSPACE_MEMBERS);
    match all
        .iter_mut()
        .find(|m| m.str("workspace_id") == workspace_id && m.str("id") == user_id)
    {
        Some(member) => {
            member.fields.insert("role".into(), json!(role));
            generic::touch(member);
        }
        None => {
            let mut fields = Map::new();
            fields.insert("object".into(), json!("workspace-user"));
            fields.insert("id".into(), json!(user_id));
            fields.insert("workspace_id".into(), json!(workspace_id));
            fields.insert("role".into(), json!(role));
            fields.insert("status".into(), json!("active"));
            generic::stamp(&mut fields);
            all.push(Record::new(fields));
        }
    }
}

/// The members of a workspace (by id), as the API shows them.
pub fn of(stores: &Stores, workspace_id: &str) -> Vec<Value> {
    stores
        .all(stores::WORKSPACE_MEMBERS)
        .iter()
        .filter(|m| m.str("workspace_id") == workspace_id)
        .map(Record::render)
        .collect()
}

/// `workspace_member_add`: the workspace (id or slug) must exist, and so must every
/// `users[i].id` (a user's id or email), else a 404 and nothing changes. The role defaults
/// to `member`; a user already a member gets the new role. Answers `{}`.
pub fn add(ctx: &mut Ctx<'_>) -> ApiResult {
    let workspace = workspace_id(ctx.stores, ctx.path("workspaceId"))?;
    let wanted = ctx
        .input
        .body
        .get("users")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut adds = Vec::new();
    for (i, entry) in wanted.iter().enumerate() {
        let Some(key) = entry.get("id").and_then(Value::as_str) else {
            return Err(crate::schema::missing(&format!("users[{i}].id")));
        };
        let user = users::find(ctx.stores, key)
            .ok_or_else(|| ApiError::not_found(format!("User not found: {key}")))?;
        let role = entry
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or("member");
        adds.push((user.str("id").to_owned(), role.to_owned()));
    }
    for (user, role) in adds {
        upsert(ctx.stores, &workspace, &user, &role);
    }
    Ok(json!({}))
}

/// After every change: drops memberships whose user or workspace is gone, copies each
/// member's user details (names, email, organisation role) into the membership, and sets
/// every user's `workspace_ids`.
pub fn sync(stores: &mut Stores) {
    let people: HashMap<String, Map<String, Value>> = stores
        .all(stores::USERS)
        .iter()
        .map(|u| (u.str("id").to_owned(), u.fields.clone()))
        .collect();
    let workspaces: Vec<String> = stores
        .all(stores::WORKSPACES)
        .iter()
        .map(|w| w.str("id").to_owned())
        .collect();
    stores.remove_where(stores::WORKSPACE_MEMBERS, |m| {
        !people.contains_key(m.str("id")) || !workspaces.iter().any(|w| w == m.str("workspace_id"))
    });
    let mut joined: HashMap<String, Vec<String>> = HashMap::new();
    for member in stores.all_mut(stores::WORKSPACE_MEMBERS) {
        let user_id = member.str("id").to_owned();
        if let Some(user) = people.get(&user_id) {
            for (from, to) in [
                ("first_name", "first_name"),
                ("last_name", "last_name"),
                ("email", "email"),
                ("role", "org_role"),
            ] {
                if let Some(value) = user.get(from) {
                    member.fields.insert(to.into(), value.clone());
                }
            }
        }
        joined
            .entry(user_id)
            .or_default()
            .push(member.str("workspace_id").to_owned());
    }
    for user in stores.all_mut(stores::USERS) {
        let ids = joined.remove(user.str("id")).unwrap_or_default();
        user.fields.insert("workspace_ids".into(), json!(ids));
    }
}
