//! `client.api_keys()`: create, list, retrieve, update, delete and rotate API keys.

use serde::Serialize;
use serde_json::Value;

use super::{setters, with_id};
use crate::client::{to_params, Client, RequestOptions};
use crate::error::Result;
use crate::models::{
    open_enum, ApiKey, CreatedApiKey, KeyDefaults, List, RateLimit, RotatedApiKey, RotationPolicy,
    UsageLimits,
};
use crate::ops::api_keys as ops;

open_enum!(
    /// Who a new key belongs to (the `{type}` path segment).
    KeyType { Organisation => "organisation", Workspace => "workspace" }
);

open_enum!(
    /// Whether a new key acts for a user or a service (the `{sub-type}` path segment).
    KeySubType { User => "user", Service => "service" }
);

/// Parameters of `api_keys().create`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateApiKey {
    #[serde(rename = "type")]
    pub kind: KeyType,
    pub sub_type: KeySubType,
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<Vec<RateLimit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limits: Option<UsageLimits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<KeyDefaults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_emails: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_policy: Option<RotationPolicy>,
}

impl CreateApiKey {
    pub fn new(
        kind: KeyType,
        sub_type: KeySubType,
        name: impl Into<String>,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        CreateApiKey {
            kind,
            sub_type,
            name: name.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            description: None,
            workspace_id: None,
            user_id: None,
            organisation_id: None,
            rate_limits: None,
            usage_limits: None,
            defaults: None,
            alert_emails: None,
            expires_at: None,
            rotation_policy: None,
        }
    }

    setters! {
        description: String,
        workspace_id: String,
        /// Required when the sub-type is `User`.
        user_id: String,
        organisation_id: String,
        rate_limits: Vec<RateLimit>,
        usage_limits: UsageLimits,
        defaults: KeyDefaults,
        alert_emails: Vec<String>,
        /// RFC 3339, e.g. `2026-12-31T23:59:59Z`.
        expires_at: String,
        rotation_policy: RotationPolicy,
    }
}

/// Parameters of `api_keys().update`; only what is set is sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateApiKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<Vec<RateLimit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limits: Option<UsageLimits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_usage: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<KeyDefaults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_emails: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_policy: Option<RotationPolicy>,
}

impl UpdateApiKey {
    setters! {
        name: String,
        description: String,
        scopes: Vec<String>,
        rate_limits: Vec<RateLimit>,
        usage_limits: UsageLimits,
        /// Resets accumulated usage; an exhausted key becomes active again.
        reset_usage: bool,
        defaults: KeyDefaults,
        alert_emails: Vec<String>,
        expires_at: String,
        rotation_policy: RotationPolicy,
    }
}

/// Parameters of `api_keys().list`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListApiKeys {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

impl ListApiKeys {
    setters! {
        page_size: u32,
        /// Zero-based.
        current_page: u32,
        workspace_id: String,
    }
}

/// `client.api_keys()`.
pub struct ApiKeys<'a> {
    client: &'a Client,
}

impl Client {
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { client: self }
    }
}

impl ApiKeys<'_> {
    /// Creates a key. The answer's `key` is the full secret, shown only this once.
    pub async fn create(&self, params: &CreateApiKey) -> Result<CreatedApiKey> {
        self.client
            .call(&ops::CREATE, to_params(params), &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn list(&self, params: &ListApiKeys) -> Result<List<ApiKey>> {
        self.client
            .call(&ops::LIST, to_params(params), &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn retrieve(&self, id: &str) -> Result<ApiKey> {
        let params = with_id(Default::default(), "id", id);
        self.client
            .call(&ops::RETRIEVE, params, &RequestOptions::default())
            .await?
            .json()
    }

    /// Returns the server's acknowledgement (`{}` today).
    pub async fn update(&self, id: &str, params: &UpdateApiKey) -> Result<Value> {
        let params = with_id(to_params(params), "id", id);
        self.client
            .call(&ops::UPDATE, params, &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn delete(&self, id: &str) -> Result<Value> {
        let params = with_id(Default::default(), "id", id);
        self.client
            .call(&ops::DELETE, params, &RequestOptions::default())
            .await?
            .json()
    }

    /// Issues a new secret; the old one keeps working for `key_transition_period_ms`
    /// (the server's default when `None`; at least 30 minutes).
    pub async fn rotate(
        &self,
        id: &str,
        key_transition_period_ms: Option<i64>,
    ) -> Result<RotatedApiKey> {
        let mut params = with_id(Default::default(), "id", id);
        if let Some(ms) = key_transition_period_ms {
            params.insert("key_transition_period_ms".to_owned(), ms.into());
        }
        self.client
            .call(&ops::ROTATE, params, &RequestOptions::default())
            .await?
            .json()
    }
}
