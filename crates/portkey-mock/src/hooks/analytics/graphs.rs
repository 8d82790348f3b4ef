//! `analytics.graphs.*`: `{"object": "analytics-graph", "summary": {...}, "data_points": [...]}`.
//! Time graphs have one data point per bucket (`timestamp` first, then the metrics); the
//! summary is the same metric over the whole range.

use super::filter::{Buckets, CacheHit, Data, Feedback, Log, Query};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Rounded to the nearest integer, halves away from zero (the spec's metrics are integers).
pub fn round(n: f64) -> i64 {
    n.round() as i64
}

/// `sum / count`, rounded; 0 over nothing.
pub fn avg(sum: f64, count: usize) -> i64 {
    if count == 0 {
        0
    } else {
        round(sum / count as f64)
    }
}

/// `100 × part / whole`, rounded; 0 when `whole` is 0.
pub fn rate(part: usize, whole: usize) -> i64 {
    if whole == 0 {
        0
    } else {
        round(100.0 * part as f64 / whole as f64)
    }
}

fn sum<'a>(logs: impl IntoIterator<Item = &'a &'a Log<'a>>, field: &str) -> f64 {
    logs.into_iter().map(|l| l.num(field)).sum()
}

fn envelope(summary: Value, points: Vec<Value>) -> Value {
    json!({ "object": "analytics-graph", "summary": summary, "data_points": points })
}

/// One data point per bucket of `items`: `timestamp`, then `metrics(items in the bucket)`.
fn timeline<'t, T>(
    query: &Query,
    items: &'t [T],
    at: impl Fn(&T) -> i64,
    metrics: impl Fn(&[&'t T]) -> Value,
) -> Vec<Value> {
    let buckets = Buckets::of(query);
    buckets
        .split(items, at)
        .iter()
        .enumerate()
        .map(|(i, bucket)| {
            let mut point = Map::new();
            point.insert("timestamp".into(), json!(buckets.stamp(i)));
            if let Value::Object(fields) = metrics(bucket) {
                point.extend(fields);
            }
            Value::Object(point)
        })
        .collect()
}

fn log_timeline<'t>(
    query: &Query,
    data: &'t Data<'t>,
    metrics: impl Fn(&[&'t Log<'t>]) -> Value,
) -> Vec<Value> {
    timeline(query, &data.logs, |l| l.at, metrics)
}

fn all_logs<'t>(data: &'t Data<'t>) -> Vec<&'t Log<'t>> {
    data.logs.iter().collect()
}

/// requests: `total`, the number of logs.
pub fn requests(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| json!({ "total": b.len() }));
    envelope(json!({ "total": data.logs.len() }), points)
}

fn cost_of(logs: &[&Log<'_>]) -> Value {
    let total = sum(logs, "cost");
    json!({ "total": round(total), "avg": avg(total, logs.len()) })
}

/// cost: `total`, the logs' summed `cost` in cents, and `avg` per request.
pub fn cost(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, cost_of);
    envelope(cost_of(&all_logs(data)), points)
}

/// Nearest-rank percentile of sorted values (0 over nothing).
fn percentile(sorted: &[f64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil().max(1.0) as usize;
    round(sorted[rank.min(sorted.len()) - 1])
}

fn latency_of(logs: &[&Log<'_>]) -> Value {
    let mut values: Vec<f64> = logs.iter().map(|l| l.num("latency_ms")).collect();
    values.sort_by(f64::total_cmp);
    json!({
        "avg": avg(values.iter().sum(), values.len()),
        "p50": percentile(&values, 50.0),
        "p90": percentile(&values, 90.0),
        "p99": percentile(&values, 99.0),
    })
}

/// latency: `avg`, `p50`, `p90`, `p99` of `latency_ms`.
pub fn latency(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, latency_of);
    envelope(latency_of(&all_logs(data)), points)
}

fn tokens_of(logs: &[&Log<'_>]) -> Value {
    let total = sum(logs, "total_tokens");
    json!({ "total": round(total), "avg": avg(total, logs.len()) })
}

/// tokens: `total` of `total_tokens` and `avg` per request.
pub fn tokens(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, tokens_of);
    envelope(tokens_of(&all_logs(data)), points)
}

fn users_in<'a>(logs: &[&'a Log<'a>]) -> BTreeSet<String> {
    logs.iter().filter_map(|l| l.text("user")).collect()
}

/// users: `total`, the distinct `user`s (logs without one are not counted).
pub fn users(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| json!({ "total": users_in(b).len() }));
    envelope(json!({ "total": users_in(&all_logs(data)).len() }), points)
}

/// users_requests: over the logs that have a `user`, `total` requests, `unique` users and
/// `avg` requests per user (data points: `avg`).
pub fn users_requests(query: &Query, data: &Data<'_>) -> Value {
    let of = |logs: &[&Log<'_>]| {
        let with_user = logs.iter().filter(|l| l.text("user").is_some()).count();
        let unique = users_in(logs).len();
        (with_user, unique, avg(with_user as f64, unique))
    };
    let points = log_timeline(query, data, |b| json!({ "avg": of(b).2 }));
    let (total, unique, average) = of(&all_logs(data));
    envelope(
        json!({ "total": total, "unique": unique, "avg": average }),
        points,
    )
}

fn error_count(logs: &[&Log<'_>]) -> usize {
    logs.iter().filter(|l| l.is_error()).count()
}

/// errors: `total`, the logs that are not a success (`is_success` false: status >= 400).
pub fn errors(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| json!({ "total": error_count(b) }));
    envelope(json!({ "total": error_count(&all_logs(data)) }), points)
}

/// errors_rate: `rate`, the percentage of logs that are errors.
pub fn errors_rate(query: &Query, data: &Data<'_>) -> Value {
    let of = |logs: &[&Log<'_>]| json!({ "rate": rate(error_count(logs), logs.len()) });
    let points = log_timeline(query, data, of);
    envelope(of(&all_logs(data)), points)
}

/// Errors per status code, ascending.
fn by_status(logs: &[&Log<'_>]) -> BTreeMap<i64, usize> {
    let mut counts = BTreeMap::new();
    for log in logs.iter().filter(|l| l.is_error()) {
        *counts.entry(log.status()).or_default() += 1;
    }
    counts
}

/// errors_stacks: `total` errors; per bucket `stats`: `[{response_status_code, count}]` of the
/// error codes met, ascending.
pub fn errors_stacks(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| {
        let stats: Vec<Value> = by_status(b)
            .into_iter()
            .map(|(code, count)| json!({ "response_status_code": code, "count": count }))
            .collect();
        json!({ "stats": stats })
    });
    envelope(json!({ "total": error_count(&all_logs(data)) }), points)
}

/// errors_status_codes: not a time graph: one data point `{status_code, count}` per error
/// code, ascending; summary `total_errors` and `unique_error_codes`.
pub fn errors_status_codes(data: &Data<'_>) -> Value {
    let counts = by_status(&all_logs(data));
    let points = counts
        .iter()
        .map(|(code, count)| json!({ "status_code": code, "count": count }))
        .collect();
    envelope(
        json!({ "total_errors": counts.values().sum::<usize>(), "unique_error_codes": counts.len() }),
        points,
    )
}

/// A log rescued by retries: `rescued` (else a success after `retry_count` > 0) with retries.
fn rescued_by_retry(log: &Log<'_>) -> bool {
    rescued(log) && log.num("retry_count") > 0.0
}

fn rescued_by_fallback(log: &Log<'_>) -> bool {
    rescued(log) && log.flag("fallback_used")
}

fn rescued(log: &Log<'_>) -> bool {
    match log.fields.get("rescued").and_then(Value::as_bool) {
        Some(rescued) => rescued,
        None => !log.is_error() && (log.num("retry_count") > 0.0 || log.flag("fallback_used")),
    }
}

/// requests_rescued: summary `retry` (rescued logs with `retry_count` > 0) and `fallback`
/// (rescued logs with `fallback_used`; a log may count in both); per bucket `retry`:
/// `[{retry_success_count: the retry count, count}]` ascending, and `fallback`.
pub fn requests_rescued(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| {
        let mut per_count: BTreeMap<i64, usize> = BTreeMap::new();
        for log in b.iter().filter(|l| rescued_by_retry(l)) {
            *per_count.entry(log.num("retry_count") as i64).or_default() += 1;
        }
        let retry: Vec<Value> = per_count
            .into_iter()
            .map(|(n, count)| json!({ "retry_success_count": n, "count": count }))
            .collect();
        let fallback = b.iter().filter(|l| rescued_by_fallback(l)).count();
        json!({ "retry": retry, "fallback": fallback })
    });
    let retry = data.logs.iter().filter(|l| rescued_by_retry(l)).count();
    let fallback = data.logs.iter().filter(|l| rescued_by_fallback(l)).count();
    envelope(json!({ "retry": retry, "fallback": fallback }), points)
}

fn hits(logs: &[&Log<'_>], kind: CacheHit) -> Vec<f64> {
    logs.iter()
        .filter(|l| l.cache_hit() == Some(kind))
        .map(|l| l.num("cost"))
        .collect()
}

/// cache_hit_rate: summary `total` hits (simple and semantic) and `rate` (% of requests);
/// per bucket `simple_hits` (`cache_status` HIT), `semantic_hits` (SEMANTIC HIT), `rate`,
/// and the cumulative savings in cents so far: the summed `cost` of the simple / semantic
/// hits (what the cached answers would have cost).
pub fn cache_hit_rate(query: &Query, data: &Data<'_>) -> Value {
    let buckets = Buckets::of(query);
    let (mut simple_saved, mut semantic_saved) = (0.0, 0.0);
    let mut points = Vec::new();
    for (i, bucket) in buckets.split(&data.logs, |l| l.at).iter().enumerate() {
        let (simple, semantic) = (
            hits(bucket, CacheHit::Simple),
            hits(bucket, CacheHit::Semantic),
        );
        simple_saved += simple.iter().sum::<f64>();
        semantic_saved += semantic.iter().sum::<f64>();
        points.push(json!({
            "timestamp": buckets.stamp(i),
            "simple_hits": simple.len(),
            "semantic_hits": semantic.len(),
            "rate": rate(simple.len() + semantic.len(), bucket.len()),
            "cumulative_simple_cache_savings": round(simple_saved),
            "cumulative_semantic_cache_savings": round(semantic_saved),
        }));
    }
    let all = all_logs(data);
    let total = all.iter().filter(|l| l.cache_hit().is_some()).count();
    envelope(
        json!({ "total": total, "rate": rate(total, all.len()) }),
        points,
    )
}

/// The cache hits' mean `cache_latency_ms` (else `latency_ms`), rounded.
pub fn hit_latency(logs: &[&Log<'_>]) -> i64 {
    let latencies: Vec<f64> = logs
        .iter()
        .filter(|l| l.cache_hit().is_some())
        .map(
            |l| match l.fields.get("cache_latency_ms").and_then(Value::as_f64) {
                Some(ms) => ms,
                None => l.num("latency_ms"),
            },
        )
        .collect();
    avg(latencies.iter().sum(), latencies.len())
}

/// cache_latency: `avg` latency of the cache hits (summary: the spec declares no fields; the
/// mock gives the same `avg` over the range).
pub fn cache_latency(query: &Query, data: &Data<'_>) -> Value {
    let points = log_timeline(query, data, |b| json!({ "avg": hit_latency(b) }));
    envelope(json!({ "avg": hit_latency(&all_logs(data)) }), points)
}

fn feedback_timeline<'t>(
    query: &Query,
    data: &'t Data<'t>,
    metrics: impl Fn(&[&'t Feedback<'t>]) -> Value,
) -> Vec<Value> {
    timeline(query, &data.feedback, |f| f.at, metrics)
}

/// feedbacks: `total`, the number of feedbacks.
pub fn feedbacks(query: &Query, data: &Data<'_>) -> Value {
    let points = feedback_timeline(query, data, |b| json!({ "total": b.len() }));
    envelope(json!({ "total": data.feedback.len() }), points)
}

/// feedbacks_scores: not a time graph: one data point `{score, total}` per feedback `value`,
/// ascending; summary `total`.
pub fn feedbacks_scores(data: &Data<'_>) -> Value {
    let mut per_score: BTreeMap<i64, usize> = BTreeMap::new();
    for f in &data.feedback {
        *per_score.entry(round(f.value)).or_default() += 1;
    }
    let points = per_score
        .into_iter()
        .map(|(score, total)| json!({ "score": score, "total": total }))
        .collect();
    envelope(json!({ "total": data.feedback.len() }), points)
}

fn weighted_avg(feedback: &[&Feedback<'_>]) -> i64 {
    avg(feedback.iter().map(|f| f.weighted()).sum(), feedback.len())
}

/// feedbacks_weighted: `avg` of `value × weight`.
pub fn feedbacks_weighted(query: &Query, data: &Data<'_>) -> Value {
    let points = feedback_timeline(query, data, |b| json!({ "avg": weighted_avg(b) }));
    let all: Vec<&Feedback> = data.feedback.iter().collect();
    envelope(json!({ "avg": weighted_avg(&all) }), points)
}

/// feedbacks_ai_models: not a time graph: `{ai_model, total, avg_weighted_feedback}` per
/// `model` of the feedbacks' logs (feedback without a log is left out), most feedback first,
/// then by name; summary `{total}` (the spec declares no fields).
pub fn feedbacks_ai_models(data: &Data<'_>) -> Value {
    let mut per_model: BTreeMap<String, Vec<&Feedback>> = BTreeMap::new();
    for f in &data.feedback {
        if let Some(model) = f.log.as_ref().and_then(|l| l.text("model")) {
            per_model.entry(model).or_default().push(f);
        }
    }
    let mut rows: Vec<(String, Vec<&Feedback>)> = per_model.into_iter().collect();
    rows.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let total: usize = rows.iter().map(|(_, f)| f.len()).sum();
    let points = rows
        .iter()
        .map(|(model, f)| {
            json!({ "ai_model": model, "total": f.len(), "avg_weighted_feedback": weighted_avg(f) })
        })
        .collect();
    envelope(json!({ "total": total }), points)
}
