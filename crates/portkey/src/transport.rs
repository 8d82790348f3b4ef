//! The seam between the client and the network. `HyperTransport` is the real one; tests
//! can plug in their own to script answers and failures without sockets.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body as _, Incoming};
pub use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::{Connection as _, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use tower_service::Service as _;

use crate::error::Headers;
use crate::operation::Method;
use crate::pool::{Conn, Key, Pool};
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

/// The production transport: HTTP/1.1 keep-alive connections that the calling task drives
/// itself (see `pool.rs`), rustls for TLS, and proxies from the environment (`proxy.rs`).
pub struct HyperTransport {
    connector: HttpsConnector<ProxyConnector>,
    pool: Arc<Pool>,
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
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
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
        Ok(HyperTransport {
            connector,
            pool: Arc::new(Pool::new()),
            proxy,
        })
    }

    /// Sends the request and waits for the answer's head; the body comes with the connection
    /// that must be polled while it is read.
    async fn head(&self, request: HttpRequest) -> Result<Answer, TransportError> {
        // The client checked the base URL and encoded the path, so a failure here is a bug;
        // in any case not a connection failure, and never retried.
        let invalid = |e: &dyn std::fmt::Display| {
            TransportError::Request(format!("invalid request URL: {e}"))
        };
        let uri: hyper::Uri = request.url.parse().map_err(|e| invalid(&e))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(invalid(&"not an absolute http(s) URL"));
        };
        let key = Key::here(&format!("{scheme}://{authority}"));
        let host = HeaderValue::from_str(authority.as_str().rsplit('@').next().unwrap_or(""))
            .map_err(|e| invalid(&e))?;
        let method = match request.method {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
            Method::Put => hyper::Method::PUT,
            Method::Delete => hyper::Method::DELETE,
        };
        let mut outgoing = hyper::Request::new(Full::new(request.body.unwrap_or_default()));
        *outgoing.method_mut() = method;
        *outgoing.headers_mut() = request.headers;
        outgoing.headers_mut().insert(hyper::header::HOST, host);
        if let Some(auth) = self.plain_proxy_auth(&uri) {
            outgoing
                .headers_mut()
                .insert(hyper::header::PROXY_AUTHORIZATION, auth);
        }
        let mut target = Some(uri);
        loop {
            let (mut conn, reused) = match self.pool.checkout(&key) {
                Some(conn) => (conn, true),
                None => (
                    self.connect(target.as_ref().unwrap_or(outgoing.uri()))
                        .await?,
                    false,
                ),
            };
            if let Some(uri) = target.take() {
                // Origin form (`/v1/x`) to a server; the whole URL to an HTTP proxy. The same
                // origin always goes the same way, so a resent request keeps its form.
                *outgoing.uri_mut() = if conn.absolute_form {
                    uri
                } else {
                    let path = uri.path_and_query().map_or("/", |p| p.as_str());
                    path.parse().map_err(|e| invalid(&e))?
                };
            }
            let sending = std::pin::pin!(conn.sender.try_send_request(outgoing));
            match conn.drive(sending).await {
                Ok(response) => {
                    return Ok(Answer {
                        response,
                        conn,
                        key,
                        pool: self.pool.clone(),
                    })
                }
                Err(mut e) => match e.take_message() {
                    // Never written (the connection closed before it took the request): safe
                    // to send on another connection, whatever the method.
                    Some(request) if reused => outgoing = request,
                    _ => return Err(TransportError::Io(chain(e.error()))),
                },
            }
        }
    }

    /// Opens a connection (through the proxy and TLS as configured) and does the HTTP/1.1
    /// handshake; the request has not been sent yet, so every failure is a `Connect`.
    async fn connect(&self, uri: &hyper::Uri) -> Result<Conn, TransportError> {
        let io = self
            .connector
            .clone()
            .call(uri.clone())
            .await
            .map_err(|e| TransportError::Connect(chain(&*e)))?;
        let absolute_form = io.connected().is_proxied();
        #[cfg(unix)]
        let fd = crate::proxy::raw_fd(&io);
        let (sender, driver) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| TransportError::Connect(chain(&e)))?;
        Ok(Conn::new(
            sender,
            driver,
            absolute_form,
            #[cfg(unix)]
            fd,
        ))
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let answer = self.head(request).await?;
        let status = answer.response.status().as_u16();
        let headers = headers_of(answer.response.headers());
        let announced = announced_len(answer.response.headers());
        let mut body = answer.into_body();
        let mut whole = match body.next().await.transpose()? {
            None => {
                return Ok(HttpResponse {
                    status,
                    headers,
                    body: Bytes::new(),
                })
            }
            Some(first) => first,
        };
        // Most answers come in one chunk, kept as it is; more are joined, into room for the
        // announced length (growing by doubling copied a list of 820 KB twice over).
        if let Some(second) = body.next().await.transpose()? {
            let mut joined =
                bytes::BytesMut::with_capacity(announced.max(whole.len() + second.len()));
            joined.extend_from_slice(&whole);
            joined.extend_from_slice(&second);
            while let Some(chunk) = body.next().await.transpose()? {
                joined.extend_from_slice(&chunk);
            }
            whole = joined.freeze();
        }
        Ok(HttpResponse {
            status,
            headers,
            body: whole,
        })
    }
}

/// An answer's head, with the connection its body arrives on.
struct Answer {
    response: hyper::Response<Incoming>,
    conn: Conn,
    key: Key,
    pool: Arc<Pool>,
}

impl Answer {
    fn into_body(self) -> PooledBody {
        PooledBody {
            body: self.response.into_body(),
            conn: Some(self.conn),
            key: Some(self.key),
            pool: self.pool,
        }
    }
}

/// A response body as a stream of data chunks (trailers are skipped). It polls the
/// connection while it is read, puts the connection back in the pool once it is read to its
/// end, and closes it when dropped before that.
struct PooledBody {
    body: Incoming,
    conn: Option<Conn>,
    key: Option<Key>,
    pool: Arc<Pool>,
}

impl PooledBody {
    async fn next(&mut self) -> Option<Result<Bytes, TransportError>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

impl futures_core::Stream for PooledBody {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(conn) = this.conn.as_mut() {
            // A failure shows in the body too (as its error), so it is not reported here.
            conn.poll_io(cx);
        }
        loop {
            match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    if let (Some(mut conn), Some(key)) = (this.conn.take(), this.key.take()) {
                        // Lets the connection finish the exchange and ask for the next one.
                        conn.poll_io(cx);
                        this.pool.put(key, conn);
                    }
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.conn = None;
                    return Poll::Ready(Some(Err(TransportError::Io(chain(&e)))));
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

/// The body length a `Content-Length` header announces, believed up to 64 MiB (room is only
/// reserved with it; the body read is what arrives).
fn announced_len(headers: &HeaderMap) -> usize {
    headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .map_or(0, |n| n.min(64 << 20))
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
            let answer = tokio::time::timeout(timeout, self.head(request))
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::Timeout(format!(
                        "no answer within {timeout:?}"
                    )))
                })?;
            let status = answer.response.status().as_u16();
            let headers = headers_of(answer.response.headers());
            let body: BodyStream = Box::pin(answer.into_body());
            Ok(StreamingResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// The error with its causes: hyper's own text is only "client error (Connect)".
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
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

    /// A server that answers each request on a connection with a small keep-alive answer,
    /// then closes the connection once `answers_per_connection` are sent; it counts requests.
    async fn closing_server(
        answers_per_connection: usize,
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/x", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counted = counted.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    for _ in 0..answers_per_connection {
                        let mut seen = Vec::new();
                        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => seen.extend_from_slice(&buf[..n]),
                            }
                        }
                        counted.fetch_add(1, Ordering::SeqCst);
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                    // Closed while idle, as a server's keep-alive timeout does.
                });
            }
        });
        (url, requests)
    }

    fn request(method: Method, url: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: url.to_owned(),
            headers: HeaderMap::new(),
            body: (method == Method::Post).then(|| Bytes::from_static(b"{}")),
            timeout: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_while_idle_is_not_used_again() {
        let (url, requests) = closing_server(1).await;
        let transport =
            HyperTransport::new(Duration::from_secs(2), None).expect("TLS config builds");
        for round in 0..20 {
            let method = if round % 2 == 0 {
                Method::Get
            } else {
                Method::Post
            };
            // Let the server's close arrive: the connection now sits closed in the pool.
            tokio::time::sleep(Duration::from_millis(5)).await;
            let answer = transport.send(request(method, &url)).await;
            assert_eq!(answer.map(|a| a.status), Ok(200), "round {round}");
        }
        // Each request was sent once: none was written into a closed connection and resent.
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 20);
    }

    #[tokio::test]
    async fn a_kept_alive_connection_is_reused() {
        let (url, requests) = closing_server(usize::MAX).await;
        let transport =
            HyperTransport::new(Duration::from_secs(2), None).expect("TLS config builds");
        for _ in 0..5 {
            let answer = transport.send(request(Method::Get, &url)).await;
            assert_eq!(answer.map(|a| a.status), Ok(200));
        }
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 5);
        let key = Key::here(url.trim_end_matches("/v1/x"));
        let idle = transport
            .pool
            .with_idle(|idle| idle.by_key.get(&key).map_or(0, Vec::len));
        assert_eq!(idle, Some(1), "one connection, reused for every call");
    }
}
