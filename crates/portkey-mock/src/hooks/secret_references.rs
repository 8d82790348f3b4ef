//! `/secret-references`: where a secret lives in an external manager and how to reach it.
//! The manager credentials in `auth_config` are stored apart; retrieve shows them with every
//! sensitive value masked, so no answer ever carries a secret. A reference that integrations
//! or virtual keys map is refused deletion (400), as the spec says.

use super::integrations::is_sensitive;
use super::stores;
use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{stamp, touch, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::secrets::mask;
use crate::slugs::{slugify_or, unique_slug};
use serde_json::{json, Map, Value};

/// Per manager: the field naming the way to authenticate, and for each way the fields it
/// requires (the spec's `*AuthConfig` schemas).
/// A way to authenticate and the fields it requires.
type Mode = (&'static str, &'static [&'static str]);

const AUTH: &[(&str, &str, &[Mode])] = &[
    (
        "aws_sm",
        "aws_auth_type",
        &[
            (
                "accessKey",
                &["aws_access_key_id", "aws_secret_access_key", "aws_region"],
            ),
            ("assumedRole", &["aws_role_arn", "aws_region"]),
            ("serviceRole", &[]),
        ],
    ),
    (
        "azure_kv",
        "azure_auth_mode",
        &[
            (
                "entra",
                &[
                    "azure_entra_tenant_id",
                    "azure_entra_client_id",
                    "azure_entra_client_secret",
                    "azure_vault_url",
                ],
            ),
            ("managed", &["azure_vault_url"]),
            ("default", &["azure_vault_url"]),
        ],
    ),
    (
        "hashicorp_vault",
        "vault_auth_type",
        &[
            ("token", &["vault_addr", "vault_token"]),
            (
                "approle",
                &["vault_addr", "vault_role_id", "vault_secret_id"],
            ),
            ("kubernetes", &["vault_addr", "vault_role"]),
        ],
    ),
];

/// `auth_config` must fit `manager`: its way of authenticating, with that way's fields.
fn check_auth(manager: &str, auth: &Map<String, Value>) -> Result<(), ApiError> {
    let Some((_, mode_field, modes)) = AUTH.iter().find(|(m, _, _)| *m == manager) else {
        return Ok(());
    };
    let mode = auth
        .get(*mode_field)
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some((_, required)) = modes.iter().find(|(m, _)| *m == mode) else {
        let known: Vec<&str> = modes.iter().map(|(m, _)| *m).collect();
        return Err(ApiError::bad_request(format!(
            "\"auth_config.{mode_field}\" must be one of {known:?} for {manager}"
        )));
    };
    for field in *required {
        if !auth.get(*field).is_some_and(Value::is_string) {
            return Err(ApiError::bad_request(format!(
                "\"auth_config.{field}\" is required for {manager} with {mode}"
            )));
        }
    }
    Ok(())
}

/// `auth_config` as answers show it: sensitive values masked.
fn masked(auth: &Map<String, Value>) -> Value {
    let shown = auth
        .iter()
        .map(|(field, value)| {
            let value = match value.as_str() {
                Some(secret) if is_sensitive(field) => json!(mask(secret)),
                _ if is_sensitive(field) => json!("*******"),
                _ => value.clone(),
            };
            (field.clone(), value)
        })
        .collect();
    Value::Object(shown)
}

/// Every listed workspace must exist (by id or slug).
fn check_workspaces(stores: &Stores, fields: &Map<String, Value>) -> Result<(), ApiError> {
    for (i, id) in fields
        .get("allowed_workspaces")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = id.as_str().unwrap_or_default();
        if stores.find(stores::WORKSPACES, id).is_none() {
            return Err(ApiError::bad_request(format!(
                "\"allowed_workspaces[{i}]\": no workspace {id:?}"
            )));
        }
    }
    if fields.get("allow_all_workspaces") == Some(&json!(true))
        && fields.contains_key("allowed_workspaces")
    {
        return Err(ApiError::bad_request(
            "\"allow_all_workspaces\" cannot be true when allowed_workspaces is given",
        ));
    }
    Ok(())
}

/// Sets request fields; `auth_config` is merged over the stored one and shown masked;
/// `allowed_workspaces` sets `allow_all_workspaces` false and `allow_all_workspaces: true`
/// drops the list.
fn apply(reference: &mut Record, fields: Map<String, Value>) {
    for (field, value) in fields {
        match field.as_str() {
            "auth_config" => {
                let mut auth = reference
                    .hidden
                    .get("auth_config")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                auth.extend(value.as_object().cloned().unwrap_or_default());
                reference.fields.insert(field, masked(&auth));
                reference
                    .hidden
                    .insert("auth_config".into(), Value::Object(auth));
            }
            "allowed_workspaces" => {
                reference
                    .fields
                    .insert("allow_all_workspaces".into(), json!(false));
                reference.fields.insert(field, value);
            }
            "allow_all_workspaces" => {
                if value == json!(true) {
                    reference.fields.remove("allowed_workspaces");
                }
                reference.fields.insert(field, value);
            }
            _ => {
                reference.fields.insert(field, value);
            }
        }
    }
}

/// `secret_reference_create`: slug as given (400 if taken) or from the name (plus a hex tail
/// if taken); `auth_config` checked against `manager_type`; answers `{id, slug, object}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    let manager = fields
        .get("manager_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let auth = fields
        .get("auth_config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    check_auth(manager, &auth)?;
    check_workspaces(ctx.stores, &fields)?;
    let existing = ctx.stores.all(ctx.store());
    let slug = match fields.get("slug").and_then(Value::as_str) {
        Some(slug) if existing.iter().any(|r| r.str("slug") == slug) => {
            return Err(ApiError::bad_request(format!(
                "a secret reference with slug {slug:?} already exists"
            )))
        }
        Some(slug) => slug.to_owned(),
        None => {
            let name = fields.get("name").and_then(Value::as_str).unwrap_or("");
            let base = slugify_or(name, "secret-reference");
            if existing.iter().any(|r| r.str("slug") == base) {
                unique_slug(&base, existing.iter().map(|r| r.str("slug")))
            } else {
                base
            }
        }
    };
    let mut reference = Record::new(Map::new());
    for (field, value) in [
        ("organisation_id", json!(ORGANISATION_ID)),
        ("description", Value::Null),
        ("secret_key", Value::Null),
        ("allow_all_workspaces", json!(true)),
        ("tags", Value::Null),
        ("status", json!("ACTIVE")),
        ("created_by", json!(CALLER_ID)),
        ("object", json!("secret-reference")),
    ] {
        reference.fields.insert(field.into(), value);
    }
    apply(&mut reference, fields);
    reference.fields.insert("slug".into(), json!(slug));
    stamp(&mut reference.fields);
    let answer = json!({ "id": reference.str("id"), "slug": slug, "object": "secret-reference" });
    ctx.stores.push(ctx.store(), reference);
    Ok(answer)
}

/// `secret_reference_list`: `manager_type` by equality, `search` as a case-insensitive
/// substring of the name, `tags` (a JSON object) keeps references carrying every tag given;
/// items show the list fields only; 20 a page unless `page_size` says otherwise.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let query = &ctx.input.query;
    let tags: Map<String, Value> = match query.get("tags").and_then(Value::as_str) {
        None => Map::new(),
        Some(text) => match serde_json::from_str(text) {
            Ok(Value::Object(tags)) => tags,
            _ => {
                return Err(ApiError::bad_request(
                    "\"tags\" must be a JSON-encoded object",
                ))
            }
        },
    };
    let manager = query.get("manager_type").and_then(Value::as_str);
    let search = query
        .get("search")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    const FIELDS: &[&str] = &[
        "id",
        "name",
        "slug",
        "manager_type",
        "status",
        "created_at",
        "last_updated_at",
        "object",
    ];
    let items = ctx
        .stores
        .all(ctx.store())
        .iter()
        .filter(|r| manager.is_none_or(|m| r.str("manager_type") == m))
        .filter(|r| {
            search
                .as_deref()
                .is_none_or(|s| r.str("name").to_lowercase().contains(s))
        })
        .filter(|r| tags.iter().all(|(k, v)| r.fields["tags"].get(k) == Some(v)))
        .map(|r| {
            let fields = FIELDS
                .iter()
                .filter_map(|f| r.fields.get(*f).map(|v| ((*f).to_owned(), v.clone())))
                .collect();
            Value::Object(fields)
        })
        .collect();
    ctx.input
        .query
        .entry("page_size")
        .or_insert_with(|| json!(20));
    Ok(ctx.page(items))
}

/// `secret_reference_update`: 400 when no field is sent; otherwise as [`apply`]; the merged
/// `auth_config` must still fit the reference's manager.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    if changes.is_empty() {
        return Err(ApiError::bad_request("no valid fields to update"));
    }
    check_workspaces(ctx.stores, &changes)?;
    let reference = ctx.find_mut()?;
    let mut updated = reference.clone();
    apply(&mut updated, changes);
    let auth = updated
        .hidden
        .get("auth_config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    check_auth(updated.str("manager_type"), &auth)?;
    touch(&mut updated);
    *reference = updated;
    Ok(json!({}))
}

/// `secret_reference_delete`: 400 while an integration's or virtual key's `secret_mappings`
/// name the reference (by id or slug).
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let reference = ctx.find()?;
    let (id, slug) = (reference.str("id"), reference.str("slug"));
    let in_use = [stores::INTEGRATIONS, stores::VIRTUAL_KEYS]
        .iter()
        .any(|store| {
            ctx.stores.all(store).iter().any(|r| {
                r.fields
                    .get("secret_mappings")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|m| m["secret_reference_id"] == id || m["secret_reference_id"] == slug)
            })
        });
    if in_use {
        return Err(ApiError::bad_request(
            "Secret reference is in use by integrations or virtual keys",
        ));
    }
    ctx.remove()?;
    Ok(json!({}))
}
