//! Shapes that several resources share.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{Period, RateLimitType, RateLimitUnit, UsageLimitType};

/// Unknown fields of a model, kept so nothing the server sends is lost.
pub type Extra = Map<String, Value>;

/// One rate limit (`{"type": "requests", "unit": "rpm", "value": 100}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    #[serde(rename = "type")]
    pub kind: RateLimitType,
    pub unit: RateLimitUnit,
    pub value: i64,
    #[serde(flatten)]
    pub extra: Extra,
}

impl RateLimit {
    pub fn new(kind: RateLimitType, unit: RateLimitUnit, value: i64) -> Self {
        RateLimit {
            kind,
            unit,
            value,
            extra: Extra::new(),
        }
    }
}

/// A cost or token budget (the spec's `UsageLimits`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<i64>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<UsageLimitType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_threshold: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periodic_reset: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periodic_reset_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_usage_reset_at: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A page of a list operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct List<T> {
    #[serde(default)]
    pub object: Option<String>,
    /// The count of all matching objects, not only this page's.
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(flatten)]
    pub extra: Extra,
}
