//! `/admin/users`: the API has no create, so users come from fixtures (or the two default
//! users). A user's `workspace_ids` follow their memberships (see `members::sync`).

use super::stores;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::ApiResult;
use serde_json::{json, Map, Value};

/// The users a mock starts with when the fixtures do not list any: an owner and a member.
pub fn defaults() -> Vec<Value> {
    vec![
        json!({"id": "2f6b3c1e-8d4a-4e5f-9a7b-1c2d3e4f5a61", "email": "owner@example.com",
               "first_name": "Olivia", "last_name": "Owner", "role": "owner"}),
        json!({"id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02", "email": "member@example.com",
               "first_name": "Milo", "last_name": "Member", "role": "member"}),
    ]
}

/// A fixture: needs an `email`; the `id` is a new uuid unless given, the role `member`, and
/// the names the email's local part.
pub fn from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    let email = match fields.get("email") {
        Some(Value::String(email)) if email.contains('@') => email.clone(),
        _ => return Err("\"email\" must be an email address".into()),
    };
    let local = email.split('@').next().unwrap_or_default().to_owned();
    let defaults = [
        ("role", json!("member")),
        ("first_name", json!(local)),
        ("last_name", json!("")),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("user"));
    fields.insert("workspace_ids".into(), json!([]));
    Ok(Record::new(fields))
}

/// The user `key` names: their id or their email.
pub fn find<'a>(stores: &'a Stores, key: &str) -> Option<&'a Record> {
    stores
        .all(stores::USERS)
        .iter()
        .find(|u| u.is(key) || u.str("email") == key)
}

/// `user_delete`: removes the user; their memberships go with them (see `members::sync`).
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    ctx.remove()?;
    Ok(json!({}))
}
