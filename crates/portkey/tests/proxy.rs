//! Calls through proxies: plain http in absolute form, https through a CONNECT tunnel.

mod common;

use std::sync::{Arc, Mutex};

use common::Mock;
use portkey::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn http_urls_go_to_the_proxy_in_absolute_form() {
    // The mock stands in for an HTTP proxy: it answers absolute-form requests by their path.
    let mock = Mock::start();
    let client = Client::builder()
        .api_key("pk-test")
        .base_url("http://portkey.invalid/v1")
        .proxy(mock.handle.root_url())
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.api_keys().retrieve("via-proxy").await.unwrap_err();
    // `portkey.invalid` resolves nowhere, so a 404 from the mock proves the proxy carried it.
    assert_eq!(err.class_name(), "NotFoundError", "{err}");
    let log = mock.requests().await;
    assert_eq!(log["requests"][0]["path"], "/v1/api-keys/via-proxy");
}

/// A proxy that records the CONNECT request and refuses it.
async fn refusing_proxy() -> (String, Arc<Mutex<String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://user:secret@{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(String::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        *record.lock().unwrap() = String::from_utf8_lossy(&head).into_owned();
        let _ = socket
            .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            .await;
    });
    (url, seen)
}

#[tokio::test]
async fn https_urls_tunnel_through_connect_with_the_proxy_credentials() {
    let (proxy, seen) = refusing_proxy().await;
    let client = Client::builder()
        .api_key("pk-test-secret")
        .base_url("https://portkey.invalid/v1")
        .proxy(proxy)
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.api_keys().retrieve("x").await.unwrap_err();
    assert_eq!(err.class_name(), "APIConnectionError", "{err}");
    let head = seen.lock().unwrap().clone();
    assert!(
        head.starts_with("CONNECT portkey.invalid:443 HTTP/1.1\r\n"),
        "{head}"
    );
    // user:secret, base64: the proxy's credentials go to the proxy...
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic dxnlcjpzzwnyzxq="),
        "{head}"
    );
    // ...and the API key does not: it travels inside the tunnel only.
    assert!(!head.contains("pk-test-secret"), "{head}");
    assert!(!format!("{err:?}").contains("secret"), "{err:?}");
}
