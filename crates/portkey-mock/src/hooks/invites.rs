//! `/admin/users/invites`: an invite is created pending, can be resent while pending, and
//! deleted (the generic delete).

use super::stores;
use crate::audit::CALLER_ID;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// How long an invite stays valid: a week, from its creation or last resend.
const VALID_MS: u64 = 7 * 24 * 3600 * 1000;

fn link(id: &str) -> String {
    format!("https://app.portkey.ai/invite/{id}-{}", ids::hex(8))
}

/// Fills the fields a stored invite always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("status", json!("pending")),
        ("role", json!("member")),
        ("invited_by", json!(CALLER_ID)),
        ("expires_at", json!(time::now_plus_ms(VALID_MS))),
        ("workspaces", json!([])),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.insert("object".into(), json!("invite"));
    fields
}

/// A fixture: needs an `email`.
pub fn from_fixture(fields: Map<String, Value>) -> Result<Record, String> {
    match fields.get("email") {
        Some(Value::String(email)) if email.contains('@') => {}
        _ => return Err("\"email\" must be an email address".into()),
    }
    Ok(Record::new(with_defaults(fields)))
}

/// `invite_create`: stores a pending invite, its workspaces as `{workspace_id, role}` (the
/// list's shape; the request names them `{id, role}`); answers `{id, invite_link}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    if let Some(Value::Array(workspaces)) = fields.get_mut("workspaces") {
        for workspace in workspaces.iter_mut() {
            if let Some(w) = workspace.as_object_mut() {
                if let Some(id) = w.remove("id") {
                    w.insert("workspace_id".into(), id);
                }
            }
        }
    }
    let record = Record::new(with_defaults(fields));
    let id = record.str("id").to_owned();
    ctx.stores.push(stores::INVITES, record);
    Ok(json!({ "id": id, "invite_link": link(&id) }))
}

/// `invite_resend`: a pending invite gets a new link and a week more; any other status is a
/// 400 (there is nothing to resend).
pub fn resend(ctx: &mut Ctx<'_>) -> ApiResult {
    let invite = ctx.find_mut()?;
    let status = invite.str("status").to_owned();
    if status != "pending" {
        return Err(ApiError::bad_request(format!(
            "invite is {status}; only a pending invite can be resent"
        )));
    }
    invite
        .fields
        .insert("expires_at".into(), json!(time::now_plus_ms(VALID_MS)));
    generic::touch(invite);
    let id = invite.str("id").to_owned();
    Ok(json!({ "inviteLink": link(&id) }))
}
