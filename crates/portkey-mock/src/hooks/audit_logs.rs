//! `/audit-logs`: reads the audit log the engine keeps (src/audit.rs).

use crate::engine::generic::Ctx;
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::time;
use serde_json::{json, Value};

/// A time bound as epoch milliseconds, or a 400 naming the parameter.
fn bound(ctx: &Ctx<'_>, name: &str) -> Result<Option<i64>, ApiError> {
    let Some(value) = ctx.input.query.get(name) else {
        return Ok(None);
    };
    let text = value.as_str().unwrap_or_default();
    time::parse_millis(text).map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "\"{name}\" must be an ISO 8601 date-time such as 2026-12-31T23:59:59Z (got {value})"
        ))
    })
}

/// `audit_list`: the records from `start_time` to `end_time` (inclusive), every other
/// sent filter plain equality (`response_status_code=404`), oldest first, paged; answers
/// the spec's `{"object": "analytics-graph", "total", "records"}`.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let start = bound(ctx, "start_time")?;
    let end = bound(ctx, "end_time")?;
    let items: Vec<Value> = ctx
        .stores
        .audit
        .iter()
        .filter(|r| {
            let at = time::parse_millis(r.str("timestamp")).unwrap_or_default();
            start.is_none_or(|s| at >= s) && end.is_none_or(|e| at <= e)
        })
        .filter(|r| ctx.passes_filters(r, &["start_time", "end_time"]))
        .map(Record::render)
        .collect();
    let (total, records) = ctx.paged(items);
    Ok(json!({ "object": "analytics-graph", "total": total, "records": records }))
}
