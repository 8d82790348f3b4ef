//! `/logs`: inserted logs (`POST /logs`, one object or an array of them) are normalised into
//! records of store `logs` with exactly the fields below, which the analytics hooks and log
//! exports read (never the raw request). Mock extensions, all optional and top-level beside
//! `request`/`response`/`metadata`: `id`, `created_at` (the time of generation; the spec has
//! none, so it is now by default), `cost` (cents) and `api_key_id`. They are read from each
//! log of an array (kept as sent) and from fixtures; a lone log object's undeclared fields
//! are dropped by the engine like any unknown body field, so send `[log]` to use them.
//!
//! | field | from |
//! |---|---|
//! | `id` | the extension `id`, else a new uuid |
//! | `created_at` | the extension `created_at` (any RFC 3339 offset, stored in UTC), else now |
//! | `trace_id`, `span_id`, `span_name` | `metadata.trace_id` (or `traceId`; a new uuid when absent, as Portkey gives every request one), `metadata.span_id`/`spanId`, `metadata.span_name`/`spanName` |
//! | `metadata` | `metadata`, every value as a string (non-strings as JSON text) |
//! | `user` | `metadata._user`, else null |
//! | `model` | `request.body.model`, else `response.body.model`, else null |
//! | `provider` | `request.headers["x-portkey-provider"]`, else `request.provider` (the docs' log format), else `"openai"` |
//! | `ai_org_model` | `"{provider}__{model}"` (null without a model) |
//! | `status_code`, `is_success` | `response.status` (default 200); below 400 |
//! | `latency_ms` | `response.response_time` (or the docs' `time`), default 0 |
//! | `prompt_tokens`, `completion_tokens`, `total_tokens` | `response.body.usage.*` (or `input_tokens`/`output_tokens`), default 0; total = their sum when absent |
//! | `cost` | the extension `cost`, else the model pricing table (src/hooks/model_pricing.rs) × tokens, else 0 |
//! | `cache_status`, `cache_latency_ms` | header `x-portkey-cache-status` (`HIT`, `SEMANTIC HIT`, `MISS`, ...) else null; the latency when a hit, else null |
//! | `retry_count`, `fallback_used`, `rescued` | header `x-portkey-retry-attempt-count` (default 0); header `x-portkey-fallback-used` == `"true"`; (retried or fell back) and succeeded |
//! | `workspace_slug` | `metadata._workspace`, else `"default"` |
//! | `api_key_id` | the extension `api_key_id`, else null |
//! | `virtual_key`, `config` | request headers `x-portkey-virtual-key`, `x-portkey-config`, else null |
//! | `prompt_slug` | `metadata._prompt`, else null |
//! | `request`, `response` | as sent |
//!
//! Headers are matched case-insensitively, in the response's headers first, then the
//! request's. `GET /logs/{logId}` shows a record in the spec's `LogObject` shape.

use super::model_pricing;
use crate::audit::ORGANISATION_ID;
use crate::engine::generic::Ctx;
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::{ids, time};
use serde_json::{json, Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The store of normalised logs.
pub const LOGS: &str = "logs";

/// A log's workspace when its metadata names none.
pub const DEFAULT_WORKSPACE_SLUG: &str = "default";

/// Cache statuses that count as hits.
pub const CACHE_HITS: &[&str] = &["HIT", "SEMANTIC HIT"];

/// One inserted log (`CustomLog`, plus the mock's extensions) as its stored record; `now` is
/// its `created_at` unless it gives one. Errors name the offending field.
pub fn normalise(log: &Value, now: &str) -> Result<Map<String, Value>, String> {
    let log = log.as_object().ok_or("a log must be a JSON object")?;
    let request = object(log, "request")?.ok_or("\"request\" is required")?;
    let response = object(log, "response")?.ok_or("\"response\" is required")?;
    let metadata = object(log, "metadata")?.cloned().unwrap_or_default();
    let metadata: Map<String, Value> = metadata
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, Value::String(text))
        })
        .collect();
    let meta = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| metadata.get(*n).and_then(Value::as_str))
            .map(str::to_owned)
    };

    let id = match log.get("id") {
        None | Some(Value::Null) => ids::uuid_v4(),
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(_) => return Err("\"id\" must be a non-empty string".into()),
    };
    let created_at = match log.get("created_at") {
        None | Some(Value::Null) => now.to_owned(),
        Some(Value::String(s)) => time::parse_millis(s)
            .map(format_millis)
            .ok_or("\"created_at\" must be an RFC 3339 date-time")?,
        Some(_) => return Err("\"created_at\" must be an RFC 3339 date-time".into()),
    };

    let header = |name: &str| {
        [response, request]
            .iter()
            .find_map(|part| find_header(part.get("headers"), name))
    };
    let model = [request, response]
        .iter()
        .find_map(|part| part.get("body")?.get("model")?.as_str())
        .map(str::to_owned);
    let provider = find_header(request.get("headers"), "x-portkey-provider")
        .or_else(|| request.get("provider")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "openai".to_owned());
    let status = match response.get("status") {
        None | Some(Value::Null) => 200,
        Some(v) => v
            .as_u64()
            .filter(|s| (100..=599).contains(s))
            .ok_or("\"response.status\" must be an HTTP status code")?,
    };
    let is_success = status < 400;
    let latency = ["response_time", "time"]
        .iter()
        .find_map(|n| response.get(*n)?.as_f64())
        .unwrap_or(0.0)
        .max(0.0);
    let usage = response.get("body").and_then(|b| b.get("usage"));
    let tokens = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| usage?.get(*n)?.as_u64())
            .unwrap_or(0)
    };
    let prompt_tokens = tokens(&["prompt_tokens", "input_tokens"]);
    let completion_tokens = tokens(&["completion_tokens", "output_tokens"]);
    let total_tokens = usage
        .and_then(|u| u.get("total_tokens")?.as_u64())
        .unwrap_or(prompt_tokens + completion_tokens);
    let cost = match log.get("cost") {
        None | Some(Value::Null) => model.as_deref().map_or(0.0, |model| {
            price(&provider, model, prompt_tokens, completion_tokens)
        }),
        Some(v) => v
            .as_f64()
            .filter(|c| *c >= 0.0)
            .ok_or("\"cost\" must be a number >= 0 (cents)")?,
    };
    let cache_status = header("x-portkey-cache-status");
    let hit = cache_status
        .as_deref()
        .is_some_and(|s| CACHE_HITS.contains(&s.to_ascii_uppercase().as_str()));
    let retry_count = header("x-portkey-retry-attempt-count")
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let fallback_used = header("x-portkey-fallback-used").is_some_and(|v| v == "true");
    let api_key_id = match log.get("api_key_id") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => json!(s),
        Some(_) => return Err("\"api_key_id\" must be a string".into()),
    };

    let mut record = Map::new();
    let mut put = |name: &str, value: Value| {
        record.insert(name.to_owned(), value);
    };
    put("id", json!(id));
    put("created_at", json!(created_at));
    put(
        "trace_id",
        json!(meta(&["trace_id", "traceId"]).unwrap_or_else(ids::uuid_v4)),
    );
    put("span_id", json!(meta(&["span_id", "spanId"])));
    put("span_name", json!(meta(&["span_name", "spanName"])));
    put("user", json!(meta(&["_user"])));
    put(
        "workspace_slug",
        json!(meta(&["_workspace"]).unwrap_or_else(|| DEFAULT_WORKSPACE_SLUG.to_owned())),
    );
    put("prompt_slug", json!(meta(&["_prompt"])));
    put("metadata", Value::Object(metadata.clone()));
    put(
        "ai_org_model",
        json!(model.as_ref().map(|m| format!("{provider}__{m}"))),
    );
    put("model", json!(model));
    put("provider", json!(provider));
    put("status_code", json!(status));
    put("is_success", json!(is_success));
    put("latency_ms", number(latency));
    put("prompt_tokens", json!(prompt_tokens));
    put("completion_tokens", json!(completion_tokens));
    put("total_tokens", json!(total_tokens));
    put("cost", number(cost));
    put("cache_status", json!(cache_status));
    put(
        "cache_latency_ms",
        if hit { number(latency) } else { Value::Null },
    );
    put("retry_count", json!(retry_count));
    put("fallback_used", json!(fallback_used));
    put(
        "rescued",
        json!((retry_count > 0 || fallback_used) && is_success),
    );
    put("api_key_id", api_key_id);
    put(
        "virtual_key",
        json!(find_header(request.get("headers"), "x-portkey-virtual-key")),
    );
    put(
        "config",
        json!(find_header(request.get("headers"), "x-portkey-config")),
    );
    put("request", Value::Object(request.clone()));
    put("response", Value::Object(response.clone()));
    Ok(record)
}

/// `log[name]` as an object: `None` when absent or null, an error when not an object.
fn object<'a>(
    log: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match log.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(format!("\"{name}\" must be an object")),
    }
}

/// A header's value, its name matched case-insensitively; numbers and booleans as text.
fn find_header(headers: Option<&Value>, name: &str) -> Option<String> {
    headers?
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
            _ => None,
        })
}

/// The cost in cents of `prompt` + `completion` tokens of a model in the pricing table; 0 if
/// the table lacks it.
pub fn price(provider: &str, model: &str, prompt: u64, completion: u64) -> f64 {
    let Some(pricing) = model_pricing::pricing(provider, model) else {
        return 0.0;
    };
    let rate = |unit: &str| {
        pricing["pay_as_you_go"][unit]["price"]
            .as_f64()
            .unwrap_or(0.0)
    };
    // Rounded to 10^-9 cents: products of per-token prices carry float noise.
    let cost = prompt as f64 * rate("request_token") + completion as f64 * rate("response_token");
    (cost * 1e9).round() / 1e9
}

/// A finite float as a JSON number (integers without a fraction).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Milliseconds since the epoch as RFC 3339 UTC; with `.mmm` only when not a whole second.
pub fn format_millis(ms: i64) -> String {
    let secs = u64::try_from(ms.div_euclid(1000)).unwrap_or(0);
    let seconds = time::rfc3339(UNIX_EPOCH + Duration::from_secs(secs));
    match ms.rem_euclid(1000) {
        0 => seconds,
        frac => format!("{}.{frac:03}Z", seconds.trim_end_matches('Z')),
    }
}

/// Now, in milliseconds since the epoch.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A stored log's `created_at` in milliseconds since the epoch.
pub fn created_millis(record: &Record) -> i64 {
    time::parse_millis(record.str("created_at")).unwrap_or(0)
}

/// Normalises and stores `logs` (each a `CustomLog`); all or nothing. Returns their ids.
pub fn insert(stores: &mut Stores, logs: &[Value], now: &str) -> Result<Vec<String>, String> {
    let many = logs.len() > 1;
    let mut records = Vec::with_capacity(logs.len());
    for (i, log) in logs.iter().enumerate() {
        let record =
            normalise(log, now).map_err(|e| if many { format!("logs[{i}]: {e}") } else { e })?;
        records.push(Record::new(record));
    }
    let ids = records.iter().map(|r| r.str("id").to_owned()).collect();
    for record in records {
        stores.push(LOGS, record);
    }
    Ok(ids)
}

/// The logs a request inserts: the body's array (the engine reads a whole-body array into
/// `body` under the parameter's name, `logs`), or the body as one log.
fn sent_logs(ctx: &Ctx<'_>) -> Vec<Value> {
    let body = &ctx.input.body;
    if let Some(Value::Array(items)) = body.get("logs") {
        return items.clone();
    }
    vec![Value::Object(body.clone())]
}

/// `log_create`: stores each log; answers `{status, message, log_ids}` (the spec declares no
/// answer body; the ids let a client retrieve what it inserted).
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let logs = sent_logs(ctx);
    if logs.is_empty() {
        return Err(ApiError::bad_request("no logs to insert"));
    }
    let ids = insert(ctx.stores, &logs, &time::now()).map_err(ApiError::bad_request)?;
    Ok(json!({
        "status": "success",
        "message": format!("{} log{} inserted", ids.len(), if ids.len() == 1 { "" } else { "s" }),
        "log_ids": ids,
    }))
}

/// `log_retrieve`: the stored log in the spec's `LogObject` shape; 404 `Log not found`.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let key = ctx.key().to_owned();
    let record = ctx
        .stores
        .all(LOGS)
        .iter()
        .find(|r| r.str("id") == key)
        .ok_or_else(|| ApiError::not_found("Log not found"))?;
    Ok(log_object(&record.fields))
}

/// A stored log as the spec's `LogObject`.
pub fn log_object(log: &Map<String, Value>) -> Value {
    let field = |name: &str| log.get(name).cloned().unwrap_or(Value::Null);
    let request = log.get("request").cloned().unwrap_or_else(|| json!({}));
    let response = log.get("response").cloned().unwrap_or_else(|| json!({}));
    let mut portkey_headers = Map::new();
    for (header, name) in [
        ("x-portkey-trace-id", "trace_id"),
        ("x-portkey-span-id", "span_id"),
        ("x-portkey-span-name", "span_name"),
        ("x-portkey-virtual-key", "virtual_key"),
        ("x-portkey-config", "config"),
        ("x-portkey-provider", "provider"),
    ] {
        if let Some(Value::String(value)) = log.get(name) {
            portkey_headers.insert(header.into(), json!(value));
        }
    }
    if let Some(Value::Object(metadata)) = log.get("metadata") {
        if !metadata.is_empty() {
            portkey_headers.insert(
                "x-portkey-metadata".into(),
                json!(Value::Object(metadata.clone()).to_string()),
            );
        }
    }
    let (keys, values): (Vec<Value>, Vec<Value>) = match log.get("metadata") {
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (json!(k), v.clone())).unzip(),
        _ => (Vec::new(), Vec::new()),
    };
    json!({
        "_id": field("id"),
        "request": {
            "url": request.get("url").cloned().unwrap_or(Value::Null),
            "method": request.get("method").and_then(Value::as_str).unwrap_or("POST").to_ascii_uppercase(),
            "headers": request.get("headers").cloned().unwrap_or_else(|| json!({})),
            "body": request.get("body").cloned().unwrap_or_else(|| json!({})),
            "portkeyHeaders": portkey_headers,
        },
        "response": {
            "status": field("status_code"),
            "headers": response.get("headers").cloned().unwrap_or_else(|| json!({})),
            "body": response.get("body").cloned().unwrap_or_else(|| json!({})),
            "responseTime": field("latency_ms"),
            "lastUsedOptionJsonPath": "",
        },
        "organisation_id": ORGANISATION_ID,
        "created_at": field("created_at"),
        "metrics": {
            "id": field("id"),
            "organisation_id": ORGANISATION_ID,
            "created_at": field("created_at"),
            "is_success": field("is_success"),
            "ai_org": field("provider"),
            "ai_model": field("model"),
            "req_units": field("prompt_tokens"),
            "res_units": field("completion_tokens"),
            "total_units": field("total_tokens"),
            "cost": field("cost"),
            "cost_currency": "USD",
            "request_url": request.get("url").cloned().unwrap_or(Value::Null),
            "request_method": request.get("method").and_then(Value::as_str).unwrap_or("POST").to_ascii_uppercase(),
            "response_status_code": field("status_code"),
            "response_time": field("latency_ms"),
            "cache_status": field("cache_status"),
            "retry_success_count": field("retry_count"),
            "trace_id": field("trace_id"),
            "span_id": field("span_id"),
            "span_name": field("span_name"),
            "mode": if log.get("fallback_used") == Some(&json!(true)) { "fallback" } else { "single" },
            "virtual_key": field("virtual_key"),
            "config": field("config"),
            "prompt_slug": field("prompt_slug"),
            "workspace_slug": field("workspace_slug"),
            "api_key_id": field("api_key_id"),
            "metadata.key": keys,
            "metadata.value": values,
        },
    })
}

/// A fixture log: any `CustomLog` with the mock's extensions, normalised like an inserted one.
pub fn from_fixture(fields: Map<String, Value>) -> Result<Record, String> {
    normalise(&Value::Object(fields), &time::now()).map(Record::new)
}

// ---------------------------------------------------------------------------------------
// Filters: the spec's `GenerationsFilterSchema`, shared by log exports (and usable by the
// analytics hooks).

/// Whether a stored log passes `filters` (a `GenerationsFilterSchema` object). Ranges are
/// inclusive; text filters take a comma-separated list of accepted values (`ai_org_model:
/// "openai__gpt-4o, anthropic__claude-3-5-haiku-20241022"`); `metadata` keeps logs whose
/// metadata has every given key with that value; `weighted_feedback_*` compare the mean of
/// `value × weight` over the feedback on the log's trace (a log without feedback fails them).
/// `page_size`/`current_page` page the result (see [`filter`]); unknown keys are ignored.
pub fn matches(stores: &Stores, log: &Record, filters: &Map<String, Value>) -> bool {
    let f = &log.fields;
    let num = |name: &str| f.get(name).and_then(Value::as_f64);
    let in_range = |value: Option<f64>, min: &str, max: &str| {
        let bound = |name: &str| filters.get(name).and_then(as_number);
        match (bound(min), bound(max)) {
            (None, None) => true,
            (lo, hi) => {
                value.is_some_and(|v| lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v <= hi))
            }
        }
    };
    let created = Some(created_millis(log) as f64);
    let time_bound = |name: &str| {
        filters
            .get(name)
            .and_then(Value::as_str)
            .and_then(time::parse_millis)
            .map(|ms| ms as f64)
    };
    if let Some(min) = time_bound("time_of_generation_min") {
        if created < Some(min) {
            return false;
        }
    }
    if let Some(max) = time_bound("time_of_generation_max") {
        if created > Some(max) {
            return false;
        }
    }
    if !in_range(num("total_tokens"), "total_units_min", "total_units_max")
        || !in_range(num("cost"), "cost_min", "cost_max")
        || !in_range(num("prompt_tokens"), "prompt_token_min", "prompt_token_max")
        || !in_range(
            num("completion_tokens"),
            "completion_token_min",
            "completion_token_max",
        )
    {
        return false;
    }
    for (filter, field) in [
        ("ai_model", "model"),
        ("ai_org_model", "ai_org_model"),
        ("status_code", "status_code"),
        ("virtual_keys", "virtual_key"),
        ("trace_id", "trace_id"),
        ("configs", "config"),
        ("workspace_slug", "workspace_slug"),
        ("prompt_slug", "prompt_slug"),
    ] {
        let Some(wanted) = filters.get(filter).filter(|v| !v.is_null()) else {
            continue;
        };
        let have = match f.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return false,
        };
        let accepted: Vec<String> = match wanted {
            Value::String(s) => s.split(',').map(|v| v.trim().to_owned()).collect(),
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect(),
            other => vec![other.to_string()],
        };
        if !accepted.contains(&have) {
            return false;
        }
    }
    if let Some(Value::Object(wanted)) = filters.get("metadata") {
        let have = f.get("metadata").and_then(Value::as_object);
        for (key, value) in wanted {
            let want = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            if have.and_then(|m| m.get(key)).and_then(Value::as_str) != Some(want.as_str()) {
                return false;
            }
        }
    }
    if filters.contains_key("weighted_feedback_min")
        || filters.contains_key("weighted_feedback_max")
    {
        let weighted = weighted_feedback(stores, log.str("trace_id"));
        if !in_range(weighted, "weighted_feedback_min", "weighted_feedback_max") {
            return false;
        }
    }
    true
}

/// A filter bound as a number: JSON numbers, or text that parses as one.
fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The mean of `value × weight` over the feedback on `trace_id`, if it has any.
pub fn weighted_feedback(stores: &Stores, trace_id: &str) -> Option<f64> {
    let scores: Vec<f64> = stores
        .all(super::feedback::FEEDBACK)
        .iter()
        .filter(|fb| fb.str("trace_id") == trace_id)
        .map(|fb| {
            fb.fields["value"].as_f64().unwrap_or(0.0) * fb.fields["weight"].as_f64().unwrap_or(1.0)
        })
        .collect();
    (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
}

/// The stored logs passing `filters`, oldest first, paged by its `page_size` (default and
/// most 50,000) and `current_page` (from 0).
pub fn filter<'a>(stores: &'a Stores, filters: &Map<String, Value>) -> Vec<&'a Record> {
    let mut logs: Vec<&Record> = stores
        .all(LOGS)
        .iter()
        .filter(|log| matches(stores, log, filters))
        .collect();
    logs.sort_by_key(|log| created_millis(log));
    let size = filters
        .get("page_size")
        .and_then(as_number)
        .map_or(50_000, |n| n.clamp(1.0, 50_000.0) as usize);
    let page = filters
        .get("current_page")
        .and_then(as_number)
        .map_or(0, |n| n.max(0.0) as usize);
    logs.into_iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_a_docs_log() {
        let log = json!({
            "request": {
                "url": "https://api.openai.com/v1/chat/completions",
                "method": "POST",
                "headers": {"X-Portkey-Virtual-Key": "vk-1"},
                "body": {"model": "gpt-4o", "messages": []},
            },
            "response": {
                "status": 200,
                "headers": {"x-portkey-cache-status": "HIT", "x-portkey-retry-attempt-count": "2"},
                "body": {"usage": {"prompt_tokens": 1000, "completion_tokens": 100}},
                "response_time": 321,
            },
            "metadata": {"_user": "u1", "trace_id": "t1", "n": 5},
        });
        let r = normalise(&log, "2026-01-01T00:00:00Z").unwrap();
        assert_eq!(r["trace_id"], "t1");
        assert_eq!(r["user"], "u1");
        assert_eq!(r["metadata"]["n"], "5");
        assert_eq!(r["ai_org_model"], "openai__gpt-4o");
        assert_eq!(r["total_tokens"], 1100);
        // 1000 × 0.00025 + 100 × 0.001 cents.
        assert_eq!(r["cost"], json!(0.35));
        assert_eq!(r["cache_status"], "HIT");
        assert_eq!(r["cache_latency_ms"], 321);
        assert_eq!(r["retry_count"], 2);
        assert_eq!(r["rescued"], true);
        assert_eq!(r["virtual_key"], "vk-1");
        assert_eq!(r["workspace_slug"], DEFAULT_WORKSPACE_SLUG);
        assert_eq!(r["created_at"], "2026-01-01T00:00:00Z");
        assert_eq!(r.len(), 29);
    }

    #[test]
    fn extensions_and_errors() {
        let log = json!({"request": {}, "response": {"status": 503}, "cost": 2.5,
            "created_at": "2026-01-01T02:00:00.250+02:00"});
        let r = normalise(&log, "x").unwrap();
        assert_eq!(r["cost"], json!(2.5));
        assert_eq!(r["created_at"], "2026-01-01T00:00:00.250Z");
        assert_eq!(r["is_success"], false);
        assert_eq!(r["rescued"], false);
        assert!(normalise(&json!({"response": {}}), "x")
            .unwrap_err()
            .contains("request"));
        assert!(normalise(&json!([]), "x").is_err());
    }
}
