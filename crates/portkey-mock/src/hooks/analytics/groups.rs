//! `analytics.groups.*`: `{"object": "list", "total", "data": [{..., "object": "analytics-group"}]}`,
//! one row per group, most requests first (then by the group's value), paged by
//! `current_page` (from 0) and `page_size` (default 50; 0 gives an empty page); `total`
//! counts every group. The spec types the users' and AI models' `requests` and `cost` as
//! strings (`"200"`, `"1061.37"`: the cost unrounded, to 4 decimals), the metadata groups'
//! as integers (rounded): each as its spec says.

use super::filter::{Data, Log, Query};
use super::graphs::{avg, round};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The logs grouped by `key` (logs without a value are left out), most logs first.
fn grouped<'a>(
    data: &'a Data<'a>,
    key: impl Fn(&Log<'a>) -> Option<String>,
) -> Vec<(String, Vec<&'a Log<'a>>)> {
    let mut groups: BTreeMap<String, Vec<&Log>> = BTreeMap::new();
    for log in &data.logs {
        if let Some(value) = key(log) {
            groups.entry(value).or_default().push(log);
        }
    }
    let mut rows: Vec<_> = groups.into_iter().collect();
    rows.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    rows
}

fn page(query: &Query, rows: Vec<Value>) -> Value {
    let total = rows.len();
    let data: Vec<Value> = rows
        .into_iter()
        .skip(query.page.saturating_mul(query.page_size))
        .take(query.page_size)
        .collect();
    json!({ "object": "list", "total": total, "data": data })
}

fn cost(logs: &[&Log<'_>]) -> f64 {
    logs.iter().map(|l| l.num("cost")).sum()
}

/// A number as the spec's string-typed metrics show it: `200`, `10.5` (at most 4 decimals).
fn text(n: f64) -> String {
    format!("{}", (n * 10_000.0).round() / 10_000.0)
}

/// users: `{user, requests, cost}` per `user` (logs without one are left out; numbers as
/// text).
pub fn users(query: &Query, data: &Data<'_>) -> Value {
    let rows = grouped(data, |l| l.text("user"))
        .into_iter()
        .map(|(user, logs)| {
            json!({
                "user": user,
                "requests": logs.len().to_string(),
                "cost": text(cost(&logs)),
                "object": "analytics-group",
            })
        })
        .collect();
    page(query, rows)
}

/// ai_models: `{ai_model, requests}` per `model` (`requests` as text).
pub fn ai_models(query: &Query, data: &Data<'_>) -> Value {
    let rows = grouped(data, |l| l.text("model"))
        .into_iter()
        .map(|(model, logs)| {
            json!({ "ai_model": model, "requests": logs.len().to_string(), "object": "analytics-group" })
        })
        .collect();
    page(query, rows)
}

/// metadata/{key}: per value of `metadata[key]` (logs without the key are left out):
/// `requests`, `cost` (cents), `avg_tokens` per request, `requests_with_feedback` (logs whose
/// trace has feedback), `avg_weighted_feedback` over those, `last_seen` (the latest
/// `created_at`).
pub fn metadata(query: &Query, data: &Data<'_>, key: &str) -> Value {
    let rows = grouped(data, |l| {
        l.fields
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
    })
    .into_iter()
    .map(|(value, logs)| {
        let tokens: f64 = logs.iter().map(|l| l.num("total_tokens")).sum();
        let rated: Vec<f64> = logs.iter().filter_map(|l| l.weighted).collect();
        let last_seen = logs
            .iter()
            .max_by_key(|l| l.at)
            .and_then(|l| l.text("created_at"));
        json!({
            "metadata_value": value,
            "requests": logs.len(),
            "cost": round(cost(&logs)),
            "avg_tokens": avg(tokens, logs.len()),
            "avg_weighted_feedback": avg(rated.iter().sum(), rated.len()),
            "requests_with_feedback": rated.len(),
            "last_seen": last_seen,
            "object": "analytics-group",
        })
    })
    .collect();
    page(query, rows)
}
