//! The client: one connection pool, the retry loop, and the single entry point `call` that
//! every typed Rust method and every Python and Node method goes through.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::config::ClientBuilder;
use crate::error::{Error, Result, StatusError};
use crate::limits;
use crate::operation::{Answer, Base, Method, Operation};
use crate::request::{self, Params};
use crate::response::{self, RawResponse};
use crate::retry;
use crate::stream::EventStream;
use crate::transport::{
    BodyStream, HeaderMap, HeaderName, HeaderValue, HttpRequest, HttpResponse, StreamingResponse,
    Transport, TransportError,
};

/// A Portkey control-plane client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: String,
    /// `base_url` without its final `/v1` segment: where `Base::Origin` operations live
    /// (`https://api.portkey.ai` for the public endpoints). Computed once, at build.
    pub(crate) origin_url: String,
    /// API key, User-Agent and Accept, validated once when the client is built. The key
    /// value is marked sensitive so the http stack never shows it.
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) transport: Arc<dyn Transport>,
}

/// Per-call settings that override the client's. `call` checks them before sending, by the
/// client's rules: `timeout` positive and at most `limits::MAX_TIMEOUT`, `max_retries` at
/// most `limits::MAX_RETRIES` (else `InvalidParam` naming `timeout` / `max_retries`).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Extra headers for this call. They cannot replace the API key header nor set framing,
    /// connection or proxy headers (`content-length`, `host`, `proxy-*`, ...): such a header
    /// is `InvalidParam { param: "headers" }`.
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
        self.inner
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
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
        if let Some(helper) = op.helper {
            // Boxed: a helper calls `call` again, for the operation it composes.
            return Box::pin(crate::helpers::run(self, op, helper, params, options)).await;
        }
        let (request, max_retries) = self.build(op, params, options)?;
        let response = self.send_with_retries(request, max_retries).await?;
        finish(response, op.answer())
    }

    /// `stream` on the operation named `name` (`prompts.completions.create`); the bindings
    /// route a call whose `stream` parameter is true here.
    pub async fn stream_by_name(
        &self,
        name: &str,
        params: Params,
        options: &RequestOptions,
    ) -> Result<EventStream> {
        let op = crate::ops::find(name)
            .ok_or_else(|| Error::invalid("operation", format!("unknown operation '{name}'")))?;
        self.stream(op, params, options).await
    }

    /// Calls an operation that answers server-sent events (`Operation::stream`), with its
    /// stream parameter true (set when absent; `false` is refused), and returns the events as
    /// they come.
    ///
    /// Validation is `call`'s. Retries happen only before the stream starts: an answer that
    /// is not a 2xx `text/event-stream` (a 5xx, 408, 429) or a failed connection is retried
    /// as for an idempotent call (a streamed operation creates nothing on the server, it only
    /// answers), never once events have begun. A final non-2xx answer is the same
    /// `Error::Status` as `call`'s; a 2xx that is not `text/event-stream` is `Error::Decode`.
    /// The timeout bounds the wait for the answer's head, then each wait between events.
    pub async fn stream(
        &self,
        op: &Operation,
        mut params: Params,
        options: &RequestOptions,
    ) -> Result<EventStream> {
        let Some(flag) = op.stream else {
            return Err(Error::invalid(
                "stream",
                format!("{} does not answer with a stream", op.name),
            ));
        };
        match params.get(flag) {
            None => {
                params.insert(flag.to_owned(), Value::Bool(true));
            }
            Some(Value::Bool(true)) => {}
            Some(_) => {
                return Err(Error::invalid(
                    flag,
                    format!("{flag} must be true to stream (use call for the whole answer)"),
                ))
            }
        }
        let (mut request, max_retries) = self.build(op, params, options)?;
        if !options
            .extra_headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
        {
            request
                .headers
                .insert("accept", HeaderValue::from_static("text/event-stream"));
        }
        let gap = request.timeout;
        let mut retry = 0;
        let response = loop {
            let outcome = self.inner.transport.send_streaming(request.clone()).await;
            let may_retry = retry < max_retries;
            // Replay is safe until the first byte of the events (see above): the retry rules
            // of an idempotent method.
            let wait = match &outcome {
                Ok(r) if may_retry && retry::retry_status(Method::Get, r.status) => {
                    retry::delay(retry, &r.headers, fastrand::f64())
                }
                Err(e) if may_retry && retry::retry_failure(Method::Get, e) => {
                    retry::delay(retry, &Vec::new(), fastrand::f64())
                }
                _ => break outcome.map_err(transport_error)?,
            };
            drop(outcome);
            tokio::time::sleep(wait).await;
            retry += 1;
        };
        let StreamingResponse {
            status,
            headers,
            body,
        } = response;
        let is_sse = headers.iter().any(|(name, value)| {
            name == "content-type"
                && value
                    .split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/event-stream"))
        });
        if (200..300).contains(&status) && is_sse {
            return Ok(EventStream::new(status, headers, body, gap));
        }
        // Not a stream: read what the answer says (bounded in size and time) for the error.
        let text = read_some(body, gap).await;
        if !(200..300).contains(&status) {
            return Err(Error::Status(Box::new(StatusError::new(
                status, headers, &text,
            ))));
        }
        let kind = headers
            .iter()
            .find(|(name, _)| name == "content-type")
            .map_or("none", |(_, value)| value.as_str());
        Err(Error::Decode {
            message: format!("expected a text/event-stream answer, got content-type {kind}"),
            status,
            body: String::from_utf8_lossy(&text).into_owned(),
        })
    }

    /// The request for a call, and its retry budget, after validating everything.
    fn build(
        &self,
        op: &Operation,
        params: Params,
        options: &RequestOptions,
    ) -> Result<(HttpRequest, u32)> {
        let prepared = request::prepare(op, params)?;
        let inner = &*self.inner;
        let timeout = match options.timeout {
            Some(t) => limits::check_timeout(t, "timeout")?,
            None => inner.timeout,
        };
        let max_retries = match options.max_retries {
            Some(n) => limits::check_max_retries(n, "max_retries")?,
            None => inner.max_retries,
        };
        let mut headers = inner.headers.clone();
        if prepared.body.is_some() {
            headers.insert("content-type", HeaderValue::from_static("application/json"));
        }
        for (name, value) in &options.extra_headers {
            let (name, value) = extra_header(name, value)?;
            headers.insert(name, value);
        }
        let request = HttpRequest {
            method: prepared.method,
            url: format!(
                "{}{}",
                match op.base {
                    Base::BaseUrl => &inner.base_url,
                    Base::Origin => &inner.origin_url,
                },
                prepared.path_and_query
            ),
            headers,
            body: prepared.body.map(Bytes::from),
            timeout,
        };
        Ok((request, max_retries))
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

/// The most of a non-stream answer's body `stream` reads for its error.
const MAX_ERROR_BODY: usize = 1 << 20;

/// Up to `MAX_ERROR_BODY` bytes of `body`, for as long as it keeps coming within `gap`.
async fn read_some(mut body: BodyStream, gap: Duration) -> Vec<u8> {
    let mut text = Vec::new();
    while text.len() < MAX_ERROR_BODY {
        let next = std::future::poll_fn(|cx| body.as_mut().poll_next(cx));
        match tokio::time::timeout(gap, next).await {
            Ok(Some(Ok(chunk))) => text.extend_from_slice(&chunk),
            _ => break,
        }
    }
    text.truncate(MAX_ERROR_BODY);
    text
}

/// Headers that frame the message or steer the connection and its proxy. Only the HTTP stack
/// may set them: a caller's `content-length` or `transfer-encoding` would desynchronise the
/// body from its framing (request smuggling), `host` would address another virtual host, and
/// `proxy-*` belong to the proxy configuration. Any other `proxy-` header is refused too.
const FORBIDDEN_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
    "proxy-connection",
];

/// Checks one caller-supplied header before anything is sent. The API key header is the
/// client's own: a per-call header may not replace it (and so cannot leak another key into
/// logs of this client's calls either). Framing and hop-by-hop headers are the HTTP stack's.
fn extra_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::invalid(
            "headers",
            format!("{:?} is not a valid header name", shorten(name)),
        )
    })?;
    // `HeaderName` is lower-case, so the message names the header in lower case whatever the
    // caller's spelling.
    let lower = parsed.as_str();
    if lower == "x-portkey-api-key" {
        return Err(Error::invalid(
            "headers",
            "the API key header is set by the client; pass api_key when building it",
        ));
    }
    if FORBIDDEN_HEADERS.contains(&lower) || lower.starts_with("proxy-") {
        return Err(Error::invalid(
            "headers",
            format!(
                "header '{lower}' is set by the HTTP stack and cannot be given per call \
                 (framing, connection and proxy headers are refused)"
            ),
        ));
    }
    let value = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid(
            "headers",
            format!(
                "the value of header '{lower}' is not valid (control characters or line breaks)"
            ),
        )
    })?;
    Ok((parsed, value))
}

/// A caller's text for an error message, cut to a readable length.
fn shorten(text: &str) -> &str {
    &text[..text.floor_char_boundary(64)]
}

fn transport_error(error: TransportError) -> Error {
    match error {
        TransportError::Timeout(message) => Error::Timeout { message },
        TransportError::Connect(message) | TransportError::Io(message) => {
            Error::Connection { message }
        }
        // Nothing was sent: the URL or a header could not be put on the wire.
        TransportError::Request(message) => Error::Config {
            message: format!("The request could not be built, nothing was sent: {message}"),
        },
    }
}

/// Turns a final answer into the caller's result: 2xx with a UTF-8 body of the JSON type the
/// operation answers with (`response::check_body`; an empty body reads as `{}`; its syntax is
/// proven by whoever parses it, see `RawResponse`), or the status error, whose class depends on
/// the status alone whatever its body.
fn finish(response: HttpResponse, answer: Answer) -> Result<RawResponse> {
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
        if let Err(message) = response::check_body(&body, answer) {
            return Err(Error::Decode {
                message,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::SendFuture;
    use std::sync::Mutex;

    /// Answers from a script and records what was sent: the transport seam in use.
    #[derive(Default)]
    struct Scripted {
        answers: Mutex<Vec<Result<HttpResponse, TransportError>>>,
        sent: Mutex<Vec<HttpRequest>>,
    }

    impl Transport for Scripted {
        fn send(&self, request: HttpRequest) -> SendFuture<'_> {
            self.sent.lock().unwrap().push(request);
            let answer = self.answers.lock().unwrap().remove(0);
            Box::pin(async move { answer })
        }
    }

    fn ok(body: &'static str) -> Result<HttpResponse, TransportError> {
        answer(200, body.as_bytes().to_vec())
    }

    fn answer(status: u16, body: Vec<u8>) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status,
            headers: vec![],
            body: Bytes::from(body),
        })
    }

    fn nested(depth: usize) -> Vec<u8> {
        let mut body: Vec<u8> = std::iter::repeat_n(b'[', depth).collect();
        body.extend(std::iter::repeat_n(b']', depth));
        body
    }

    fn param_of(err: &Error) -> &str {
        match err {
            Error::InvalidParam { param, .. } => param,
            other => panic!("expected an invalid parameter, got {other:?}"),
        }
    }

    async fn retrieve(client: &Client, options: &RequestOptions) -> Result<RawResponse> {
        let op = crate::ops::find("api_keys.retrieve").unwrap();
        client
            .call(op, params(serde_json::json!({"id": "k"})), options)
            .await
    }

    fn client(script: Vec<Result<HttpResponse, TransportError>>) -> (Client, Arc<Scripted>) {
        let transport = Arc::new(Scripted {
            answers: Mutex::new(script),
            ..Default::default()
        });
        let client = Client::builder()
            .api_key("pk-secret")
            .base_url("http://test/v1")
            .transport(transport.clone())
            .build()
            .unwrap();
        (client, transport)
    }

    fn params(v: Value) -> Params {
        v.as_object().unwrap().clone()
    }

    #[tokio::test(start_paused = true)]
    async fn a_post_that_may_have_arrived_is_not_replayed() {
        let (client, transport) = client(vec![Err(TransportError::Io("reset".into())), ok("{}")]);
        let op = crate::ops::find("api_keys.rotate").unwrap();
        let err = client
            .call(
                op,
                params(serde_json::json!({"id": "k"})),
                &RequestOptions::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.class_name(), "APIConnectionError");
        assert_eq!(transport.sent.lock().unwrap().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_post_that_never_connected_is_retried() {
        let (client, transport) = client(vec![
            Err(TransportError::Connect("refused".into())),
            ok(r#"{"id":"k"}"#),
        ]);
        let op = crate::ops::find("api_keys.rotate").unwrap();
        let res = client
            .call(
                op,
                params(serde_json::json!({"id": "k"})),
                &RequestOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(&res.body[..], br#"{"id":"k"}"#);
        assert_eq!(transport.sent.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn bad_extra_headers_are_refused_before_sending() {
        let (client, transport) = client(vec![]);
        let op = crate::ops::find("api_keys.retrieve").unwrap();
        for (name, value) in [
            ("bad name", "v"),
            ("x-ok", "line\nbreak"),
            ("X-Portkey-Api-Key", "other"),
        ] {
            let options = RequestOptions {
                extra_headers: vec![(name.into(), value.into())],
                ..Default::default()
            };
            let err = client
                .call(op, params(serde_json::json!({"id": "k"})), &options)
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::InvalidParam { param, .. } if param == "headers"),
                "{err:?}"
            );
        }
        assert!(transport.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn framing_and_hop_by_hop_headers_are_refused_by_lower_case_name() {
        let (client, transport) = client(vec![]);
        for name in [
            "content-length",
            "Content-Length",
            "TRANSFER-ENCODING",
            "host",
            "Connection",
            "keep-alive",
            "te",
            "trailer",
            "upgrade",
            "proxy-authorization",
            "Proxy-Authenticate",
            "proxy-connection",
            "proxy-anything",
        ] {
            let options = RequestOptions {
                extra_headers: vec![(name.into(), "3".into())],
                ..Default::default()
            };
            let err = retrieve(&client, &options).await.unwrap_err();
            assert_eq!(param_of(&err), "headers");
            let lower = name.to_ascii_lowercase();
            assert!(err.to_string().contains(&format!("'{lower}'")), "{err}");
        }
        assert!(transport.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn ordinary_headers_that_look_alike_are_allowed() {
        let names = ["x-content-length", "tea", "x-proxy-id", "hostname"];
        let (client, transport) = client(names.iter().map(|_| ok("{}")).collect());
        for name in names {
            let options = RequestOptions {
                extra_headers: vec![(name.into(), "v".into())],
                ..Default::default()
            };
            retrieve(&client, &options).await.unwrap();
        }
        assert_eq!(transport.sent.lock().unwrap().len(), names.len());
    }

    #[tokio::test]
    async fn per_call_timeout_and_retries_are_checked_before_sending() {
        let (client, transport) = client(vec![]);
        for timeout in [
            Duration::ZERO,
            limits::MAX_TIMEOUT + Duration::from_nanos(1),
            Duration::MAX,
        ] {
            let options = RequestOptions {
                timeout: Some(timeout),
                ..Default::default()
            };
            let err = retrieve(&client, &options).await.unwrap_err();
            assert_eq!(param_of(&err), "timeout", "{timeout:?}");
        }
        for retries in [1001, u32::MAX] {
            let options = RequestOptions {
                max_retries: Some(retries),
                ..Default::default()
            };
            let err = retrieve(&client, &options).await.unwrap_err();
            assert_eq!(param_of(&err), "max_retries", "{retries}");
        }
        assert!(transport.sent.lock().unwrap().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn per_call_limits_at_the_edge_are_used() {
        let (client, transport) = client(vec![answer(503, vec![]), ok("{}")]);
        let options = RequestOptions {
            timeout: Some(limits::MAX_TIMEOUT),
            max_retries: Some(limits::MAX_RETRIES),
            ..Default::default()
        };
        retrieve(&client, &options).await.unwrap();
        let sent = transport.sent.lock().unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].timeout, limits::MAX_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_cannot_be_built_is_not_retried_as_a_connection_error() {
        let (client, transport) = client(vec![Err(TransportError::Request(
            "invalid request URL: uri too long".into(),
        ))]);
        let err = retrieve(&client, &RequestOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
        assert_eq!(transport.sent.lock().unwrap().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_id_too_long_for_a_url_is_refused_before_sending() {
        let (client, transport) = client(vec![]);
        let op = crate::ops::find("api_keys.retrieve").unwrap();
        let long = "a".repeat(100_000);
        let err = client
            .call(
                op,
                params(serde_json::json!({"id": long})),
                &RequestOptions::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(param_of(&err), "id");
        assert!(transport.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_success_that_is_not_a_json_object_is_a_validation_error() {
        let bodies: Vec<Vec<u8>> = vec![
            b"null".to_vec(),
            b"[1,2]".to_vec(),
            b"\"s\"".to_vec(),
            b"42".to_vec(),
            b"true".to_vec(),
            b"{\"id\":\"k\",\"name\":\"\xff\xfe\"}".to_vec(),
            nested(100_000),
            [b"{\"a\":".to_vec(), nested(200), b"}".to_vec()].concat(),
            b"{} trailing".to_vec(),
        ];
        let (client, transport) = client(bodies.iter().map(|b| answer(200, b.clone())).collect());
        for body in &bodies {
            // The core refuses a body of the wrong type or not UTF-8; the syntax is refused
            // by whoever parses it (here `verify`, as the Node binding does).
            let err = retrieve(&client, &RequestOptions::default())
                .await
                .and_then(|r| r.verify())
                .unwrap_err();
            assert_eq!(err.class_name(), "APIResponseValidationError");
            assert_eq!(err.status(), Some(200));
            match err {
                Error::Decode { body: shown, .. } => {
                    assert_eq!(shown, String::from_utf8_lossy(body))
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(transport.sent.lock().unwrap().len(), bodies.len());
    }

    #[tokio::test]
    async fn an_error_status_keeps_its_class_whatever_its_body() {
        let bodies: Vec<Vec<u8>> = vec![
            nested(100_000),
            std::iter::repeat_n(b'{', 100_000).collect(),
            b"{\"id\":\"k\",\"name\":\"\xff\xfe\"}".to_vec(),
            b"null".to_vec(),
            b"[\"x\"]".to_vec(),
            vec![],
        ];
        let (client, _) = client(bodies.iter().map(|b| answer(404, b.clone())).collect());
        for _ in &bodies {
            let err = retrieve(&client, &RequestOptions::default())
                .await
                .unwrap_err();
            assert_eq!(err.class_name(), "NotFoundError");
            assert_eq!(err.status(), Some(404));
            assert!(
                err.to_string().starts_with("Error code: 404 - Not Found"),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn extra_headers_replace_defaults_but_not_the_key() {
        let (client, transport) = client(vec![ok("{}")]);
        let op = crate::ops::find("api_keys.retrieve").unwrap();
        let options = RequestOptions {
            extra_headers: vec![("User-Agent".into(), "mine".into())],
            ..Default::default()
        };
        client
            .call(op, params(serde_json::json!({"id": "k"})), &options)
            .await
            .unwrap();
        let sent = transport.sent.lock().unwrap();
        assert_eq!(sent[0].headers.get_all("user-agent").iter().count(), 1);
        assert_eq!(sent[0].headers["user-agent"], "mine");
        assert_eq!(sent[0].headers["x-portkey-api-key"], "pk-secret");
        assert!(
            !format!("{:?}", sent[0].headers).contains("pk-secret"),
            "sensitive header shown"
        );
    }

    fn sse(body: &'static str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status: 200,
            headers: vec![(
                "content-type".into(),
                "text/event-stream; charset=utf-8".into(),
            )],
            body: Bytes::from_static(body.as_bytes()),
        })
    }

    async fn completion(client: &Client, params: Value) -> Result<EventStream> {
        client
            .stream_by_name(
                "prompts.completions.create",
                params.as_object().unwrap().clone(),
                &RequestOptions::default(),
            )
            .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_is_retried_until_its_events_begin() {
        let (client, transport) = client(vec![
            answer(500, vec![]),
            Err(TransportError::Io("reset".into())),
            sse("data: {\"a\":1}\n\ndata: [DONE]\n\n"),
        ]);
        let mut events = completion(
            &client,
            serde_json::json!({"prompt_id": "p", "variables": {}}),
        )
        .await
        .unwrap();
        assert_eq!(events.status(), 200);
        assert_eq!(
            events.next_event().await.unwrap().unwrap().data,
            "{\"a\":1}"
        );
        assert!(events.next_event().await.is_none());
        let sent = transport.sent.lock().unwrap();
        assert_eq!(sent.len(), 3);
        // `stream: true` is added, and events are asked for.
        let body: Value = serde_json::from_slice(sent[0].body.as_ref().unwrap()).unwrap();
        assert_eq!(body["stream"], true);
        assert_eq!(sent[0].headers["accept"], "text/event-stream");
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_never_starts_fails_like_call() {
        let (client, transport) = client(vec![
            answer(500, br#"{"error":{"message":"down"}}"#.to_vec()),
            answer(500, br#"{"error":{"message":"down"}}"#.to_vec()),
            answer(500, br#"{"error":{"message":"down"}}"#.to_vec()),
            answer(404, br#"{"message":"no such prompt"}"#.to_vec()),
            ok("{}"),
        ]);
        let err = completion(
            &client,
            serde_json::json!({"prompt_id": "p", "variables": {}}),
        )
        .await
        .unwrap_err();
        assert_eq!(err.class_name(), "InternalServerError");
        assert!(err.to_string().contains("down"), "{err}");
        assert_eq!(transport.sent.lock().unwrap().len(), 3);
        let err = completion(
            &client,
            serde_json::json!({"prompt_id": "p", "variables": {}}),
        )
        .await
        .unwrap_err();
        assert_eq!(err.class_name(), "NotFoundError");
        assert!(err.to_string().contains("no such prompt"), "{err}");
        // A 2xx that is not an event stream.
        let err = completion(
            &client,
            serde_json::json!({"prompt_id": "p", "variables": {}}),
        )
        .await
        .unwrap_err();
        assert_eq!(err.class_name(), "APIResponseValidationError");
        assert!(err.to_string().contains("text/event-stream"), "{err}");
    }

    #[tokio::test]
    async fn streaming_is_refused_where_it_cannot_happen() {
        let (client, transport) = client(vec![]);
        let err = completion(
            &client,
            serde_json::json!({"prompt_id": "p", "variables": {}, "stream": false}),
        )
        .await
        .unwrap_err();
        assert_eq!(param_of(&err), "stream");
        let err = completion(
            &client,
            serde_json::json!({"variables": {}, "stream": true}),
        )
        .await
        .unwrap_err();
        assert_eq!(param_of(&err), "prompt_id");
        let err = client
            .stream_by_name(
                "api_keys.retrieve",
                params(serde_json::json!({"id": "k"})),
                &RequestOptions::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(param_of(&err), "stream");
        assert!(transport.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_empty_success_body_reads_as_an_empty_object_and_junk_is_an_error() {
        let (client, _) = client(vec![ok(""), ok("{\"id\": ")]);
        let op = crate::ops::find("api_keys.delete").unwrap();
        let res = client
            .call(
                op,
                params(serde_json::json!({"id": "k"})),
                &RequestOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(&res.body[..], b"{}");
        let junk = client
            .call(
                op,
                params(serde_json::json!({"id": "k"})),
                &RequestOptions::default(),
            )
            .await
            .unwrap();
        for err in [
            junk.verify().unwrap_err(),
            junk.json::<Value>().unwrap_err(),
        ] {
            assert_eq!(err.class_name(), "APIResponseValidationError");
            assert!(err.to_string().contains("EOF while parsing"), "{err}");
        }
    }
}
