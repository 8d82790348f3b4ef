//! `analytics.summary.cache`: `{"object": "analytics-summary", "summary": {...}}`.

use super::filter::{Data, Log};
use super::graphs::{avg, hit_latency, round};
use serde_json::{json, Value};

/// cache: `hits` (simple and semantic), `avg_latency` of a hit, `total_requests`, and
/// `cache_speedup`: how much faster a hit is than the other requests on average, in percent
/// of their mean `latency_ms` (0 without hits or without other requests).
pub fn cache(data: &Data<'_>) -> Value {
    let logs: Vec<&Log> = data.logs.iter().collect();
    let hits = logs.iter().filter(|l| l.cache_hit().is_some()).count();
    let hit_ms = hit_latency(&logs);
    let others: Vec<f64> = logs
        .iter()
        .filter(|l| l.cache_hit().is_none())
        .map(|l| l.num("latency_ms"))
        .collect();
    let other_ms = avg(others.iter().sum(), others.len());
    let speedup = if hits == 0 || other_ms <= 0 {
        0
    } else {
        round(100.0 * (other_ms - hit_ms) as f64 / other_ms as f64)
    };
    json!({
        "object": "analytics-summary",
        "summary": {
            "hits": hits,
            "avg_latency": hit_ms,
            "total_requests": logs.len(),
            "cache_speedup": speedup,
        },
    })
}
