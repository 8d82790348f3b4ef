//! `/labels`: names that mark prompt versions (`prompts.versions.update`), usable as
//! `slug@<label>` in render and completions.
//!
//! A label's name follows the spec's pattern (which the clients do not check): letters,
//! digits, `-` and `_` (and at most one other character that is neither `@` nor
//! whitespace), and not `latest`, `default` or a number, which `slug@...` would read
//! otherwise. Names are unique within the organisation and workspace. A label without a
//! workspace is universal: every workspace's list shows it.

use super::stores;
use crate::audit::ORGANISATION_ID;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use serde_json::{json, Value};

/// The spec's pattern for a label name, by hand (it has look-aheads).
fn check_name(name: &str) -> Result<(), ApiError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let others = name.chars().filter(|c| !plain(*c)).count();
    let bad = name.is_empty()
        || name == "latest"
        || name == "default"
        || name.bytes().all(|b| b.is_ascii_digit())
        || others > 1
        || name.chars().any(|c| c == '@' || c.is_whitespace());
    if bad {
        return Err(ApiError::bad_request(format!(
            "\"name\" {name:?} is not a valid label name (letters, digits, - and _; not latest, default or a number)"
        )));
    }
    Ok(())
}

/// 400 if another label of the same organisation and workspace has `name`.
fn check_unique(
    ctx: &Ctx<'_>,
    name: &str,
    workspace: &Value,
    except: &str,
) -> Result<(), ApiError> {
    let taken = ctx.stores.all(stores::LABELS).iter().any(|l| {
        l.str("name") == name
            && l.fields.get("workspace_id").unwrap_or(&Value::Null) == workspace
            && l.str("id") != except
    });
    if taken {
        return Err(ApiError::bad_request(format!(
            "A label named {name:?} already exists"
        )));
    }
    Ok(())
}

/// `label_create`: checks the name (400); a `workspace_id` must name a workspace (404),
/// stored as its id; `organisation_id` defaults to the mock's organisation; `is_universal`
/// when no workspace; answers `{id}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    check_name(&name)?;
    let workspace = match fields.get("workspace_id").and_then(Value::as_str) {
        Some(key) => json!(ctx
            .stores
            .find(stores::WORKSPACES, key)
            .ok_or_else(|| ApiError::not_found(format!("Workspace not found: {key}")))?
            .str("id")),
        None => Value::Null,
    };
    check_unique(ctx, &name, &workspace, "")?;
    fields.insert("is_universal".into(), json!(workspace.is_null()));
    fields.insert("workspace_id".into(), workspace);
    fields
        .entry("organisation_id")
        .or_insert_with(|| json!(ORGANISATION_ID));
    fields.entry("description").or_insert(Value::Null);
    fields.entry("color_code").or_insert(Value::Null);
    fields.insert("status".into(), json!("active"));
    generic::stamp(&mut fields);
    let record = Record::new(fields);
    let id = record.str("id").to_owned();
    ctx.stores.push(stores::LABELS, record);
    Ok(json!({ "id": id }))
}

/// `label_list`: `organisation_id` by equality; `workspace_id` (id or slug) keeps that
/// workspace's labels and the universal ones; `search` keeps names containing it
/// (case-insensitive); paged.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let text = |name: &str| {
        ctx.input
            .query
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let workspace = text("workspace_id").map(|key| {
        ctx.stores
            .find(stores::WORKSPACES, &key)
            .map_or(key, |w| w.str("id").to_owned())
    });
    let search = text("search").map(|s| s.to_lowercase());
    let items = ctx
        .stores
        .all(stores::LABELS)
        .iter()
        .filter(|l| ctx.passes_filters(l, &["workspace_id", "search"]))
        .filter(|l| {
            workspace
                .as_deref()
                .is_none_or(|w| l.str("workspace_id") == w || l.str("workspace_id").is_empty())
        })
        .filter(|l| {
            search
                .as_deref()
                .is_none_or(|s| l.str("name").to_lowercase().contains(s))
        })
        .map(Record::render)
        .collect();
    Ok(ctx.page(items))
}

/// `label_update`: the create checks on a new name; sets the fields sent; answers `{}`.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    let label = ctx.find()?.clone();
    if let Some(name) = changes.get("name").and_then(Value::as_str) {
        check_name(name)?;
        let workspace = label
            .fields
            .get("workspace_id")
            .cloned()
            .unwrap_or(Value::Null);
        check_unique(ctx, name, &workspace, label.str("id"))?;
    }
    let record = ctx.find_mut()?;
    record.fields.extend(changes);
    generic::touch(record);
    Ok(json!({}))
}

/// A fixture: needs a valid `name`; the rest defaults as on create.
pub fn from_fixture(mut fields: serde_json::Map<String, Value>) -> Result<Record, String> {
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .ok_or("needs a \"name\"")?;
    check_name(name).map_err(|e| e.message)?;
    fields.entry("workspace_id").or_insert(Value::Null);
    let universal = fields["workspace_id"].is_null();
    for (field, value) in [
        ("organisation_id", json!(ORGANISATION_ID)),
        ("description", Value::Null),
        ("color_code", Value::Null),
        ("is_universal", json!(universal)),
        ("status", json!("active")),
    ] {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    Ok(Record::new(fields))
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_follow_the_spec_pattern() {
        for good in ["production", "staging-2", "v_1", "a.b"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "latest", "default", "12", "a b", "a@b", "a.b.c"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
