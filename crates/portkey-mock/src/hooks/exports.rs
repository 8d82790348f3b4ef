//! `/logs/exports`: export jobs over the stored logs (store `log_exports`, the spec's
//! `ExportItem` fields).
//!
//! - create stores a `draft` with the `filters` (the spec's `GenerationsFilterSchema`, applied
//!   as in src/hooks/logs.rs), `requested_data` (the columns; empty means all) and
//!   `description`; answers `{id, total, object: "export"}`, `total` the logs matching now.
//! - update changes a `draft`'s filters, columns or workspace (400 once started); answers
//!   like create.
//! - start takes a `draft` to `in_progress` and fixes its rows: the logs matching at that
//!   moment. It becomes `success` once the server's export delay (`--export-delay-ms`,
//!   default 500) has passed, which every read (retrieve, list, download, cancel) notices.
//! - cancel takes a `draft` or `in_progress` export to `stopped` (400 once finished).
//! - download answers `{signed_url}` for a `success` export (400 otherwise): a URL the mock
//!   serves itself without an API key, `{origin}/__mock/exports/{id}.jsonl`, one JSON object
//!   per exported log with the requested columns.
//!
//! No export ever `failed`: the mock's exports cannot go wrong (the state exists in the
//! spec and the SDKs' `wait` helpers treat it as an error).

use super::logs;
use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use serde_json::{json, Map, Value};

/// The store of export jobs.
pub const EXPORTS: &str = "log_exports";

/// The columns of an export row, in the spec's `LogExportsRequestedData` order.
pub const COLUMNS: &[&str] = &[
    "id",
    "trace_id",
    "created_at",
    "request",
    "response",
    "is_success",
    "ai_org",
    "ai_model",
    "req_units",
    "res_units",
    "total_units",
    "request_url",
    "cost",
    "cost_currency",
    "response_time",
    "response_status_code",
    "mode",
    "config",
    "prompt_slug",
    "metadata",
];

/// One exported log's `column`, from its stored record.
fn column(log: &Record, column: &str) -> Value {
    let field = |name: &str| log.fields.get(name).cloned().unwrap_or(Value::Null);
    match column {
        "ai_org" => field("provider"),
        "ai_model" => field("model"),
        "req_units" => field("prompt_tokens"),
        "res_units" => field("completion_tokens"),
        "total_units" => field("total_tokens"),
        "request_url" => log.fields["request"]
            .get("url")
            .cloned()
            .unwrap_or(Value::Null),
        "cost_currency" => json!("USD"),
        "response_time" => field("latency_ms"),
        "response_status_code" => field("status_code"),
        "mode" => json!(if log.fields.get("fallback_used") == Some(&json!(true)) {
            "fallback"
        } else {
            "single"
        }),
        other => field(other),
    }
}

/// A row of `columns` (all of them when empty) for each log matching `filters` now.
fn rows(stores: &Stores, filters: &Map<String, Value>, columns: &[Value]) -> Vec<Value> {
    let columns: Vec<&str> = if columns.is_empty() {
        COLUMNS.to_vec()
    } else {
        columns.iter().filter_map(Value::as_str).collect()
    };
    logs::filter(stores, filters)
        .into_iter()
        .map(|log| {
            let row: Map<String, Value> = columns
                .iter()
                .map(|c| ((*c).to_owned(), column(log, c)))
                .collect();
            Value::Object(row)
        })
        .collect()
}

fn filters_of(record: &Record) -> Map<String, Value> {
    record
        .fields
        .get("filters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn columns_of(record: &Record) -> Vec<Value> {
    record
        .fields
        .get("requested_data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Moves an `in_progress` export to `success` once the export delay has passed since it
/// started.
fn advance(record: &mut Record, delay_ms: i64) {
    if record.str("status") != "in_progress" {
        return;
    }
    let started = record
        .hidden
        .get("started_ms")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let done_at = started.saturating_add(delay_ms);
    if logs::now_millis() >= done_at {
        record.fields.insert("status".into(), json!("success"));
        record.fields.insert(
            "last_updated_at".into(),
            json!(logs::format_millis(done_at)),
        );
    }
}

fn delay_ms(stores: &Stores) -> i64 {
    i64::try_from(stores.env.export_delay.as_millis()).unwrap_or(i64::MAX)
}

/// Advances every export (reads see the state as of now).
fn advance_all(stores: &mut Stores) {
    let delay = delay_ms(stores);
    for record in stores.all_mut(EXPORTS) {
        advance(record, delay);
    }
}

/// The export the path names, advanced.
fn find_mut<'a>(ctx: &'a mut Ctx<'_>) -> Result<&'a mut Record, ApiError> {
    advance_all(ctx.stores);
    ctx.find_mut()
        .map_err(|_| ApiError::not_found("Export not found"))
}

/// `{id, total, object}`: the spec's `UpdateExportResponse`.
fn summary(stores: &Stores, record: &Record) -> Value {
    let total = logs::filter(stores, &filters_of(record)).len();
    json!({ "id": record.str("id"), "total": total, "object": "export" })
}

/// `export_create`: a `draft`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let body = ctx.input.body.clone();
    let mut fields = Map::new();
    fields.insert("id".into(), json!(ids::uuid_v4()));
    fields.insert("organisation_id".into(), json!(ORGANISATION_ID));
    for name in ["filters", "requested_data"] {
        fields.insert(name.into(), body.get(name).cloned().unwrap_or(Value::Null));
    }
    fields.insert("status".into(), json!("draft"));
    let description = body.get("description").and_then(Value::as_str);
    fields.insert("description".into(), json!(description.unwrap_or("")));
    generic::stamp(&mut fields);
    fields.insert("created_by".into(), json!(CALLER_ID));
    fields.insert(
        "workspace_id".into(),
        body.get("workspace_id").cloned().unwrap_or(Value::Null),
    );
    fields.insert("object".into(), json!("export"));
    let record = Record::new(fields);
    let answer = summary(ctx.stores, &record);
    ctx.stores.push(EXPORTS, record);
    Ok(answer)
}

/// `export_retrieve`: the export, its status as of now.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    Ok(find_mut(ctx)?.render())
}

/// `export_list`: every export (of `workspace_id` when given), statuses as of now.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    advance_all(ctx.stores);
    let items = ctx.matching().into_iter().map(Record::render).collect();
    Ok(ctx.page(items))
}

/// `export_update`: a draft's filters, columns and workspace.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes = ctx.input.body.clone();
    let record = find_mut(ctx)?;
    let status = record.str("status").to_owned();
    if status != "draft" {
        return Err(ApiError::bad_request(format!(
            "only a draft export can be updated; this one is {status}"
        )));
    }
    for name in ["filters", "requested_data", "workspace_id"] {
        if let Some(value) = changes.get(name) {
            record.fields.insert(name.into(), value.clone());
        }
    }
    generic::touch(record);
    let record = record.clone();
    Ok(summary(ctx.stores, &record))
}

fn task(message: &str) -> Value {
    json!({ "message": message, "object": "export" })
}

/// `export_start`: `draft` -> `in_progress`, with its rows fixed now.
pub fn start(ctx: &mut Ctx<'_>) -> ApiResult {
    let record = find_mut(ctx)?;
    let status = record.str("status").to_owned();
    if status != "draft" {
        return Err(ApiError::bad_request(format!(
            "only a draft export can be started; this one is {status}"
        )));
    }
    let (filters, columns) = (filters_of(record), columns_of(record));
    let rows = rows(ctx.stores, &filters, &columns);
    let record = ctx.find_mut()?;
    record.fields.insert("status".into(), json!("in_progress"));
    record
        .hidden
        .insert("started_ms".into(), json!(logs::now_millis()));
    record.hidden.insert("rows".into(), Value::Array(rows));
    generic::touch(record);
    Ok(task("Export started"))
}

/// `export_cancel`: a `draft` or `in_progress` export becomes `stopped`.
pub fn cancel(ctx: &mut Ctx<'_>) -> ApiResult {
    let record = find_mut(ctx)?;
    let status = record.str("status").to_owned();
    if status != "draft" && status != "in_progress" {
        return Err(ApiError::bad_request(format!(
            "the export has already finished ({status})"
        )));
    }
    record.fields.insert("status".into(), json!("stopped"));
    record.hidden.remove("rows");
    generic::touch(record);
    Ok(task("Export cancelled"))
}

/// `export_download`: `{signed_url}` of a finished export.
pub fn download(ctx: &mut Ctx<'_>) -> ApiResult {
    let origin = ctx.stores.env.origin.clone();
    let record = find_mut(ctx)?;
    let status = record.str("status");
    if status != "success" {
        return Err(ApiError::bad_request(format!(
            "the export is not ready to download: it is {status}"
        )));
    }
    Ok(json!({ "signed_url": format!("{origin}{}", file_path(record.str("id"))) }))
}

/// Where the mock serves an export's file.
pub fn file_path(id: &str) -> String {
    format!("/__mock/exports/{id}.jsonl")
}

/// The file behind a download URL (`GET /__mock/exports/{id}.jsonl`): JSON Lines, one
/// exported log per line; `None` unless `id` is a finished export.
pub fn file(stores: &mut Stores, id: &str) -> Option<String> {
    advance_all(stores);
    let record = stores.all(EXPORTS).iter().find(|r| r.str("id") == id)?;
    if record.str("status") != "success" {
        return None;
    }
    let rows = record.hidden.get("rows").and_then(Value::as_array)?;
    Some(rows.iter().map(|row| format!("{row}\n")).collect())
}
