//! Virtual key models (the spec's `VirtualKeys`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Extra, RateLimit, UsageLimits};
use super::enums::Status;

/// A virtual key. The provider's secret is never returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualKey {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub note: Option<String>,
    pub status: Option<Status>,
    pub usage_limits: Option<UsageLimits>,
    pub reset_usage: Option<f64>,
    pub created_at: Option<String>,
    pub model_config: Option<Value>,
    pub rate_limits: Option<Vec<RateLimit>>,
    pub expires_at: Option<String>,
    pub secret_mappings: Option<Vec<Value>>,
    pub object: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer to `create`: `{"success": true, "data": {"slug": ...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedVirtualKey {
    pub success: Option<bool>,
    pub data: Option<CreatedSlug>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedSlug {
    pub slug: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreatedVirtualKey {
    /// The new key's slug.
    pub fn slug(&self) -> Option<&str> {
        self.data.as_ref()?.slug.as_deref()
    }
}
