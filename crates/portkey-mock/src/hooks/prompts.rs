//! `/prompts`: prompts live in collections and keep every version of their template.
//!
//! - A prompt (store `prompts`) holds its name, slug (`pp-` + six characters of the name +
//!   six hex digits, like the docs' `pp-hr-bot-5c8c6e`), collection and workspace; its
//!   versions (store `prompt_versions`, numbered from 1) hold the template: `string`,
//!   `parameters`, `model`, `virtual_key`, `functions`, `tools`, `tool_choice`,
//!   `is_raw_template`, `prompt_metadata`.
//! - create makes version 1 and publishes it. update changes the prompt's name or
//!   collection in place; sending any template field (all but `virtual_key` and
//!   `version_description`, which alone change the latest version in place) makes a new
//!   version from the latest one, and without `patch: true` such an update must send
//!   `string` and `parameters` (the spec's "strict validation"; 400 otherwise). A new version
//!   is not published: retrieve, render and completions keep using the published one until
//!   `publish` (`makeDefault`) names another.
//! - A key is the prompt's id or slug, optionally with `@N` (version N), `@latest` or
//!   `@<label name>` (the version that label marks), as the Portkey docs' `{promptId@12}`.
//! - versions.update attaches an existing label (404 otherwise) to a version; a label marks
//!   one version per prompt, so it leaves the one it marked before. Deleting a label
//!   removes it from the versions (see `sync`).

use super::{collections, stores};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::slugs::{slugify_or, unique_slug_from};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// The template fields a version holds.
const TEMPLATE_FIELDS: &[&str] = &[
    "string",
    "parameters",
    "model",
    "virtual_key",
    "functions",
    "tools",
    "tool_choice",
    "is_raw_template",
    "prompt_metadata",
];

/// Template fields that change the latest version in place rather than make a new one.
const IN_PLACE: &[&str] = &["virtual_key"];

pub fn find<'s>(stores: &'s Stores, key: &str) -> Option<&'s Record> {
    stores.find(stores::PROMPTS, key)
}

fn not_found() -> ApiError {
    ApiError::not_found("Prompt not found")
}

fn version_not_found() -> ApiError {
    ApiError::not_found("Prompt version not found")
}

/// A version's number.
fn number(version: &Record) -> u64 {
    version
        .fields
        .get("prompt_version")
        .and_then(Value::as_f64)
        .map_or(0, |n| n as u64)
}

/// The prompt's versions, oldest first.
fn versions<'s>(stores: &'s Stores, prompt_id: &str) -> Vec<&'s Record> {
    let mut list: Vec<&Record> = stores
        .all(stores::PROMPT_VERSIONS)
        .iter()
        .filter(|v| v.str("prompt_id") == prompt_id)
        .collect();
    list.sort_by_key(|v| number(v));
    list
}

/// The published version's number.
fn published(prompt: &Record) -> u64 {
    prompt
        .hidden
        .get("published")
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

/// The prompt and the version a key names: `slug`, `slug@3`, `slug@latest`, `slug@production`.
pub fn resolve(stores: &Stores, key: &str) -> Result<(Record, Record), ApiError> {
    let (prompt, selector) = match find(stores, key) {
        Some(prompt) => (prompt, None),
        None => {
            let (base, selector) = key.rsplit_once('@').ok_or_else(not_found)?;
            (find(stores, base).ok_or_else(not_found)?, Some(selector))
        }
    };
    let all = versions(stores, prompt.str("id"));
    let version = match selector {
        None => {
            let wanted = published(prompt);
            all.iter().find(|v| number(v) == wanted)
        }
        Some("latest") => all.last(),
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            let wanted: u64 = n.parse().map_err(|_| version_not_found())?;
            all.iter().find(|v| number(v) == wanted)
        }
        Some(label) => {
            let label_id = stores
                .all(stores::LABELS)
                .iter()
                .find(|l| l.str("name") == label || l.str("id") == label)
                .map(|l| l.str("id").to_owned())
                .ok_or_else(|| ApiError::not_found(format!("Label not found: {label}")))?;
            all.iter().find(|v| v.str("label_id") == label_id)
        }
    }
    .ok_or_else(version_not_found)?;
    Ok((prompt.clone(), (*version).clone()))
}

/// The spec's `Prompt`: the prompt with one version's template.
fn view(prompt: &Record, version: &Record) -> Value {
    let template = version
        .fields
        .get("prompt_template")
        .cloned()
        .unwrap_or_default();
    let field = |name: &str| template.get(name).cloned().unwrap_or(Value::Null);
    let raw =
        matches!(template.get("is_raw_template"), Some(v) if *v == json!(1) || *v == json!(true));
    json!({
        "id": prompt.str("id"),
        "slug": prompt.str("slug"),
        "name": prompt.fields.get("name"),
        "collection_id": prompt.fields.get("collection_id"),
        "workspace_id": prompt.fields.get("workspace_id"),
        "string": field("string"),
        "parameters": field("parameters"),
        "prompt_version": number(version),
        "prompt_version_id": version.str("id"),
        "prompt_version_status": version.fields.get("status"),
        "prompt_version_description": version.fields.get("prompt_description"),
        "prompt_version_label_id": version.fields.get("label_id"),
        "virtual_key": field("virtual_key"),
        "model": field("model"),
        "functions": field("functions"),
        "tools": field("tools"),
        "tool_choice": field("tool_choice"),
        "template_metadata": prompt.fields.get("template_metadata"),
        "prompt_metadata": field("prompt_metadata"),
        "is_raw_template": raw,
        "status": prompt.fields.get("status"),
        "created_at": prompt.fields.get("created_at"),
        "last_updated_at": prompt.fields.get("last_updated_at"),
        "object": "prompt",
    })
}

/// The spec's `PromptSummary`, the published version's model with it.
fn summary(stores: &Stores, prompt: &Record) -> Value {
    let model = versions(stores, prompt.str("id"))
        .into_iter()
        .find(|v| number(v) == published(prompt))
        .and_then(|v| v.fields["prompt_template"].get("model").cloned());
    json!({
        "id": prompt.str("id"),
        "slug": prompt.str("slug"),
        "name": prompt.fields.get("name"),
        "collection_id": prompt.fields.get("collection_id"),
        "workspace_id": prompt.fields.get("workspace_id"),
        "model": model,
        "status": prompt.fields.get("status"),
        "created_at": prompt.fields.get("created_at"),
        "last_updated_at": prompt.fields.get("last_updated_at"),
        "object": "prompt",
    })
}

/// Stores version `n` of the prompt with `template`; returns its id.
fn push_version(
    stores: &mut Stores,
    prompt_id: &str,
    n: u64,
    template: Map<String, Value>,
    description: Value,
) -> String {
    let id = ids::uuid_v4();
    stores.push(
        stores::PROMPT_VERSIONS,
        Record::new(
            json!({
                "id": id,
                "prompt_id": prompt_id,
                "prompt_version": n,
                "prompt_template": template,
                "prompt_description": description,
                "label_id": null,
                "created_at": time::now(),
                "status": "active",
                "object": "prompt",
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        ),
    );
    id
}

/// The collection a `collection_id` names, by id or slug: (its id, its workspace).
fn collection(stores: &Stores, key: &str) -> Result<(String, Value), ApiError> {
    let c = collections::find(stores, key)
        .ok_or_else(|| ApiError::not_found(format!("Collection not found: {key}")))?;
    Ok((
        c.str("id").to_owned(),
        c.fields.get("workspace_id").cloned().unwrap_or(Value::Null),
    ))
}

/// `prompt_create`: 404 unless `collection_id` names a collection (stored as its id, with
/// its workspace); version 1, published; answers `{id, slug, version_id, object: "prompt"}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let key = body
        .get("collection_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (collection_id, workspace_id) = collection(ctx.stores, key)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
    let short: String = slugify_or(name, "prompt").chars().take(6).collect();
    let base = format!("pp-{}", short.trim_end_matches('-'));
    let slug = {
        let existing = ctx.stores.all(stores::PROMPTS);
        unique_slug_from(&base, 6, existing.iter().map(|p| p.str("slug")))
    };
    let mut fields = Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    fields.insert("collection_id".into(), json!(collection_id));
    fields.insert("workspace_id".into(), workspace_id);
    fields.insert(
        "template_metadata".into(),
        body.get("template_metadata")
            .cloned()
            .unwrap_or(Value::Null),
    );
    fields.insert("status".into(), json!("active"));
    generic::stamp(&mut fields);
    let mut record = Record::new(fields);
    record.hidden.insert("published".into(), json!(1));
    let id = record.str("id").to_owned();
    let template: Map<String, Value> = TEMPLATE_FIELDS
        .iter()
        .filter_map(|f| body.get(*f).map(|v| ((*f).to_owned(), v.clone())))
        .collect();
    let description = body
        .get("version_description")
        .cloned()
        .unwrap_or(Value::Null);
    let version_id = push_version(ctx.stores, &id, 1, template, description);
    ctx.stores.push(stores::PROMPTS, record);
    Ok(json!({ "id": id, "slug": slug, "version_id": version_id, "object": "prompt" }))
}

/// `prompt_list`: `collection_id` (id or slug) and `workspace_id` (id or slug) select,
/// `search` keeps names or slugs containing it (case-insensitive); paged.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let text = |name: &str| {
        ctx.input
            .query
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let collection_id = text("collection_id")
        .map(|key| collections::find(ctx.stores, &key).map_or(key, |c| c.str("id").to_owned()));
    let workspace_id = text("workspace_id").map(|key| {
        ctx.stores
            .find(stores::WORKSPACES, &key)
            .map_or(key, |w| w.str("id").to_owned())
    });
    let search = text("search").map(|s| s.to_lowercase());
    let items = ctx
        .stores
        .all(stores::PROMPTS)
        .iter()
        .filter(|p| {
            collection_id
                .as_deref()
                .is_none_or(|c| p.str("collection_id") == c)
        })
        .filter(|p| {
            workspace_id
                .as_deref()
                .is_none_or(|w| p.str("workspace_id") == w)
        })
        .filter(|p| {
            search.as_deref().is_none_or(|s| {
                p.str("name").to_lowercase().contains(s) || p.str("slug").contains(s)
            })
        })
        .map(|p| summary(ctx.stores, p))
        .collect();
    Ok(ctx.page(items))
}

/// `prompt_retrieve`: the prompt with its published version (or the one `@N`/`@latest`/
/// `@label` names).
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let (prompt, version) = resolve(ctx.stores, ctx.path("promptId"))?;
    Ok(view(&prompt, &version))
}

/// `prompt_update`: see the module's docs; answers `{id, slug, prompt_version_id}` (the
/// latest version's id, new or not).
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let prompt = find(ctx.stores, ctx.path("promptId"))
        .ok_or_else(not_found)?
        .clone();
    let prompt_id = prompt.str("id").to_owned();
    let mut changed = prompt.clone();
    if let Some(name) = body.get("name") {
        changed.fields.insert("name".into(), name.clone());
    }
    if let Some(key) = body.get("collection_id").and_then(Value::as_str) {
        let (collection_id, workspace_id) = collection(ctx.stores, key)?;
        changed
            .fields
            .insert("collection_id".into(), json!(collection_id));
        changed.fields.insert("workspace_id".into(), workspace_id);
    }
    let sent = |f: &str| body.contains_key(f);
    let new_version = TEMPLATE_FIELDS
        .iter()
        .any(|f| !IN_PLACE.contains(f) && sent(f));
    let patch = body.get("patch") == Some(&json!(true));
    if new_version && !patch {
        for required in ["string", "parameters"] {
            if !body.contains_key(required) {
                return Err(ApiError::bad_request(format!(
                    "\"{required}\" is required to make a new version (or send patch: true to keep the latest version's)"
                )));
            }
        }
    }
    let latest = versions(ctx.stores, &prompt_id)
        .last()
        .map(|v| (*v).clone())
        .ok_or_else(version_not_found)?;
    let mut template = latest.fields["prompt_template"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for field in TEMPLATE_FIELDS.iter().copied().filter(|f| sent(f)) {
        template.insert(field.to_owned(), body[field].clone());
    }
    let version_id = if new_version {
        let description = body
            .get("version_description")
            .cloned()
            .unwrap_or(Value::Null);
        push_version(
            ctx.stores,
            &prompt_id,
            number(&latest) + 1,
            template,
            description,
        )
    } else {
        if let Some(v) = ctx
            .stores
            .all_mut(stores::PROMPT_VERSIONS)
            .iter_mut()
            .find(|v| v.str("id") == latest.str("id"))
        {
            v.fields
                .insert("prompt_template".into(), Value::Object(template));
            if let Some(description) = body.get("version_description") {
                v.fields
                    .insert("prompt_description".into(), description.clone());
            }
        }
        latest.str("id").to_owned()
    };
    generic::touch(&mut changed);
    if let Some(p) = ctx
        .stores
        .all_mut(stores::PROMPTS)
        .iter_mut()
        .find(|p| p.str("id") == prompt_id)
    {
        *p = changed;
    }
    Ok(json!({ "id": prompt_id, "slug": prompt.str("slug"), "prompt_version_id": version_id }))
}

/// `prompt_publish`: 404 unless the prompt has version `version`; it becomes the published
/// one. Answers `{}`.
pub fn publish(ctx: &mut Ctx<'_>) -> ApiResult {
    let wanted = ctx
        .input
        .body
        .get("version")
        .and_then(Value::as_f64)
        .unwrap_or(-1.0);
    let key = ctx.path("promptId").to_owned();
    let prompt = find(ctx.stores, &key).ok_or_else(not_found)?;
    let exists = versions(ctx.stores, prompt.str("id"))
        .iter()
        .any(|v| number(v) as f64 == wanted);
    if !exists {
        return Err(version_not_found());
    }
    let id = prompt.str("id").to_owned();
    if let Some(p) = ctx
        .stores
        .all_mut(stores::PROMPTS)
        .iter_mut()
        .find(|p| p.str("id") == id)
    {
        p.hidden.insert("published".into(), json!(wanted as u64));
        generic::touch(p);
    }
    Ok(json!({}))
}

/// `prompt_versions_list`: 404 for an unknown prompt; `{object: "list", total, data}`
/// (the spec answers a bare array; see codegen/overlay/prompts.yaml), oldest first.
pub fn versions_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let prompt = find(ctx.stores, ctx.path("promptId")).ok_or_else(not_found)?;
    let data: Vec<Value> = versions(ctx.stores, prompt.str("id"))
        .into_iter()
        .map(Record::render)
        .collect();
    Ok(json!({ "object": "list", "total": data.len(), "data": data }))
}

/// The version `{versionId}` of the prompt `{promptId}`.
fn path_version(ctx: &Ctx<'_>) -> Result<(Record, Record), ApiError> {
    let prompt = find(ctx.stores, ctx.path("promptId")).ok_or_else(not_found)?;
    let version = versions(ctx.stores, prompt.str("id"))
        .into_iter()
        .find(|v| v.str("id") == ctx.path("versionId"))
        .ok_or_else(version_not_found)?;
    Ok((prompt.clone(), version.clone()))
}

/// `prompt_version_retrieve`: the prompt as that version has it; 404 for an unknown prompt
/// or a version of another prompt.
pub fn version_retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let (prompt, version) = path_version(ctx)?;
    Ok(view(&prompt, &version))
}

/// `prompt_version_update`: `label_id` must name an existing label (404), which then marks
/// this version and no other of the prompt; `label_id: null` removes the version's label.
/// Answers `{}`.
pub fn version_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let (prompt, version) = path_version(ctx)?;
    let Some(label) = ctx.input.body.get("label_id").cloned() else {
        return Ok(json!({}));
    };
    if let Some(key) = label.as_str() {
        if ctx.stores.find(stores::LABELS, key).is_none() {
            return Err(ApiError::not_found(format!("Label not found: {key}")));
        }
    }
    let label_id = label
        .as_str()
        .and_then(|key| ctx.stores.find(stores::LABELS, key))
        .map_or(Value::Null, |l| json!(l.str("id")));
    for v in ctx.stores.all_mut(stores::PROMPT_VERSIONS).iter_mut() {
        if v.str("id") == version.str("id") {
            v.fields.insert("label_id".into(), label_id.clone());
        } else if v.str("prompt_id") == prompt.str("id")
            && !label_id.is_null()
            && v.fields.get("label_id") == Some(&label_id)
        {
            v.fields.insert("label_id".into(), Value::Null);
        }
    }
    Ok(json!({}))
}

/// After every change: versions follow their prompts, and deleted labels leave versions.
pub fn sync(stores: &mut Stores) {
    let prompts: Vec<String> = stores
        .all(stores::PROMPTS)
        .iter()
        .map(|p| p.str("id").to_owned())
        .collect();
    stores.remove_where(stores::PROMPT_VERSIONS, |v| {
        !prompts.iter().any(|id| id == v.str("prompt_id"))
    });
    let labels: Vec<String> = stores
        .all(stores::LABELS)
        .iter()
        .map(|l| l.str("id").to_owned())
        .collect();
    for v in stores.all_mut(stores::PROMPT_VERSIONS).iter_mut() {
        let label = v.str("label_id");
        if !label.is_empty() && !labels.iter().any(|id| id == label) {
            v.fields.insert("label_id".into(), Value::Null);
        }
    }
}

/// A fixture: needs a `name` (or a `slug`, default `pp-...` from the name); `collection_id`
/// must name a fixture collection (id or slug); the template fields (`string`,
/// `parameters`, `model`, ...) and `version_description` become its version 1, published.
pub fn from_fixture(stores: &mut Stores, mut fields: Map<String, Value>) -> Result<Record, String> {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (slug, name, collection) = (text("slug"), text("name"), text("collection_id"));
    let Some(name) = name.or_else(|| slug.clone()) else {
        return Err("needs a \"name\" or a \"slug\"".into());
    };
    let slug = slug.unwrap_or_else(|| {
        let short: String = slugify_or(&name, "prompt").chars().take(6).collect();
        let base = format!("pp-{}", short.trim_end_matches('-'));
        let existing = stores.all(stores::PROMPTS);
        unique_slug_from(&base, 6, existing.iter().map(|p| p.str("slug")))
    });
    if let Some(key) = collection {
        let (id, workspace) = self::collection(stores, &key)
            .map_err(|_| format!("no collection {key:?} among the collections"))?;
        fields.insert("collection_id".into(), json!(id));
        fields.entry("workspace_id").or_insert(workspace);
    }
    let template: Map<String, Value> = TEMPLATE_FIELDS
        .iter()
        .filter_map(|f| fields.remove(*f).map(|v| ((*f).to_owned(), v)))
        .collect();
    let description = fields.remove("version_description").unwrap_or(Value::Null);
    fields.insert("name".into(), json!(name));
    fields.insert("slug".into(), json!(slug));
    for (field, value) in [
        ("collection_id", Value::Null),
        ("workspace_id", Value::Null),
        ("template_metadata", Value::Null),
        ("status", json!("active")),
    ] {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    let mut record = Record::new(fields);
    record.hidden.insert("published".into(), json!(1));
    push_version(stores, record.str("id"), 1, template, description);
    Ok(record)
}
