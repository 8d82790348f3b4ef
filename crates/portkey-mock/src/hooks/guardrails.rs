//! `/guardrails`: a `guard_` slug, a version per change, and the spec's minItems on checks.
//! The checks' and actions' shapes are validated from the generated schemas before a hook
//! runs; the hooks add what those cannot say.

use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use serde_json::{json, Map, Value};

/// `checks`, when given, holds at least one check (the spec's minItems, which the
/// generated shapes do not carry).
fn check_checks(fields: &Map<String, Value>) -> Result<(), ApiError> {
    if fields
        .get("checks")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        return Err(ApiError::bad_request(
            "\"checks\" must hold at least 1 item",
        ));
    }
    Ok(())
}

fn new_version(record: &mut Record) -> String {
    let version = ids::uuid_v4();
    record.hidden.insert("version_id".into(), json!(version));
    version
}

/// `{id, slug, version_id}`: what create and update answer.
fn answer(record: &Record) -> Value {
    json!({
        "id": record.str("id"),
        "slug": record.str("slug"),
        "version_id": record.hidden.get("version_id").cloned().unwrap_or(Value::Null),
    })
}

/// `guardrail_create`: stores `{id, slug: "guard_" + 12 hex digits, name, checks, actions,
/// workspace_id (null unless given), organisation_id, status: "active", owner_id,
/// updated_by: null, created_at, last_updated_at}` and a first version; answers
/// `{id, slug, version_id}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    check_checks(&fields)?;
    let existing: Vec<String> = ctx
        .stores
        .all(ctx.store())
        .iter()
        .map(|g| g.str("slug").to_owned())
        .collect();
    let slug = loop {
        let slug = format!("guard_{}", ids::hex(12));
        if !existing.contains(&slug) {
            break slug;
        }
    };
    fields.insert("slug".into(), json!(slug));
    fields.entry("workspace_id").or_insert(Value::Null);
    fields
        .entry("organisation_id")
        .or_insert_with(|| json!(ORGANISATION_ID));
    fields.insert("status".into(), json!("active"));
    fields.insert("owner_id".into(), json!(CALLER_ID));
    fields.insert("updated_by".into(), Value::Null);
    generic::stamp(&mut fields);
    let mut record = Record::new(fields);
    new_version(&mut record);
    let answer = answer(&record);
    ctx.stores.push(ctx.store(), record);
    Ok(answer)
}

/// `guardrail_update`: sets the fields sent, `updated_by`, `last_updated_at` and a new
/// version; answers `{id, slug, version_id}`.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    check_checks(&changes)?;
    let record = ctx.find_mut()?;
    record.fields.extend(changes);
    record.fields.insert("updated_by".into(), json!(CALLER_ID));
    generic::touch(record);
    new_version(record);
    Ok(answer(record))
}
