//! `client.virtual_keys()`: provider credentials kept by Portkey.

use serde::Serialize;
use serde_json::Value;

use super::{setters, with_id};
use crate::client::{to_params, Client, RequestOptions};
use crate::error::Result;
use crate::models::{CreatedVirtualKey, List, RateLimit, UsageLimits, VirtualKey};
use crate::ops::virtual_keys as ops;

/// Parameters of `virtual_keys().create`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateVirtualKey {
    pub name: String,
    /// One of the spec's providers, e.g. `openai`.
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limits: Option<UsageLimits>,
    /// One limit (the spec's create body takes a single object here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<RateLimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl CreateVirtualKey {
    pub fn new(name: impl Into<String>, provider: impl Into<String>) -> Self {
        CreateVirtualKey {
            name: name.into(),
            provider: provider.into(),
            key: None,
            note: None,
            workspace_id: None,
            usage_limits: None,
            rate_limits: None,
            expires_at: None,
        }
    }

    setters! {
        /// The provider's secret.
        key: String,
        note: String,
        workspace_id: String,
        usage_limits: UsageLimits,
        rate_limits: RateLimit,
        expires_at: String,
    }
}

/// Parameters of `virtual_keys().update`; only what is set is sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateVirtualKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limits: Option<UsageLimits>,
}

impl UpdateVirtualKey {
    setters! {
        name: String,
        key: String,
        note: String,
        usage_limits: UsageLimits,
    }
}

/// Parameters of `virtual_keys().list`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListVirtualKeys {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

impl ListVirtualKeys {
    setters! {
        current_page: u32,
        page_size: u32,
        workspace_id: String,
    }
}

/// `client.virtual_keys()`.
pub struct VirtualKeys<'a> {
    client: &'a Client,
}

impl Client {
    pub fn virtual_keys(&self) -> VirtualKeys<'_> {
        VirtualKeys { client: self }
    }
}

impl VirtualKeys<'_> {
    pub async fn create(&self, params: &CreateVirtualKey) -> Result<CreatedVirtualKey> {
        self.client
            .call(&ops::CREATE, to_params(params), &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn list(&self, params: &ListVirtualKeys) -> Result<List<VirtualKey>> {
        self.client
            .call(&ops::LIST, to_params(params), &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn retrieve(&self, slug: &str) -> Result<VirtualKey> {
        let params = with_id(Default::default(), "slug", slug);
        self.client
            .call(&ops::RETRIEVE, params, &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn update(&self, slug: &str, params: &UpdateVirtualKey) -> Result<Value> {
        let params = with_id(to_params(params), "slug", slug);
        self.client
            .call(&ops::UPDATE, params, &RequestOptions::default())
            .await?
            .json()
    }

    pub async fn delete(&self, slug: &str) -> Result<Value> {
        let params = with_id(Default::default(), "slug", slug);
        self.client
            .call(&ops::DELETE, params, &RequestOptions::default())
            .await?
            .json()
    }
}
