//! The seam between the client and the network. `ReqwestTransport` is the real one; tests
//! can plug in their own to script answers and failures without sockets.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Headers;
use crate::operation::Method;

/// A fully built request.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// Built once per client and cloned per call; parsing names and values per call showed
    /// up in profiles.
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub timeout: Duration,
}

/// A complete answer (status, headers and the whole body).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Bytes,
}

/// Why no answer came. The split matters for retries: only `Connect` proves the server never
/// saw the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The connection could not be made; the request was never sent.
    Connect(String),
    /// No complete answer in time; the server may have acted on the request.
    Timeout(String),
    /// The connection broke after the request may have been sent.
    Io(String),
}

pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one request, no retries (the client owns those).
pub trait Transport: Send + Sync + 'static {
    fn send(&self, request: HttpRequest) -> SendFuture<'_>;
}

/// The production transport: one reqwest connection pool, rustls for TLS.
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(connect_timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(ReqwestTransport { http })
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .http
            .request(method, &request.url)
            .timeout(request.timeout)
            .headers(request.headers);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.bytes().await.map_err(classify)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(self.send_inner(request))
    }
}

fn classify(error: reqwest::Error) -> TransportError {
    // The whole source chain: reqwest's own text is only "error sending request".
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_timeout() {
        TransportError::Timeout(message)
    } else if error.is_connect() {
        TransportError::Connect(message)
    } else {
        TransportError::Io(message)
    }
}
