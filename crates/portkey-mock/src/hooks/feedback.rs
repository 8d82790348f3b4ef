//! `/feedback`: feedback attaches to a trace id (its logs need not exist yet: feedback may
//! come before the log). Store `feedback` holds exactly `{id, trace_id, value, weight,
//! metadata, created_at}`, which the analytics hooks read; a feedback counts at its trace's
//! first log's time (analytics decides), else its own `created_at`.
//!
//! `POST /feedback` takes one feedback object or, for `feedback.bulk_create`, an array of
//! them (also accepted wrapped as `{"feedbacks": [...]}`); all are checked before any is
//! stored. `value` an integer from -10 to 10, `weight` a number from 0 to 1 (default 1.0),
//! `metadata` an object (default `{}`). Answers the spec's `FeedbackResponse`: `{status:
//! "success", message, feedback_ids}` in the order sent.

use crate::engine::generic::Ctx;
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// The store of feedback.
pub const FEEDBACK: &str = "feedback";

/// One feedback object as its stored fields; errors name the field.
fn checked(item: &Value, id: String, created_at: String) -> Result<Map<String, Value>, String> {
    let item = item.as_object().ok_or("a feedback must be a JSON object")?;
    let trace_id = ["trace_id", "traceID", "traceId"]
        .iter()
        .find_map(|n| item.get(*n))
        .ok_or("\"trace_id\" is required")?
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or("\"trace_id\" must be a non-empty string")?;
    let mut fields = Map::new();
    fields.insert("id".into(), json!(id));
    fields.insert("trace_id".into(), json!(trace_id));
    changes(item, &mut fields, true)?;
    fields.insert("created_at".into(), json!(created_at));
    Ok(fields)
}

/// Checks and applies `value`, `weight` and `metadata` from `item` onto `fields`; `value` is
/// required, the others keep their stored value (or get their default when `fill`).
fn changes(
    item: &Map<String, Value>,
    fields: &mut Map<String, Value>,
    fill: bool,
) -> Result<(), String> {
    let value = item.get("value").ok_or("\"value\" is required")?;
    let value = value
        .as_i64()
        .filter(|v| (-10..=10).contains(v))
        .ok_or_else(|| format!("\"value\" must be an integer from -10 to 10 (got {value})"))?;
    fields.insert("value".into(), json!(value));
    match item.get("weight") {
        None | Some(Value::Null) => {
            if fill {
                fields.insert("weight".into(), json!(1.0));
            }
        }
        Some(w) => {
            let weight = w
                .as_f64()
                .filter(|w| (0.0..=1.0).contains(w))
                .ok_or_else(|| format!("\"weight\" must be a number from 0 to 1 (got {w})"))?;
            fields.insert("weight".into(), json!(weight));
        }
    }
    match item.get("metadata") {
        None | Some(Value::Null) => {
            if fill {
                fields.insert("metadata".into(), json!({}));
            }
        }
        Some(Value::Object(m)) => {
            fields.insert("metadata".into(), Value::Object(m.clone()));
        }
        Some(_) => return Err("\"metadata\" must be an object".into()),
    }
    Ok(())
}

/// Stores `items` (all checked first); returns their ids in order.
pub fn insert(stores: &mut Stores, items: &[Value]) -> Result<Vec<String>, String> {
    let many = items.len() > 1;
    let now = time::now();
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let fields = checked(item, ids::uuid_v4(), now.clone()).map_err(|e| {
            if many {
                format!("feedbacks[{i}]: {e}")
            } else {
                e
            }
        })?;
        records.push(Record::new(fields));
    }
    let ids = records.iter().map(|r| r.str("id").to_owned()).collect();
    for record in records {
        stores.push(FEEDBACK, record);
    }
    Ok(ids)
}

/// The feedback a request sends: an array body (under the whole-body parameter's name), a
/// `{"feedbacks": [...]}` wrapper, or one object.
fn sent(ctx: &Ctx<'_>) -> Vec<Value> {
    let body = &ctx.input.body;
    if let Some(Value::Array(items)) = body.get("feedbacks") {
        return items.clone();
    }
    vec![Value::Object(body.clone())]
}

fn answer(message: &str, ids: Vec<String>) -> Value {
    json!({ "status": "success", "message": message, "feedback_ids": ids })
}

/// `feedback_create`: one feedback or many.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let items = sent(ctx);
    if items.is_empty() {
        return Err(ApiError::bad_request("no feedback to save"));
    }
    let ids = insert(ctx.stores, &items).map_err(ApiError::bad_request)?;
    Ok(answer("Feedback successfully saved", ids))
}

/// `feedback_update`: sets `value` (required), and `weight` and `metadata` when sent; 404
/// `Feedback not found`.
pub fn update(ctx: &mut Ctx<'_>) -> ApiResult {
    let changes_sent = ctx.input.body.clone();
    let key = ctx.key().to_owned();
    let record = ctx
        .stores
        .all_mut(FEEDBACK)
        .iter_mut()
        .find(|r| r.str("id") == key)
        .ok_or_else(|| ApiError::not_found("Feedback not found"))?;
    let mut fields = record.fields.clone();
    changes(&changes_sent, &mut fields, false).map_err(ApiError::bad_request)?;
    record.fields = fields;
    Ok(answer("Feedback successfully updated", vec![key]))
}

/// A fixture feedback: `trace_id` and `value` required (as on create); `id` and
/// `created_at` kept when given.
pub fn from_fixture(fields: Map<String, Value>) -> Result<Record, String> {
    let id = fields
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(ids::uuid_v4, str::to_owned);
    let created_at = fields
        .get("created_at")
        .and_then(Value::as_str)
        .map_or_else(time::now, str::to_owned);
    checked(&Value::Object(fields), id, created_at).map(Record::new)
}
