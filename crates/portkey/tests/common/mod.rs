//! Test support: a fresh in-process `portkey-mock` per test and its admin routes.

#![allow(dead_code)] // each test binary uses a different part of this module

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client as HttpClient};
use hyper_util::rt::TokioExecutor;
use portkey::Client;
use serde_json::Value;

pub struct Mock {
    pub handle: portkey_mock::MockHandle,
    admin: HttpClient<HttpConnector, Full<Bytes>>,
}

impl Mock {
    pub fn start() -> Mock {
        Mock {
            handle: portkey_mock::spawn_background(None),
            admin: HttpClient::builder(TokioExecutor::new()).build_http(),
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

    async fn admin(&self, method: hyper::Method, path: &str, body: Option<&Value>) -> Value {
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}/__mock/{path}", self.handle.root_url()))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(
                body.map(Value::to_string).unwrap_or_default(),
            )))
            .expect("admin request builds");
        let response = self
            .admin
            .request(request)
            .await
            .expect("mock admin route answers");
        assert!(
            response.status().is_success(),
            "admin {path}: {}",
            response.status()
        );
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("admin body")
            .to_bytes();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    pub async fn reset(&self) {
        self.admin(hyper::Method::POST, "reset", None).await;
    }

    pub async fn fault(&self, fault: &Value) {
        self.admin(hyper::Method::POST, "faults", Some(fault)).await;
    }

    /// The mock's request log: `{"count": N, "requests": [...]}`.
    pub async fn requests(&self) -> Value {
        self.admin(hyper::Method::GET, "requests", None).await
    }

    pub async fn request_count(&self) -> u64 {
        self.requests().await["count"].as_u64().expect("count")
    }
}
