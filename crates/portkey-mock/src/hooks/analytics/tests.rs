//! The computations over records put straight into the stores (as src/hooks/logs.rs stores
//! them, contract C3), without HTTP.

use super::filter::{rfc3339_millis, Buckets, Query};
use super::{answer, FEEDBACK, LOGS};
use crate::engine::store::{Record, Stores};
use serde_json::{json, Map, Value};

const DAY1: &str = "2026-03-01";

/// A log at `at` with `status` and `cost`; `extra` fields laid over the defaults.
fn log(at: &str, status: i64, cost: f64, extra: Value) -> Record {
    let mut fields: Map<String, Value> = json!({
        "id": format!("log-{at}-{status}-{cost}"),
        "created_at": at,
        "trace_id": null,
        "span_id": null,
        "span_name": null,
        "metadata": {},
        "user": null,
        "model": "gpt-4o",
        "provider": "openai",
        "ai_org_model": "openai__gpt-4o",
        "status_code": status,
        "is_success": status < 400,
        "latency_ms": 100,
        "prompt_tokens": 10,
        "completion_tokens": 20,
        "total_tokens": 30,
        "cost": cost,
        "cache_status": null,
        "cache_latency_ms": null,
        "retry_count": 0,
        "fallback_used": false,
        "rescued": false,
        "workspace_slug": "default",
        "api_key_id": null,
        "virtual_key": null,
        "config": null,
        "prompt_slug": null,
    })
    .as_object()
    .cloned()
    .unwrap();
    if let Value::Object(extra) = extra {
        fields.extend(extra);
    }
    Record::new(fields)
}

fn feedback(trace: &str, value: i64, weight: f64) -> Record {
    Record::new(
        json!({"id": format!("fb-{trace}-{value}"), "trace_id": trace, "value": value, "weight": weight,
               "metadata": {}, "created_at": "2026-03-01T00:00:00Z"})
        .as_object()
        .cloned()
        .unwrap(),
    )
}

fn stores(logs: Vec<Record>, feedback: Vec<Record>) -> Stores {
    let mut s = Stores::default();
    for l in logs {
        s.push(LOGS, l);
    }
    for f in feedback {
        s.push(FEEDBACK, f);
    }
    s
}

fn query(from: &str, to: &str, extra: Value) -> Map<String, Value> {
    let mut q = json!({"time_of_generation_min": from, "time_of_generation_max": to})
        .as_object()
        .cloned()
        .unwrap();
    if let Value::Object(extra) = extra {
        q.extend(extra);
    }
    q
}

fn graph(s: &Stores, op: &str, q: &Map<String, Value>) -> Value {
    answer(s, "graphs", op, q, "").unwrap_or_else(|e| panic!("{op}: {}", e.message))
}

/// 3 days: day 1 has 4 logs (one 500), day 2 has 2 (one 429), day 3 has 1; one log before
/// and one after the range.
fn three_days() -> Stores {
    stores(
        vec![
            log("2026-02-28T23:59:59Z", 200, 1000.0, json!({})),
            log(
                "2026-03-01T00:00:00Z",
                200,
                10.0,
                json!({"trace_id": "t1", "metadata": {"_user": "ann", "env": "prod"}, "user": "ann"}),
            ),
            log(
                "2026-03-01T06:00:00Z",
                200,
                20.0,
                json!({"trace_id": "t2", "user": "ann", "latency_ms": 300}),
            ),
            log(
                "2026-03-01T12:00:00Z",
                500,
                0.0,
                json!({"trace_id": "t3", "user": "bob"}),
            ),
            log(
                "2026-03-01T23:59:59.999Z",
                200,
                5.5,
                json!({"metadata": {"env": "dev"}, "model": "claude", "ai_org_model": "anthropic__claude"}),
            ),
            log(
                "2026-03-02T10:00:00+02:00",
                429,
                0.0,
                json!({"virtual_key": "vk-1"}),
            ),
            log(
                "2026-03-02T12:00:00Z",
                200,
                30.0,
                json!({"config": "pc-1", "total_tokens": 500}),
            ),
            log(
                "2026-03-03T23:59:59Z",
                200,
                4.5,
                json!({"workspace_slug": "other"}),
            ),
            log("2026-03-04T00:00:00Z", 200, 1000.0, json!({})),
        ],
        vec![
            feedback("t1", 5, 1.0),
            feedback("t2", -3, 0.5),
            feedback("t2", 4, 1.0),
            feedback("ghost", 10, 1.0),
        ],
    )
}

fn range() -> Map<String, Value> {
    query("2026-03-01T00:00:00Z", "2026-03-03T23:59:59Z", json!({}))
}

fn totals(points: &Value, field: &str) -> Vec<i64> {
    points["data_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[field].as_i64().unwrap())
        .collect()
}

#[test]
fn requests_count_the_logs_in_range_per_day() {
    let s = three_days();
    let r = graph(&s, "requests", &range());
    assert_eq!(r["object"], "analytics-graph");
    assert_eq!(r["summary"]["total"], 7);
    assert_eq!(totals(&r, "total"), vec![4, 2, 1]);
    let stamps: Vec<&str> = r["data_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["timestamp"].as_str().unwrap())
        .collect();
    assert_eq!(
        stamps,
        [
            "2026-03-01T00:00:00Z",
            "2026-03-02T00:00:00Z",
            "2026-03-03T00:00:00Z"
        ]
    );
}

#[test]
fn cost_sums_and_averages_rounded() {
    let s = three_days();
    let r = graph(&s, "cost", &range());
    // 10 + 20 + 0 + 5.5 + 0 + 30 + 4.5 = 70 over 7 requests.
    assert_eq!(r["summary"], json!({"total": 70, "avg": 10}));
    // Day 1: 35.5 over 4 -> 36 (half away from zero), avg 8.875 -> 9.
    assert_eq!(r["data_points"][0]["total"], 36);
    assert_eq!(r["data_points"][0]["avg"], 9);
    assert_eq!(totals(&r, "total"), vec![36, 30, 5]);
}

#[test]
fn errors_rate_and_status_codes() {
    let s = three_days();
    assert_eq!(graph(&s, "errors", &range())["summary"]["total"], 2);
    let rate = graph(&s, "errors_rate", &range());
    assert_eq!(rate["summary"]["rate"], 29); // 2 of 7
    assert_eq!(totals(&rate, "rate"), vec![25, 50, 0]);
    let codes = graph(&s, "errors_status_codes", &range());
    assert_eq!(
        codes["summary"],
        json!({"total_errors": 2, "unique_error_codes": 2})
    );
    assert_eq!(
        codes["data_points"],
        json!([{"status_code": 429, "count": 1}, {"status_code": 500, "count": 1}])
    );
    let stacks = graph(&s, "errors_stacks", &range());
    assert_eq!(
        stacks["data_points"][0]["stats"],
        json!([{"response_status_code": 500, "count": 1}])
    );
    assert_eq!(stacks["data_points"][2]["stats"], json!([]));
}

#[test]
fn filters_narrow_the_logs() {
    let s = three_days();
    let count = |extra: Value| {
        let q = query("2026-03-01T00:00:00Z", "2026-03-03T23:59:59Z", extra);
        graph(&s, "requests", &q)["summary"]["total"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(count(json!({"status_code": "500, 429"})), 2);
    assert_eq!(count(json!({"status_code": ""})), 7);
    assert_eq!(count(json!({"ai_org_model": "anthropic__claude,x__y"})), 1);
    assert_eq!(count(json!({"metadata": "{\"env\": \"prod\"}"})), 1);
    assert_eq!(
        count(json!({"metadata": "{\"_user\": \"ann\", \"env\": \"dev\"}"})),
        0
    );
    assert_eq!(count(json!({"cost_min": 5.5, "cost_max": 20})), 3);
    assert_eq!(count(json!({"cost_min": "10"})), 3);
    assert_eq!(count(json!({"total_units_min": 100})), 1);
    assert_eq!(count(json!({"prompt_token_max": 9})), 0);
    assert_eq!(
        count(json!({"completion_token_min": 20, "completion_token_max": 20})),
        7
    );
    assert_eq!(count(json!({"trace_id": "t1,t3"})), 2);
    assert_eq!(count(json!({"virtual_keys": "vk-1"})), 1);
    assert_eq!(count(json!({"configs": "pc-1"})), 1);
    assert_eq!(count(json!({"workspace_slug": "other"})), 1);
    assert_eq!(count(json!({"api_key_ids": "k"})), 0);
    assert_eq!(count(json!({"span_id": "s"})), 0);
    assert_eq!(count(json!({"prompt_slug": "p"})), 0);
    // t1: 5; t2: mean of -1.5 and 4 = 1.25.
    assert_eq!(count(json!({"weighted_feedback_min": 1})), 2);
    assert_eq!(
        count(json!({"weighted_feedback_min": 2, "weighted_feedback_max": 10})),
        1
    );
}

#[test]
fn bad_queries_are_400s_naming_the_parameter() {
    let s = three_days();
    let err = |q: Map<String, Value>| {
        answer(&s, "graphs", "requests", &q, "")
            .unwrap_err()
            .message
    };
    assert!(err(query(
        "2026-03-02T00:00:00Z",
        "2026-03-01T00:00:00Z",
        json!({})
    ))
    .contains("time_of_generation_min"));
    let mut missing = range();
    missing.remove("time_of_generation_max");
    assert!(err(missing).contains("time_of_generation_max"));
    assert!(err(query("yesterday", "2026-03-01T00:00:00Z", json!({})))
        .contains("time_of_generation_min"));
    assert!(err(query(DAY1, DAY1, json!({"metadata": "[1]"}))).contains("metadata"));
    assert!(err(query(DAY1, DAY1, json!({"status_code": "4xx"}))).contains("status_code"));
    assert!(err(query(DAY1, DAY1, json!({"cost_min": "cheap"}))).contains("cost_min"));
    // Equal bounds are a range of one instant.
    assert!(answer(&s, "graphs", "requests", &query(DAY1, DAY1, json!({})), "").is_ok());
}

#[test]
fn bucket_width_follows_the_range_length() {
    let b = |from: &str, to: &str| Buckets::of(&Query::parse(&query(from, to, json!({}))).unwrap());
    let minutes = b("2026-03-01T10:00:30Z", "2026-03-01T11:00:30Z");
    assert_eq!((minutes.width, minutes.count), (60_000, 61));
    assert_eq!(minutes.stamp(0), "2026-03-01T10:00:00Z");
    let hours = b("2026-03-01T00:00:00Z", "2026-03-02T23:59:59Z");
    assert_eq!((hours.width, hours.count), (3_600_000, 48));
    let days = b("2026-03-01T00:00:00Z", "2026-03-07T23:59:59Z");
    assert_eq!((days.width, days.count), (86_400_000, 7));
    let wide = b("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
    assert!(
        wide.count <= 1001 && wide.width % 86_400_000 == 0,
        "{wide:?}"
    );
    assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339_millis(-86_400_000), "1969-12-31T00:00:00Z");
    assert_eq!(b(DAY1, DAY1).count, 1);
}

#[test]
fn hourly_points_sum_to_the_summary() {
    let s = three_days();
    let q = query(
        "2026-03-01T00:00:00Z",
        "2026-03-01T23:59:59.999Z",
        json!({}),
    );
    let r = graph(&s, "requests", &q);
    assert_eq!(r["data_points"].as_array().unwrap().len(), 24);
    assert_eq!(totals(&r, "total").iter().sum::<i64>(), 4);
    assert_eq!(r["summary"]["total"], 4);
    assert_eq!(
        r["data_points"][6],
        json!({"timestamp": "2026-03-01T06:00:00Z", "total": 1})
    );
}

#[test]
fn latency_tokens_and_users() {
    let s = three_days();
    let lat = graph(&s, "latency", &range());
    // Six at 100 ms, one at 300: mean 128.57.
    assert_eq!(
        lat["summary"],
        json!({"avg": 129, "p50": 100, "p90": 300, "p99": 300})
    );
    let tokens = graph(&s, "tokens", &range());
    assert_eq!(tokens["summary"], json!({"total": 680, "avg": 97}));
    let users = graph(&s, "users", &range());
    assert_eq!(users["summary"]["total"], 2);
    let per_user = graph(&s, "users_requests", &range());
    assert_eq!(
        per_user["summary"],
        json!({"total": 3, "unique": 2, "avg": 2})
    );
}

#[test]
fn cache_rescued_and_summary() {
    let s = stores(
        vec![
            log(
                "2026-03-01T01:00:00Z",
                200,
                3.0,
                json!({"cache_status": "HIT", "latency_ms": 10, "cache_latency_ms": 10}),
            ),
            log(
                "2026-03-01T02:00:00Z",
                200,
                4.0,
                json!({"cache_status": "SEMANTIC HIT", "latency_ms": 30, "cache_latency_ms": 30}),
            ),
            log(
                "2026-03-02T01:00:00Z",
                200,
                5.0,
                json!({"cache_status": "MISS", "latency_ms": 200}),
            ),
            log(
                "2026-03-02T02:00:00Z",
                200,
                5.0,
                json!({"retry_count": 2, "rescued": true, "latency_ms": 200}),
            ),
            log(
                "2026-03-03T02:00:00Z",
                200,
                5.0,
                json!({"fallback_used": true, "rescued": true, "latency_ms": 200}),
            ),
            log(
                "2026-03-03T03:00:00Z",
                500,
                0.0,
                json!({"retry_count": 3, "latency_ms": 200}),
            ),
        ],
        vec![],
    );
    let hit = graph(&s, "cache_hit_rate", &range());
    assert_eq!(hit["summary"], json!({"total": 2, "rate": 33}));
    assert_eq!(
        hit["data_points"][0],
        json!({"timestamp": "2026-03-01T00:00:00Z", "simple_hits": 1, "semantic_hits": 1, "rate": 100,
               "cumulative_simple_cache_savings": 3, "cumulative_semantic_cache_savings": 4})
    );
    assert_eq!(hit["data_points"][2]["cumulative_simple_cache_savings"], 3);
    assert_eq!(graph(&s, "cache_latency", &range())["summary"]["avg"], 20);
    let rescued = graph(&s, "requests_rescued", &range());
    assert_eq!(rescued["summary"], json!({"retry": 1, "fallback": 1}));
    assert_eq!(
        rescued["data_points"][1]["retry"],
        json!([{"retry_success_count": 2, "count": 1}])
    );
    assert_eq!(rescued["data_points"][2]["fallback"], 1);
    let summary = answer(&s, "summary", "cache", &range(), "").unwrap();
    assert_eq!(
        summary,
        json!({"object": "analytics-summary", "summary": {"hits": 2, "avg_latency": 20, "total_requests": 6, "cache_speedup": 90}})
    );
}

#[test]
fn feedback_graphs_read_the_feedback_store() {
    let s = three_days();
    let fb = graph(&s, "feedbacks", &range());
    // t1 and t2's three (at their logs' day 1); "ghost" has no log and is dated 2026-03-01.
    assert_eq!(fb["summary"]["total"], 4);
    assert_eq!(totals(&fb, "total"), vec![4, 0, 0]);
    let scores = graph(&s, "feedbacks_scores", &range());
    assert_eq!(
        scores["data_points"],
        json!([{"score": -3, "total": 1}, {"score": 4, "total": 1}, {"score": 5, "total": 1}, {"score": 10, "total": 1}])
    );
    // 5 - 1.5 + 4 + 10 = 17.5 over 4.
    assert_eq!(
        graph(&s, "feedbacks_weighted", &range())["summary"]["avg"],
        4
    );
    let models = graph(&s, "feedbacks_ai_models", &range());
    assert_eq!(
        models["data_points"],
        json!([{"ai_model": "gpt-4o", "total": 3, "avg_weighted_feedback": 3}])
    );
    // A log filter leaves out the feedback without a log.
    let q = query(
        "2026-03-01T00:00:00Z",
        "2026-03-03T23:59:59Z",
        json!({"trace_id": "t2"}),
    );
    assert_eq!(graph(&s, "feedbacks", &q)["summary"]["total"], 2);
}

#[test]
fn groups_are_paged_most_requests_first() {
    let s = three_days();
    let mut q = range();
    let users = answer(&s, "groups", "users", &q, "").unwrap();
    assert_eq!(users["total"], 2);
    assert_eq!(
        users["data"][0],
        json!({"user": "ann", "requests": "2", "cost": "30", "object": "analytics-group"})
    );
    let models = answer(&s, "groups", "ai_models", &q, "").unwrap();
    assert_eq!(
        models["data"][0],
        json!({"ai_model": "gpt-4o", "requests": "6", "object": "analytics-group"})
    );
    q.insert("page_size".into(), json!(1));
    q.insert("current_page".into(), json!(1));
    let page = answer(&s, "groups", "ai_models", &q, "").unwrap();
    assert_eq!(page["total"], 2);
    assert_eq!(
        page["data"],
        json!([{"ai_model": "claude", "requests": "1", "object": "analytics-group"}])
    );
    let bob = answer(&s, "groups", "users", &range(), "").unwrap();
    assert_eq!(bob["data"][1]["cost"], "0");
    let exact = stores(
        vec![
            log("2026-03-01T00:00:00Z", 200, 0.1, json!({"user": "x"})),
            log("2026-03-01T00:00:01Z", 200, 0.2, json!({"user": "x"})),
        ],
        vec![],
    );
    assert_eq!(
        answer(&exact, "groups", "users", &range(), "").unwrap()["data"][0]["cost"],
        "0.3"
    );
    let meta = answer(&s, "groups", "metadata", &range(), "env").unwrap();
    assert_eq!(meta["total"], 2);
    assert_eq!(
        meta["data"][1],
        json!({"metadata_value": "prod", "requests": 1, "cost": 10, "avg_tokens": 30, "avg_weighted_feedback": 5,
               "requests_with_feedback": 1, "last_seen": "2026-03-01T00:00:00Z", "object": "analytics-group"})
    );
}
