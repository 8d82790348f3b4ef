//! `/integrations`: a provider credential held once and used by providers. The key is stored
//! apart and shown only as `masked_key`; sensitive `configurations` fields are shown only as
//! `masked_<field>`. Each integration keeps the models it allows (its provider's models in
//! the built-in price list, then custom ones) and the workspaces that may use it.
//!
//! Deleting an integration deletes its providers too: the spec declares only a 200 answer
//! for the delete, with no refusal, so nothing is left pointing at a deleted integration.

use super::{model_pricing, providers, stores};
use crate::audit::ORGANISATION_ID;
use crate::engine::generic::{stamp, touch, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::secrets::{check_secret_mappings, mask};
use crate::slugs::{slugify_or, unique_slug};
use serde_json::{json, Map, Value};

/// Whether a credential field's value is a secret (`aws_secret_access_key`, `api_key`,
/// `vault_token`, `azure_entra_client_secret`, ...), as opposed to an id, URL or region.
pub fn is_sensitive(field: &str) -> bool {
    let field = field.to_ascii_lowercase();
    ["secret", "token", "password", "service_account", "private"]
        .iter()
        .any(|word| field.contains(word))
        || field == "key"
        || field.ends_with("_key")
}

/// `configurations` as retrieve shows them: sensitive fields become `masked_<field>` with a
/// masked value; the others stay as sent.
fn masked_configurations(raw: &Map<String, Value>) -> Map<String, Value> {
    raw.iter()
        .map(|(field, value)| match value.as_str() {
            Some(secret) if is_sensitive(field) => (format!("masked_{field}"), json!(mask(secret))),
            _ if is_sensitive(field) => (format!("masked_{field}"), json!("*******")),
            _ => (field.clone(), value.clone()),
        })
        .collect()
}

/// Applies create or update fields: the key and the raw configurations are kept hidden and
/// shown masked; the workspace-access and default-provider switches are not stored.
fn apply(integration: &mut Record, fields: Map<String, Value>) {
    for (field, value) in fields {
        match field.as_str() {
            "key" => match value.as_str() {
                Some(secret) => {
                    integration.hidden.insert("secret".into(), json!(secret));
                    integration
                        .fields
                        .insert("masked_key".into(), json!(mask(secret)));
                }
                None => {
                    integration.hidden.remove("secret");
                    integration.fields.insert("masked_key".into(), Value::Null);
                }
            },
            "configurations" => {
                let raw = value.as_object().cloned().unwrap_or_default();
                integration
                    .fields
                    .insert(field, Value::Object(masked_configurations(&raw)));
                integration
                    .hidden
                    .insert("configurations".into(), Value::Object(raw));
            }
            "create_default_provider" | "default_provider_slug" => {}
            _ => {
                integration.fields.insert(field, value);
            }
        }
    }
}

/// One model entry as `models.list` shows it.
fn model(slug: &str, custom: bool) -> Value {
    json!({
        "slug": slug, "name": slug, "enabled": true, "is_custom": custom,
        "is_finetune": false, "base_model_slug": null,
    })
}

fn list_of<'a>(record: &'a Record, name: &str) -> &'a [Value] {
    record
        .hidden
        .get(name)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A default provider for `workspace`, refused (400) if the workspace already has its slug.
fn default_provider(
    stores: &Stores,
    integration: &Record,
    workspace: &str,
    slug: Option<&str>,
) -> Result<Record, ApiError> {
    let slug = slug.unwrap_or(integration.str("slug"));
    let mut fields = Map::new();
    fields.insert("name".into(), json!(integration.str("name")));
    providers::new_provider(
        stores,
        integration.str("slug"),
        workspace,
        Some(slug),
        fields,
    )
}

/// `integration_create`: slug as given (400 if taken) or from the name plus a hex tail; the
/// models of its provider in the price list, all enabled; a workspace-scoped integration is
/// enabled for its workspace and, unless `create_default_provider` is false, gets a provider
/// there (slug `default_provider_slug`, else the integration's). Answers `{id, slug}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    check_secret_mappings(&fields, "configurations")?;
    let existing = ctx.stores.all(ctx.store());
    let slug = match fields.get("slug").and_then(Value::as_str) {
        Some(slug) if existing.iter().any(|i| i.str("slug") == slug) => {
            return Err(ApiError::bad_request(format!(
                "an integration with slug {slug:?} already exists"
            )))
        }
        Some(slug) => slug.to_owned(),
        None => {
            let name = fields.get("name").and_then(Value::as_str).unwrap_or("");
            unique_slug(
                &slugify_or(name, "integration"),
                existing.iter().map(|i| i.str("slug")),
            )
        }
    };
    let workspace = fields
        .get("workspace_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let with_provider =
        !workspace.is_empty() && fields.get("create_default_provider") != Some(&json!(false));
    let provider_slug = fields
        .get("default_provider_slug")
        .and_then(Value::as_str)
        .map(str::to_owned);

    let mut integration = Record::new(Map::new());
    for (field, value) in [
        ("slug", json!(slug)),
        ("organisation_id", json!(ORGANISATION_ID)),
        ("status", json!("active")),
        ("description", Value::Null),
        ("masked_key", Value::Null),
        ("configurations", json!({})),
        ("allow_all_models", json!(true)),
        ("global_workspace_access_settings", Value::Null),
        ("workspace_count", json!(0)),
        ("secret_mappings", json!([])),
        ("pricing_adjustments", Value::Null),
        ("object", json!("integration")),
    ] {
        integration.fields.insert(field.into(), value);
    }
    apply(&mut integration, fields);
    integration.fields.insert("slug".into(), json!(slug));
    stamp(&mut integration.fields);
    let provider_id = integration.str("ai_provider_id").to_owned();
    let models: Vec<Value> = model_pricing::models_of(&provider_id)
        .into_iter()
        .map(|m| model(m, false))
        .collect();
    integration
        .hidden
        .insert("models".into(), Value::Array(models));
    let mut workspaces = Vec::new();
    if !workspace.is_empty() {
        workspaces.push(
            json!({"id": workspace, "enabled": true, "usage_limits": null, "rate_limits": null}),
        );
        integration
            .fields
            .insert("workspace_count".into(), json!(1));
    }
    integration
        .hidden
        .insert("workspaces".into(), Value::Array(workspaces));
    let provider = if with_provider {
        Some(default_provider(
            ctx.stores,
            &integration,
            &workspace,
            provider_slug.as_deref(),
        )?)
    } else {
        None
    };
    let answer = json!({ "id": integration.str("id"), "slug": slug });
    ctx.stores.push(ctx.store(), integration);
    if let Some(provider) = provider {
        ctx.stores.push(stores::PROVIDERS, provider);
    }
    Ok(answer)
}

/// `integration_list`: `type` `workspace` keeps workspace-scoped integrations, `organisation`
/// the others, `all` (the default) both; `workspace_id` keeps those that workspace may use
/// (its own, granted to it, or open to every workspace). Items show the list fields only;
/// 100 a page unless `page_size` says otherwise.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let kind = ctx
        .input
        .query
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("all")
        .to_owned();
    let workspace = ctx
        .input
        .query
        .get("workspace_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let items = ctx
        .stores
        .all(ctx.store())
        .iter()
        .filter(|i| match kind.as_str() {
            "workspace" => !i.str("workspace_id").is_empty(),
            "organisation" => i.str("workspace_id").is_empty(),
            _ => true,
        })
        .filter(|i| workspace.as_deref().is_none_or(|w| usable_by(i, w)))
        .map(summary)
        .collect();
    ctx.input
        .query
        .entry("page_size")
        .or_insert_with(|| json!(100));
    Ok(ctx.page(items))
}

/// Whether workspace `id` may use `integration`.
fn usable_by(integration: &Record, id: &str) -> bool {
    integration.str("workspace_id") == id
        || integration.fields["global_workspace_access_settings"]["enabled"] == json!(true)
        || list_of(integration, "workspaces")
            .iter()
            .any(|w| w["id"] == id && w["enabled"] == json!(true))
}

/// An integration as list shows it: the spec's `IntegrationList` fields.
fn summary(integration: &Record) -> Value {
    const FIELDS: &[&str] = &[
        "id",
        "organisation_id",
        "ai_provider_id",
        "name",
        "status",
        "created_at",
        "last_updated_at",
        "slug",
        "description",
        "object",
    ];
    let fields = FIELDS
        .iter()
        .filter_map(|f| {
            integration
                .fields
                .get(*f)
                .map(|v| ((*f).to_owned(), v.clone()))
        })
        .collect();
    Value::Object(fields)
}

/// `integration_update`: sets the fields sent, the key and configurations as create does.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    check_secret_mappings(&changes, "configurations")?;
    let integration = ctx.find_mut()?;
    apply(integration, changes);
    touch(integration);
    Ok(json!({}))
}

/// `integration_delete`: removes the integration and every provider made from it.
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let gone = ctx.remove()?;
    let (id, slug) = (gone.str("id"), gone.str("slug"));
    ctx.stores.remove_where(stores::PROVIDERS, |p| {
        let of = p.str("integration_id");
        of == id || of == slug
    });
    Ok(json!({}))
}

/// `integration_models_list`: `{total, models}`, the integration's models as updated.
pub fn models_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let models = list_of(ctx.find()?, "models").to_vec();
    Ok(json!({ "total": models.len(), "models": models }))
}

/// `integration_models_update`: each entry changes the model of its slug (the fields sent
/// replace the stored ones); a slug the integration does not have is added when `is_custom`
/// or `is_finetune` is true and refused (400) otherwise, before anything changes.
/// `allow_all_models` is stored on the integration.
pub fn models_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let integration = ctx.find_mut()?;
    let mut models = list_of(integration, "models").to_vec();
    for (i, change) in body
        .get("models")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(changes) = change.as_object() else {
            return Err(ApiError::bad_request(format!(
                "\"models[{i}]\" must be an object"
            )));
        };
        let slug = match change["slug"].as_str() {
            Some(slug) if !slug.is_empty() => slug,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "\"models[{i}].slug\" is required"
                )))
            }
        };
        if !change["enabled"].is_boolean() {
            return Err(ApiError::bad_request(format!(
                "\"models[{i}].enabled\" is required (true or false)"
            )));
        }
        let index = match models.iter().position(|m| m["slug"] == slug) {
            Some(index) => index,
            None if change["is_custom"] == json!(true) || change["is_finetune"] == json!(true) => {
                models.push(model(slug, change["is_custom"] == json!(true)));
                models.len() - 1
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "\"models[{i}].slug\": the integration has no model {slug:?}; set is_custom to add one"
                )))
            }
        };
        if let Some(stored) = models[index].as_object_mut() {
            for (field, value) in changes {
                stored.insert(field.clone(), value.clone());
            }
        }
    }
    integration
        .hidden
        .insert("models".into(), Value::Array(models));
    if let Some(all) = body.get("allow_all_models") {
        integration
            .fields
            .insert("allow_all_models".into(), all.clone());
    }
    touch(integration);
    Ok(json!({}))
}

/// `integration_models_delete`: removes the custom (or fine-tuned) models named in `slugs`
/// (comma-separated); a slug that is not one of them is refused (400) and nothing is removed.
pub fn models_delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let slugs: Vec<String> = ctx
        .input
        .query
        .get("slugs")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let integration = ctx.find_mut()?;
    let mut models = list_of(integration, "models").to_vec();
    for slug in &slugs {
        let custom = models.iter().any(|m| {
            m["slug"] == slug.as_str()
                && (m["is_custom"] == json!(true) || m["is_finetune"] == json!(true))
        });
        if !custom {
            return Err(ApiError::bad_request(format!(
                "\"slugs\": {slug:?} is not a custom model of this integration"
            )));
        }
    }
    models.retain(|m| !slugs.iter().any(|s| m["slug"] == s.as_str()));
    integration
        .hidden
        .insert("models".into(), Value::Array(models));
    touch(integration);
    Ok(json!({}))
}

/// `integration_workspaces_list`: `{total, workspaces}`, each granted workspace with its
/// limits.
pub fn workspaces_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let workspaces = list_of(ctx.find()?, "workspaces").to_vec();
    Ok(json!({ "total": workspaces.len(), "workspaces": workspaces }))
}

/// `integration_workspaces_update`: every listed workspace must exist (404 otherwise, nothing
/// changed); each entry sets that workspace's `enabled` and limits, and
/// `override_existing_workspace_access: true` drops the grants not listed. A workspace newly
/// enabled gets a default provider unless `create_default_provider` (its own, else the
/// request's) is false; its slug is `default_provider_slug` (its own, else the request's,
/// else the integration's) and one the workspace already has is refused (400).
/// `global_workspace_access` becomes `global_workspace_access_settings`.
pub fn workspaces_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let integration = ctx.find()?.clone();
    let changes: Vec<Map<String, Value>> = body
        .get("workspaces")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_object().cloned())
        .collect();
    let mut grants = if body.get("override_existing_workspace_access") == Some(&json!(true)) {
        Vec::new()
    } else {
        list_of(&integration, "workspaces").to_vec()
    };
    let mut new_providers: Vec<Record> = Vec::new();
    for change in &changes {
        let wanted = change.get("id").and_then(Value::as_str).unwrap_or_default();
        let workspace = ctx
            .stores
            .find(stores::WORKSPACES, wanted)
            .ok_or_else(|| ApiError::not_found(format!("Workspace {wanted:?} not found")))?;
        let id = workspace.str("id").to_owned();
        let enabled = change.get("enabled") == Some(&json!(true));
        let was_enabled = list_of(&integration, "workspaces")
            .iter()
            .any(|w| w["id"] == id.as_str() && w["enabled"] == json!(true));
        let pick = |field: &str| change.get(field).or_else(|| body.get(field)).cloned();
        if enabled && !was_enabled && pick("create_default_provider") != Some(json!(false)) {
            let slug = pick("default_provider_slug");
            let slug = slug.as_ref().and_then(Value::as_str);
            let taken_here = new_providers.iter().any(|p| {
                p.str("workspace_id") == id
                    && Some(p.str("slug")) == slug.or(Some(integration.str("slug")))
            });
            if taken_here {
                return Err(ApiError::bad_request(
                    "a default provider slug repeats in one workspace",
                ));
            }
            new_providers.push(default_provider(ctx.stores, &integration, &id, slug)?);
        }
        let mut grant = json!({
            "id": id, "enabled": enabled,
            "usage_limits": change.get("usage_limits").cloned().unwrap_or(Value::Null),
            "rate_limits": change.get("rate_limits").cloned().unwrap_or(Value::Null),
        });
        match grants.iter_mut().find(|w| w["id"] == id.as_str()) {
            Some(stored) => {
                for field in ["usage_limits", "rate_limits"] {
                    if change.get(field).is_none() {
                        grant[field] = stored[field].clone();
                    }
                }
                *stored = grant;
            }
            None => grants.push(grant),
        }
    }
    let enabled = grants
        .iter()
        .filter(|w| w["enabled"] == json!(true))
        .count();
    let stored = ctx.find_mut()?;
    stored
        .hidden
        .insert("workspaces".into(), Value::Array(grants));
    stored
        .fields
        .insert("workspace_count".into(), json!(enabled));
    if let Some(global) = body.get("global_workspace_access") {
        stored
            .fields
            .insert("global_workspace_access_settings".into(), global.clone());
    }
    touch(stored);
    for provider in new_providers {
        ctx.stores.push(stores::PROVIDERS, provider);
    }
    Ok(json!({}))
}
