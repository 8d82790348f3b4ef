//! `/analytics/...`: every graph, group and summary computed from the stored logs (store
//! `logs`, records as contract C3 of wave 4 defines them, written by src/hooks/logs.rs) and
//! the stored feedback (store `feedback`). Nothing is canned: an answer is a function of the
//! stores and the query.
//!
//! # Which logs
//!
//! A log counts when its `created_at` lies in `time_of_generation_min ..=
//! time_of_generation_max` (both required, compared as instants, whatever their offsets; a
//! reversed range is a 400 naming `time_of_generation_min`) and it passes every filter sent:
//!
//! | query | keeps the logs whose |
//! |---|---|
//! | `workspace_slug` | `workspace_slug` equals it (absent: every workspace; the mock does not tell organisation keys from workspace keys) |
//! | `status_code` | `status_code` is one of the comma-separated codes (400 if one is not a number) |
//! | `virtual_keys`, `configs`, `api_key_ids`, `trace_id`, `span_id`, `prompt_slug` | `virtual_key`, `config`, `api_key_id`, `trace_id`, `span_id`, `prompt_slug` is one of the comma-separated values |
//! | `ai_org_model` | `ai_org_model` (`provider__model`) is one of the comma-separated values |
//! | `metadata` | `metadata` holds every key of the JSON object with the same value (text compared with text; 400 if not a JSON object) |
//! | `total_units_min`/`_max` | `total_tokens` is within (inclusive) |
//! | `prompt_token_min`/`_max`, `completion_token_min`/`_max` | `prompt_tokens`, `completion_tokens` are within |
//! | `cost_min`/`_max` | `cost` (cents) is within |
//! | `weighted_feedback_min`/`_max` | trace has feedback, and the mean of its `value × weight` is within |
//!
//! Empty items of a comma-separated list are ignored; a list of none filters nothing.
//!
//! # Buckets
//!
//! The spec says only that data points are "buckets". The mock picks the bucket width from the
//! range's length: one minute up to an hour, one hour up to 48 hours, one day beyond (UTC
//! midnights), and for ranges over 1,000 days as many whole days as keep it to 1,000 buckets.
//! Buckets are aligned to the width (from the epoch, UTC); the data points cover every bucket
//! from the one holding `time_of_generation_min` to the one holding `_max`, in order, empty
//! buckets included (zeros), each stamped with its start (`2026-03-01T00:00:00Z`). So a
//! graph's points always sum to its summary.
//!
//! # Numbers
//!
//! The spec types every metric as an integer: sums, averages and percentages are rounded to
//! the nearest integer (halves away from zero). A rate is `100 × part / whole`, 0 when nothing
//! is counted; an average over nothing is 0; percentiles are nearest-rank.
//!
//! # Feedback
//!
//! A feedback belongs to the first log (by `created_at`) of its trace; its time is that log's
//! `created_at`, else its own, and the filters judge that log (a feedback with no log passes
//! only when no log filter is sent). Its score is `value`, its weighted score `value × weight`.
//!
//! The answers per route are documented on each function of `graphs.rs`, `groups.rs` and
//! `summary.rs`; codegen/README.md's hook table sums them up.

mod filter;
mod graphs;
mod groups;
mod summary;
#[cfg(test)]
mod tests;

use crate::engine::generic::Ctx;
use crate::engine::store::Stores;
use crate::errors::{ApiError, ApiResult};
use serde_json::{Map, Value};

pub use filter::Query;

/// Store names (contract C3).
pub const LOGS: &str = "logs";
pub const FEEDBACK: &str = "feedback";

/// `analytics_graph`: every `analytics.graphs.*` route, by the operation's last name.
pub fn graph(ctx: &mut Ctx<'_>) -> ApiResult {
    let op = ctx.route.op.rsplit('.').next().unwrap_or_default();
    answer(ctx.stores, "graphs", op, &ctx.input.query, "")
}

/// `analytics_group`: `analytics.groups.users`, `.ai_models`, `.metadata` (paged).
pub fn group(ctx: &mut Ctx<'_>) -> ApiResult {
    let op = ctx.route.op.rsplit('.').next().unwrap_or_default();
    let key = ctx.path("metadataKey").to_owned();
    answer(ctx.stores, "groups", op, &ctx.input.query, &key)
}

/// `analytics_summary`: `analytics.summary.cache`.
pub fn summary(ctx: &mut Ctx<'_>) -> ApiResult {
    let op = ctx.route.op.rsplit('.').next().unwrap_or_default();
    answer(ctx.stores, "summary", op, &ctx.input.query, "")
}

/// The answer of route `family.op` to `query` over `stores`; `key` is the metadata key of
/// `groups.metadata`. Separate from the hooks so unit tests need no route.
pub fn answer(
    stores: &Stores,
    family: &str,
    op: &str,
    query: &Map<String, Value>,
    key: &str,
) -> ApiResult {
    let query = Query::parse(query)?;
    let data = filter::Data::select(stores, &query);
    match (family, op) {
        ("graphs", "requests") => Ok(graphs::requests(&query, &data)),
        ("graphs", "cost") => Ok(graphs::cost(&query, &data)),
        ("graphs", "latency") => Ok(graphs::latency(&query, &data)),
        ("graphs", "tokens") => Ok(graphs::tokens(&query, &data)),
        ("graphs", "users") => Ok(graphs::users(&query, &data)),
        ("graphs", "users_requests") => Ok(graphs::users_requests(&query, &data)),
        ("graphs", "errors") => Ok(graphs::errors(&query, &data)),
        ("graphs", "errors_rate") => Ok(graphs::errors_rate(&query, &data)),
        ("graphs", "errors_stacks") => Ok(graphs::errors_stacks(&query, &data)),
        ("graphs", "errors_status_codes") => Ok(graphs::errors_status_codes(&data)),
        ("graphs", "requests_rescued") => Ok(graphs::requests_rescued(&query, &data)),
        ("graphs", "cache_hit_rate") => Ok(graphs::cache_hit_rate(&query, &data)),
        ("graphs", "cache_latency") => Ok(graphs::cache_latency(&query, &data)),
        ("graphs", "feedbacks") => Ok(graphs::feedbacks(&query, &data)),
        ("graphs", "feedbacks_scores") => Ok(graphs::feedbacks_scores(&data)),
        ("graphs", "feedbacks_weighted") => Ok(graphs::feedbacks_weighted(&query, &data)),
        ("graphs", "feedbacks_ai_models") => Ok(graphs::feedbacks_ai_models(&data)),
        ("groups", "users") => Ok(groups::users(&query, &data)),
        ("groups", "ai_models") => Ok(groups::ai_models(&query, &data)),
        ("groups", "metadata") => Ok(groups::metadata(&query, &data, key)),
        ("summary", "cache") => Ok(summary::cache(&data)),
        _ => Err(ApiError::new(
            hyper::StatusCode::NOT_IMPLEMENTED,
            format!("the mock computes no analytics.{family}.{op}"),
        )),
    }
}
