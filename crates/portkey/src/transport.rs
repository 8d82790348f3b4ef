//! The seam between the client and the network. `HyperTransport` is the real one; tests
//! can plug in their own to script answers and failures without sockets.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Incoming};
pub use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioExecutor;

use crate::error::Headers;
use crate::operation::Method;
use crate::proxy::ProxyConnector;

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
    /// The request could not be built (its URL or a header is not valid); nothing was sent.
    /// Bad input or a bug, never a network condition, so it is never retried.
    Request(String),
}

pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// An answer's body, read only as the consumer polls it (backpressure): each item is the next
/// chunk of bytes, as the network delivered it. Dropping it closes the connection unless the
/// body was read to its end.
pub type BodyStream =
    Pin<Box<dyn futures_core::Stream<Item = Result<Bytes, TransportError>> + Send + 'static>>;

/// An answer whose head is in and whose body is still to be read.
pub struct StreamingResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: BodyStream,
}

impl std::fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

pub type StreamingFuture<'a> =
    Pin<Box<dyn Future<Output = Result<StreamingResponse, TransportError>> + Send + 'a>>;

/// Sends one request, no retries (the client owns those).
pub trait Transport: Send + Sync + 'static {
    fn send(&self, request: HttpRequest) -> SendFuture<'_>;

    /// Sends one request and resolves once the answer's head is in; the body is read as the
    /// caller polls it. `request.timeout` bounds the wait for the head only (the caller bounds
    /// the body's pauses). The default is built on `send` (the whole body at once, within
    /// the timeout), so a transport that only implements `send` streams too.
    fn send_streaming(&self, request: HttpRequest) -> StreamingFuture<'_> {
        let sending = self.send(request);
        Box::pin(async move {
            let response = sending.await?;
            let body: BodyStream = Box::pin(Whole(Some(response.body)));
            Ok(StreamingResponse {
                status: response.status,
                headers: response.headers,
                body,
            })
        })
    }
}

/// A body already read whole, as a stream of one chunk.
struct Whole(Option<Bytes>);

impl futures_core::Stream for Whole {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.take().filter(|b| !b.is_empty()).map(Ok))
    }
}

/// hyper's body as a stream of data chunks (trailers are skipped).
struct Chunks(Incoming);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match Pin::new(&mut self.0).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Err(TransportError::Io(chain(&e)))))
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        if !data.is_empty() {
                            return Poll::Ready(Some(Ok(data)));
                        }
                    }
                }
            }
        }
    }
}

/// The production transport: one hyper connection pool (HTTP/1.1 keep-alive), rustls for TLS,
/// and proxies from the environment (see `proxy.rs`).
pub struct HyperTransport {
    http: hyper_util::client::legacy::Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    /// Kept to add `Proxy-Authorization` to plain-http requests sent to a proxy.
    proxy: Option<Arc<Matcher>>,
}

impl HyperTransport {
    pub fn new(connect_timeout: Duration, proxy: Option<Matcher>) -> Result<Self, String> {
        let mut tcp = HttpConnector::new();
        tcp.set_connect_timeout(Some(connect_timeout));
        tcp.set_nodelay(true);
        // The TLS layer below decides per URL; the TCP connector must let https through.
        tcp.enforce_http(false);
        let proxy = proxy.map(Arc::new);
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .map_err(|e| format!("TLS setup failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(ProxyConnector {
                tcp,
                matcher: proxy.clone(),
            });
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(tls);
        Ok(HyperTransport { http, proxy })
    }

    /// Sends the request and waits for the answer's head.
    async fn head(
        &self,
        request: HttpRequest,
    ) -> Result<hyper::Response<Incoming>, TransportError> {
        let method = match request.method {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
            Method::Put => hyper::Method::PUT,
            Method::Delete => hyper::Method::DELETE,
        };
        let mut outgoing = hyper::Request::builder()
            .method(method)
            .uri(&request.url)
            .body(Full::new(request.body.unwrap_or_default()))
            // The client checked the base URL and encoded the path, so this is a bug if hit;
            // in any case not a connection failure, and never retried.
            .map_err(|e| TransportError::Request(format!("invalid request URL: {e}")))?;
        *outgoing.headers_mut() = request.headers;
        if let Some(auth) = self.plain_proxy_auth(outgoing.uri()) {
            outgoing
                .headers_mut()
                .insert(hyper::header::PROXY_AUTHORIZATION, auth);
        }
        self.http.request(outgoing).await.map_err(|e| {
            let message = chain(&e);
            if e.is_connect() {
                TransportError::Connect(message)
            } else {
                TransportError::Io(message)
            }
        })
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = self.head(request).await?.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| TransportError::Io(chain(&e)))?
            .to_bytes();
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers: headers_of(&parts.headers),
            body,
        })
    }
}

fn headers_of(headers: &HeaderMap) -> Headers {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

impl HyperTransport {
    /// Credentials for an HTTP proxy travel on each request; an https URL's go on the CONNECT.
    fn plain_proxy_auth(&self, uri: &hyper::Uri) -> Option<HeaderValue> {
        if uri.scheme_str() != Some("http") {
            return None;
        }
        let intercept = self.proxy.as_ref()?.intercept(uri)?;
        intercept.basic_auth().cloned()
    }
}

impl Transport for HyperTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        let timeout = request.timeout;
        Box::pin(async move {
            // One deadline for the whole exchange, body included: a server that sends headers
            // and then stalls still ends in a timeout.
            tokio::time::timeout(timeout, self.exchange(request))
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::Timeout(format!(
                        "no complete answer within {timeout:?}"
                    )))
                })
        })
    }

    fn send_streaming(&self, request: HttpRequest) -> StreamingFuture<'_> {
        let timeout = request.timeout;
        Box::pin(async move {
            let response = tokio::time::timeout(timeout, self.head(request))
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::Timeout(format!(
                        "no answer within {timeout:?}"
                    )))
                })?;
            let (parts, body) = response.into_parts();
            let body: BodyStream = Box::pin(Chunks(body));
            Ok(StreamingResponse {
                status: parts.status.as_u16(),
                headers: headers_of(&parts.headers),
                body,
            })
        })
    }
}

/// The error with its causes: hyper's own text is only "client error (Connect)".
fn chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_url_that_cannot_be_built_is_a_request_error_not_a_connect_error() {
        let transport =
            HyperTransport::new(Duration::from_secs(2), None).expect("TLS config builds");
        let request = HttpRequest {
            method: Method::Get,
            url: format!("http://127.0.0.1:9/v1/api-keys/{}", "a".repeat(70_000)),
            headers: HeaderMap::new(),
            body: None,
            timeout: Duration::from_secs(2),
        };
        match transport.send(request).await {
            Err(TransportError::Request(message)) => {
                assert!(message.contains("invalid request URL"), "{message}")
            }
            other => panic!("expected a request error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn https_is_set_up_and_a_refused_connection_is_a_connect_error() {
        let transport =
            HyperTransport::new(Duration::from_secs(2), None).expect("TLS config builds");
        for url in [
            "https://127.0.0.1:9/v1/api-keys/x",
            "http://127.0.0.1:9/v1/api-keys/x",
        ] {
            let request = HttpRequest {
                method: Method::Get,
                url: url.to_owned(),
                headers: HeaderMap::new(),
                body: None,
                timeout: Duration::from_secs(2),
            };
            match transport.send(request).await {
                Err(TransportError::Connect(message)) => {
                    assert!(message.contains("refused"), "{message}")
                }
                other => panic!("{url}: expected a connect error, got {other:?}"),
            }
        }
    }
}
