//! The client: one connection pool, the retry loop, and the single entry point `call` that
//! every typed Rust method and every Python and Node method goes through.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::config::ClientBuilder;
use crate::error::{Error, Result, StatusError};
use crate::operation::Operation;
use crate::request::{self, Params};
use crate::response::RawResponse;
use crate::retry;
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// A Portkey control-plane client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) api_key: String,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) user_agent: String,
    pub(crate) transport: Arc<dyn Transport>,
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Extra headers for this call (they cannot replace the API key header).
    pub extra_headers: Vec<(String, String)>,
}

impl std::fmt::Debug for Client {
    // The API key is never printed, whatever the caller formats.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish()
    }
}

impl Client {
    /// Starts a builder; `Client::builder().build()` reads `PORTKEY_API_KEY` and
    /// `PORTKEY_BASE_URL`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment alone.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::default().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Client {
            inner: Arc::new(inner),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// Calls the operation named `name` (`api_keys.retrieve`) with parameters as the caller
    /// spelled them. This is the whole FFI surface of the bindings.
    pub async fn call_by_name(
        &self,
        name: &str,
        params: Params,
        options: &RequestOptions,
    ) -> Result<RawResponse> {
        let op = crate::ops::find(name)
            .ok_or_else(|| Error::invalid("operation", format!("unknown operation '{name}'")))?;
        self.call(op, params, options).await
    }

    /// Validates, sends with retries, and returns the answer or a structured error.
    pub async fn call(
        &self,
        op: &Operation,
        params: Params,
        options: &RequestOptions,
    ) -> Result<RawResponse> {
        let prepared = request::prepare(op, params)?;
        let inner = &*self.inner;
        let mut headers = Vec::with_capacity(4 + options.extra_headers.len());
        for (name, value) in &options.extra_headers {
            if !name.eq_ignore_ascii_case("x-portkey-api-key") {
                headers.push((name.clone(), value.clone()));
            }
        }
        headers.push(("x-portkey-api-key".to_owned(), inner.api_key.clone()));
        headers.push(("user-agent".to_owned(), inner.user_agent.clone()));
        headers.push(("accept".to_owned(), "application/json".to_owned()));
        if prepared.body.is_some() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let request = HttpRequest {
            method: prepared.method,
            url: format!("{}{}", inner.base_url, prepared.path_and_query),
            headers,
            body: prepared.body.map(Bytes::from),
            timeout: options.timeout.unwrap_or(inner.timeout),
        };
        let max_retries = options.max_retries.unwrap_or(inner.max_retries);
        let response = self.send_with_retries(request, max_retries).await?;
        finish(response)
    }

    async fn send_with_retries(
        &self,
        request: HttpRequest,
        max_retries: u32,
    ) -> Result<HttpResponse> {
        let method = request.method;
        let mut retry = 0;
        loop {
            let outcome = self.inner.transport.send(request.clone()).await;
            let may_retry = retry < max_retries;
            let wait = match &outcome {
                Ok(r) if may_retry && retry::retry_status(method, r.status) => {
                    retry::delay(retry, &r.headers, fastrand::f64())
                }
                Err(e) if may_retry && retry::retry_failure(method, e) => {
                    retry::delay(retry, &Vec::new(), fastrand::f64())
                }
                _ => return outcome.map_err(transport_error),
            };
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }
}

fn transport_error(error: TransportError) -> Error {
    match error {
        TransportError::Timeout(message) => Error::Timeout { message },
        TransportError::Connect(message) | TransportError::Io(message) => {
            Error::Connection { message }
        }
    }
}

/// Turns a final answer into the caller's result: 2xx with a JSON body (an empty body reads
/// as `{}`), or the status error.
fn finish(response: HttpResponse) -> Result<RawResponse> {
    let HttpResponse {
        status,
        headers,
        body,
    } = response;
    if !(200..300).contains(&status) {
        return Err(Error::Status(Box::new(StatusError::new(
            status, headers, &body,
        ))));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        Bytes::from_static(b"{}")
    } else {
        if let Err(e) = serde_json::from_slice::<IgnoredAny>(&body) {
            return Err(Error::Decode {
                message: e.to_string(),
                status,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        body
    };
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// Turns any serialisable request struct into call parameters.
pub(crate) fn to_params<T: serde::Serialize>(value: &T) -> Params {
    match serde_json::to_value(value).expect("request structs serialise to JSON") {
        Value::Object(map) => map,
        _ => unreachable!("request structs are JSON objects"),
    }
}
