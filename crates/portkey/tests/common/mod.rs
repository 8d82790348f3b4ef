//! Test support: a fresh in-process `portkey-mock` per test and its admin routes.

#![allow(dead_code)] // each test binary uses a different part of this module

use portkey::Client;
use serde_json::Value;

pub struct Mock {
    pub handle: portkey_mock::MockHandle,
    admin: reqwest::Client,
}

impl Mock {
    pub fn start() -> Mock {
        Mock {
            handle: portkey_mock::spawn_background(None),
            admin: reqwest::Client::new(),
        }
    }

    pub fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    pub fn builder(&self) -> portkey::ClientBuilder {
        Client::builder()
            .api_key("pk-test-secret-0123456789")
            .base_url(self.handle.base_url())
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Value {
        let mut req = self
            .admin
            .request(method, format!("{}/__mock/{path}", self.handle.root_url()));
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let res = req.send().await.expect("mock admin route answers");
        assert!(res.status().is_success(), "admin {path}: {}", res.status());
        let bytes = res.bytes().await.expect("admin body");
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    pub async fn reset(&self) {
        self.admin(reqwest::Method::POST, "reset", None).await;
    }

    pub async fn fault(&self, fault: &Value) {
        self.admin(reqwest::Method::POST, "faults", Some(fault))
            .await;
    }

    /// The mock's request log: `{"count": N, "requests": [...]}`.
    pub async fn requests(&self) -> Value {
        self.admin(reqwest::Method::GET, "requests", None).await
    }

    pub async fn request_count(&self) -> u64 {
        self.requests().await["count"].as_u64().expect("count")
    }
}
