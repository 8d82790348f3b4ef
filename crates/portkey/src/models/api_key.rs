//! API key models (the spec's `ApiKeyObject` and the create/rotate answers).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Extra, RateLimit, UsageLimits};
use super::enums::{open_enum, Period, Status};

open_enum!(
    /// The key's kind, as the API reports it.
    ApiKeyType {
        OrganisationService => "organisation-service",
        WorkspaceService => "workspace-service",
        WorkspaceUser => "workspace-user",
    }
);

open_enum!(
    /// How the key was made.
    CreationMode { Ui => "ui", Api => "api", Auto => "auto" }
);

/// An API key as `retrieve` and `list` show it; `key` is masked (`Xk*******S4`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiKey {
    pub id: Option<String>,
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<ApiKeyType>,
    pub organisation_id: Option<String>,
    pub workspace_id: Option<String>,
    pub user_id: Option<String>,
    pub status: Option<Status>,
    pub created_at: Option<String>,
    pub last_updated_at: Option<String>,
    pub creation_mode: Option<CreationMode>,
    pub rate_limits: Option<Vec<RateLimit>>,
    pub usage_limits: Option<UsageLimits>,
    pub reset_usage: Option<f64>,
    pub scopes: Option<Vec<String>>,
    pub defaults: Option<KeyDefaults>,
    pub alert_emails: Option<Vec<String>>,
    pub expires_at: Option<String>,
    pub rotation_policy: Option<RotationPolicy>,
    pub object: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Defaults applied to requests made with a key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyDefaults {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_config_override: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Automatic rotation settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RotationPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotation_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_transition_period_ms: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer to `create`: the full secret, shown this once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedApiKey {
    pub id: Option<String>,
    pub key: Option<String>,
    pub object: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer to `rotate`: the new secret and when the old one stops working.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RotatedApiKey {
    pub id: Option<String>,
    pub key: Option<String>,
    pub key_transition_expires_at: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_values_survive_decoding() {
        let key: ApiKey = serde_json::from_str(
            r#"{"id":"1","type":"organisation-user","status":"active","brand_new":{"x":1},"rate_limits":[{"type":"requests","unit":"rpm","value":5,"burst":2}]}"#,
        )
        .unwrap();
        assert_eq!(
            key.kind,
            Some(ApiKeyType::Other("organisation-user".into()))
        );
        assert_eq!(key.extra["brand_new"]["x"], 1);
        assert_eq!(key.rate_limits.unwrap()[0].extra["burst"], 2);
    }
}
