//! The query of an analytics route (time range, filters, paging), the logs and feedback it
//! selects, and the time buckets of its graphs. See the module docs (mod.rs) for the rules.

use super::{FEEDBACK, LOGS};
use crate::engine::store::Stores;
use crate::errors::ApiError;
use crate::time;
use serde_json::{Map, Value};
use std::collections::HashMap;

const MIN_KEY: &str = "time_of_generation_min";
const MAX_KEY: &str = "time_of_generation_max";

/// Comma-separated list filters: query name, the log's field.
const LISTS: &[(&str, &str)] = &[
    ("status_code", "status_code"),
    ("virtual_keys", "virtual_key"),
    ("configs", "config"),
    ("api_key_ids", "api_key_id"),
    ("ai_org_model", "ai_org_model"),
    ("trace_id", "trace_id"),
    ("span_id", "span_id"),
    ("prompt_slug", "prompt_slug"),
];

/// Inclusive range filters: the query's min and max names, the log's numeric field.
const RANGES: &[(&str, &str, &str)] = &[
    ("total_units_min", "total_units_max", "total_tokens"),
    ("cost_min", "cost_max", "cost"),
    ("prompt_token_min", "prompt_token_max", "prompt_tokens"),
    (
        "completion_token_min",
        "completion_token_max",
        "completion_tokens",
    ),
];

/// An analytics query, checked.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The time range, epoch milliseconds, inclusive.
    pub from: i64,
    pub to: i64,
    workspace: Option<String>,
    /// (log field, accepted values).
    lists: Vec<(&'static str, Vec<String>)>,
    /// (log field, min, max).
    ranges: Vec<(&'static str, Option<f64>, Option<f64>)>,
    metadata: Map<String, Value>,
    weighted: (Option<f64>, Option<f64>),
    /// Paging of the groups: page from 0, size (default 50).
    pub page: usize,
    pub page_size: usize,
}

impl Query {
    /// Reads the query parameters (wire names; values as the engine typed them, or text).
    pub fn parse(query: &Map<String, Value>) -> Result<Query, ApiError> {
        let text = |name: &str| -> Option<String> {
            query.get(name).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        let instant = |name: &str| -> Result<i64, ApiError> {
            let value = text(name)
                .ok_or_else(|| ApiError::bad_request(format!("\"{name}\" is required")))?;
            time::parse_millis(&value).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "\"{name}\" must be an ISO 8601 date-time such as 2026-02-23T14:20:31+05:30 (got {value:?})"
                ))
            })
        };
        let (from, to) = (instant(MIN_KEY)?, instant(MAX_KEY)?);
        if from > to {
            return Err(ApiError::bad_request(format!(
                "\"{MIN_KEY}\" must not be after \"{MAX_KEY}\""
            )));
        }
        let number = |name: &str| -> Result<Option<f64>, ApiError> {
            let Some(value) = query.get(name) else {
                return Ok(None);
            };
            let parsed = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            parsed.filter(|n| n.is_finite()).map(Some).ok_or_else(|| {
                ApiError::bad_request(format!("\"{name}\" must be a number (got {value})"))
            })
        };
        let mut lists = Vec::new();
        for (name, field) in LISTS {
            let Some(value) = text(name) else { continue };
            let items: Vec<String> = value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if *name == "status_code" {
                if let Some(bad) = items.iter().find(|s| s.parse::<u16>().is_err()) {
                    return Err(ApiError::bad_request(format!(
                        "\"status_code\" must be comma-separated HTTP status codes such as 401,403 (got {bad:?})"
                    )));
                }
            }
            if !items.is_empty() {
                lists.push((*field, items));
            }
        }
        let mut ranges = Vec::new();
        for (min, max, field) in RANGES {
            let (lo, hi) = (number(min)?, number(max)?);
            if lo.is_some() || hi.is_some() {
                ranges.push((*field, lo, hi));
            }
        }
        let metadata = match text("metadata") {
            None => Map::new(),
            Some(raw) => match serde_json::from_str::<Value>(&raw) {
                Ok(Value::Object(map)) => map,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "\"metadata\" must be a JSON object such as {{\"env\":\"staging\"}} (got {raw:?})"
                    )))
                }
            },
        };
        let count = |name: &str, default: usize| -> Result<usize, ApiError> {
            Ok(number(name)?.map_or(default, |n| n.max(0.0) as usize))
        };
        Ok(Query {
            from,
            to,
            workspace: text("workspace_slug").filter(|s| !s.is_empty()),
            lists,
            ranges,
            metadata,
            weighted: (
                number("weighted_feedback_min")?,
                number("weighted_feedback_max")?,
            ),
            page: count("current_page", 0)?,
            page_size: count("page_size", 50)?,
        })
    }

    /// Whether any filter besides the time range was sent.
    fn filters_logs(&self) -> bool {
        self.workspace.is_some()
            || !self.lists.is_empty()
            || !self.ranges.is_empty()
            || !self.metadata.is_empty()
            || self.weighted != (None, None)
    }

    /// Whether `log` passes every filter but the time range.
    fn keeps(&self, log: &Log<'_>) -> bool {
        let fields = log.fields;
        if let Some(workspace) = &self.workspace {
            if fields.get("workspace_slug").and_then(Value::as_str) != Some(workspace) {
                return false;
            }
        }
        let lists = self.lists.iter().all(|(field, wanted)| {
            text_of(fields.get(*field)).is_some_and(|have| wanted.contains(&have))
        });
        let ranges = self
            .ranges
            .iter()
            .all(|(field, lo, hi)| within(number_of(fields.get(*field)), *lo, *hi));
        let metadata = self.metadata.iter().all(|(key, wanted)| {
            let have = fields.get("metadata").and_then(|m| m.get(key));
            have.is_some() && text_of(have) == text_of(Some(wanted))
        });
        let weighted = match self.weighted {
            (None, None) => true,
            (lo, hi) => log.weighted.is_some_and(|w| within(w, lo, hi)),
        };
        lists && ranges && metadata && weighted
    }

    pub fn in_range(&self, at: i64) -> bool {
        (self.from..=self.to).contains(&at)
    }
}

/// A stored value as filter text: strings as they are, numbers and booleans as JSON.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A stored number (0 when absent or not a number).
pub fn number_of(value: Option<&Value>) -> f64 {
    value.and_then(Value::as_f64).unwrap_or(0.0)
}

fn within(n: f64, lo: Option<f64>, hi: Option<f64>) -> bool {
    lo.is_none_or(|lo| n >= lo) && hi.is_none_or(|hi| n <= hi)
}

/// One stored log, as the analytics read it.
#[derive(Debug, Clone)]
pub struct Log<'a> {
    pub fields: &'a Map<String, Value>,
    /// `created_at`, epoch milliseconds.
    pub at: i64,
    /// The mean weighted feedback of its trace, if it has feedback.
    pub weighted: Option<f64>,
}

impl Log<'_> {
    pub fn num(&self, field: &str) -> f64 {
        number_of(self.fields.get(field))
    }

    /// A text field, `None` when absent, null or empty.
    pub fn text(&self, field: &str) -> Option<String> {
        text_of(self.fields.get(field)).filter(|s| !s.is_empty())
    }

    pub fn flag(&self, field: &str) -> bool {
        self.fields.get(field).and_then(Value::as_bool) == Some(true)
    }

    /// `is_success`, else status < 400.
    pub fn is_error(&self) -> bool {
        match self.fields.get("is_success").and_then(Value::as_bool) {
            Some(success) => !success,
            None => self.status() >= 400,
        }
    }

    pub fn status(&self) -> i64 {
        self.num("status_code") as i64
    }

    /// `simple`, `semantic` or neither, from `cache_status` (`HIT`, `SEMANTIC HIT`).
    pub fn cache_hit(&self) -> Option<CacheHit> {
        let status = self.text("cache_status")?.to_ascii_uppercase();
        match status.trim() {
            "HIT" | "SIMPLE HIT" => Some(CacheHit::Simple),
            "SEMANTIC HIT" | "SEMANTIC_HIT" => Some(CacheHit::Semantic),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheHit {
    Simple,
    Semantic,
}

/// One stored feedback, as the graphs read it.
#[derive(Debug, Clone)]
pub struct Feedback<'a> {
    /// Its log's time, else its own.
    pub at: i64,
    pub value: f64,
    pub weight: f64,
    /// The first log of its trace.
    pub log: Option<Log<'a>>,
}

impl Feedback<'_> {
    pub fn weighted(&self) -> f64 {
        self.value * self.weight
    }
}

/// What a query selects: its logs (oldest first) and its feedback.
#[derive(Debug)]
pub struct Data<'a> {
    pub logs: Vec<Log<'a>>,
    pub feedback: Vec<Feedback<'a>>,
}

impl<'a> Data<'a> {
    pub fn select(stores: &'a Stores, query: &Query) -> Data<'a> {
        let feedback_store = stores.all(FEEDBACK);
        // The mean weighted feedback per trace.
        let mut per_trace: HashMap<&str, (f64, f64)> = HashMap::new();
        for f in feedback_store {
            let entry = per_trace.entry(f.str("trace_id")).or_default();
            entry.0 += weighted_of(&f.fields);
            entry.1 += 1.0;
        }
        let mut all: Vec<Log<'a>> = stores
            .all(LOGS)
            .iter()
            .map(|r| Log {
                fields: &r.fields,
                at: time::parse_millis(r.str("created_at")).unwrap_or(0),
                weighted: r
                    .fields
                    .get("trace_id")
                    .and_then(Value::as_str)
                    .and_then(|t| per_trace.get(t))
                    .map(|(sum, n)| sum / n),
            })
            .collect();
        // Stable: logs of the same instant keep their insertion order.
        all.sort_by_key(|l| l.at);
        let mut first_of_trace: HashMap<String, Log<'a>> = HashMap::new();
        for log in &all {
            if let Some(trace) = log.text("trace_id") {
                first_of_trace.entry(trace).or_insert_with(|| log.clone());
            }
        }
        let feedback = feedback_store
            .iter()
            .filter_map(|f| {
                let log = first_of_trace.get(f.str("trace_id")).cloned();
                let at = log.as_ref().map_or_else(
                    || time::parse_millis(f.str("created_at")).unwrap_or(0),
                    |l| l.at,
                );
                let kept = match &log {
                    Some(log) => query.keeps(log),
                    None => !query.filters_logs(),
                };
                (kept && query.in_range(at)).then(|| Feedback {
                    at,
                    value: number_of(f.fields.get("value")),
                    weight: f
                        .fields
                        .get("weight")
                        .and_then(Value::as_f64)
                        .unwrap_or(1.0),
                    log,
                })
            })
            .collect::<Vec<_>>();
        let mut feedback = feedback;
        feedback.sort_by_key(|f| f.at);
        let logs = all
            .into_iter()
            .filter(|l| query.in_range(l.at) && query.keeps(l))
            .collect();
        Data { logs, feedback }
    }
}

/// `value × weight` of a stored feedback (weight 1 when absent).
fn weighted_of(fields: &Map<String, Value>) -> f64 {
    number_of(fields.get("value")) * fields.get("weight").and_then(Value::as_f64).unwrap_or(1.0)
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// At most this many daily buckets; longer ranges get wider ones.
const MAX_DAYS: i64 = 1000;

/// The time buckets of a graph.
#[derive(Debug, Clone, Copy)]
pub struct Buckets {
    /// The first bucket's start, epoch milliseconds.
    pub start: i64,
    pub width: i64,
    pub count: usize,
}

impl Buckets {
    pub fn of(query: &Query) -> Buckets {
        let length = query.to - query.from;
        let width = if length <= HOUR {
            MINUTE
        } else if length <= 48 * HOUR {
            HOUR
        } else {
            let days = length / DAY + 1;
            DAY * ((days + MAX_DAYS - 1) / MAX_DAYS).max(1)
        };
        let start = query.from.div_euclid(width) * width;
        let last = query.to.div_euclid(width) * width;
        Buckets {
            start,
            width,
            count: usize::try_from((last - start) / width + 1).unwrap_or(1),
        }
    }

    /// The bucket of an instant inside the range.
    pub fn index(&self, at: i64) -> usize {
        usize::try_from((at - self.start).div_euclid(self.width))
            .unwrap_or(0)
            .min(self.count - 1)
    }

    /// The start of bucket `i` as RFC 3339 (UTC, whole seconds).
    pub fn stamp(&self, i: usize) -> String {
        rfc3339_millis(self.start + self.width * i as i64)
    }

    /// `items` sorted into buckets, in order.
    pub fn split<'t, T>(&self, items: &'t [T], at: impl Fn(&T) -> i64) -> Vec<Vec<&'t T>> {
        let mut out: Vec<Vec<&T>> = (0..self.count).map(|_| Vec::new()).collect();
        for item in items {
            out[self.index(at(item))].push(item);
        }
        out
    }
}

/// Epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC), for any year 0..=9999.
pub fn rfc3339_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days, over signed days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
