//! The accept loop and per-request plumbing: request logging, fault injection, body
//! reading, and turning handler results into HTTP responses.

use crate::conn::{self, Watched};
use crate::engine::{self, ApiRequest};
use crate::errors::{ApiError, ApiResult};
use crate::faults::{Action, DropPoint};
use crate::options::ServerOptions;
use crate::state::{LoggedRequest, MockState};
use crate::{admin, ids, sse};
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE, USER_AGENT};
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// Request bodies here are small JSON documents; anything bigger is a client bug.
const MAX_BODY_BYTES: usize = 1 << 20;

const API_KEY_HEADER: &str = "x-portkey-api-key";
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Returned by the service to make hyper close the connection without writing a
/// response: that is how `drop` faults (and clients that vanish mid-body) are handled.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// Serves HTTP/1.1 (with keep-alive) on `listener` with the default
/// [`ServerOptions`] until the process ends; never returns.
pub async fn serve(listener: TcpListener, state: Arc<MockState>) {
    serve_with(listener, state, ServerOptions::default()).await;
}

/// [`serve`] with explicit connection limits.
pub async fn serve_with(listener: TcpListener, state: Arc<MockState>, options: ServerOptions) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Usually out of file descriptors under a burst of parallel tests:
                // wait for some to close rather than stopping the server.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Small request/response pairs on keep-alive connections would otherwise wait on
        // delayed ACKs.
        let _ = stream.set_nodelay(true);
        let peer = stream
            .peer_addr()
            .map_or(IpAddr::from([127, 0, 0, 1]), |a| a.ip());
        tokio::spawn(connection(stream, peer, state.clone(), options));
    }
}

/// One client connection, until it closes, errs, or overstays a limit (see `conn`).
async fn connection(
    stream: TcpStream,
    peer: IpAddr,
    state: Arc<MockState>,
    options: ServerOptions,
) {
    let (tracker, watchdog) = conn::watch(options);
    // Held until the connection ends.
    let registration = state.connections().register(&tracker);
    let client = Peer {
        ip: peer,
        connection: registration.id,
    };
    let io = TokioIo::new(Watched::new(stream, tracker.clone()));
    let service = service_fn(move |req| {
        // hyper calls this once a request head is complete; the connection is busy
        // (exempt from timeouts) until the answer is handed back.
        let busy = tracker.busy();
        let state = state.clone();
        async move {
            match busy {
                Some(busy) => handle(state, options, client, req, busy).await,
                // `POST /__mock/close-idle` closed the connection just before.
                None => Err(Dropped),
            }
        }
    });
    // hyper's own header timer is left off: it would also cut idle keep-alive waits at
    // the header limit (see `conn`). Without a timer set it is off anyway; this says so.
    let connection = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::select! {
        // Errors are clients hanging up or injected drops, neither worth reporting.
        _ = connection => {}
        // Dropping the connection closes the socket without an answer.
        () = watchdog => {}
    }
}

/// Where a request came from: the client's address and the connection's number.
#[derive(Debug, Clone, Copy)]
struct Peer {
    ip: IpAddr,
    connection: u64,
}

/// A response body: a whole one, or server-sent events written as they go.
type Body = Either<Full<Bytes>, sse::SseBody>;

/// `busy` marks the connection busy until the answer is handed over, or, for server-sent
/// events, until the stream is over.
async fn handle(
    state: Arc<MockState>,
    options: ServerOptions,
    peer: Peer,
    req: Request<Incoming>,
    busy: conn::Busy,
) -> Result<Response<Body>, Dropped> {
    let (parts, body) = req.into_parts();
    let body_timeout = options.header_timeout;
    let request_id = ids::uuid_v4();
    let reply = if let Some(file) = admin::export_file(&state, &parts.method, parts.uri.path()) {
        Reply::file(file)
    } else if admin::is_admin_path(parts.uri.path()) && parts.uri.path() != sse::TEST_PATH {
        match read_body(body, body_timeout).await? {
            Ok(body) => Reply::from_result(
                admin::handle(&state, &parts.method, parts.uri.path(), &body).await,
            ),
            Err(too_large) => too_large,
        }
    } else {
        let client = Client {
            ip: peer.ip.to_string(),
            connection: peer.connection,
            request_id: &request_id,
        };
        let mut streamed = None;
        let reply = api(&state, &parts, body, body_timeout, client, &mut streamed).await?;
        if let Some(pending) = streamed {
            return Ok(sse_response(sse::start(state, pending, busy), &request_id));
        }
        reply
    };
    Ok(reply.into_response(&request_id).map(Either::Left))
}

/// The head of a server-sent events answer.
fn sse_response(body: sse::SseBody, request_id: &str) -> Response<Body> {
    let mut response = Response::new(Either::Right(body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(
        hyper::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    headers.insert(
        REQUEST_ID_HEADER,
        HeaderValue::from_str(request_id).expect("a UUID is always a valid header value"),
    );
    response
}

/// Who sent an API request, on which connection, and the `x-request-id` its answer carries.
struct Client<'a> {
    ip: String,
    connection: u64,
    request_id: &'a str,
}

async fn api(
    state: &MockState,
    parts: &Parts,
    body: Incoming,
    body_timeout: Duration,
    client: Client<'_>,
    streamed: &mut Option<sse::Pending>,
) -> Result<Reply, Dropped> {
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or_default();
    let authorized = parts
        .headers
        .get(API_KEY_HEADER)
        .is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
    let seq = state.log(LoggedRequest {
        seq: 0,
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        body: Value::Null,
        user_agent: parts
            .headers
            .get(USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        api_key_present: authorized,
        connection: client.connection,
        stream: None,
    });
    let fault = state.faults().take(method, path);
    match fault {
        Some(Action::Drop(DropPoint::BeforeRead)) => return Err(Dropped),
        Some(Action::Delay(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    // The body is read even when a fault decides the answer, so the connection stays
    // usable for the client's next (keep-alive) request.
    let body = match read_body(body, body_timeout).await? {
        Ok(body) => body,
        Err(too_large) => return Ok(too_large),
    };
    state.log_body(seq, &body);
    let request = ApiRequest {
        method,
        path,
        query,
        authorized,
        headers: &parts.headers,
        body: &body,
        request_id: client.request_id,
        client_ip: &client.ip,
    };
    match fault {
        Some(Action::Respond {
            status,
            headers,
            body,
        }) => Ok(Reply {
            status,
            body,
            headers,
        }),
        Some(Action::Malformed) => Ok(Reply {
            status: StatusCode::OK,
            body: Bytes::from_static(b"{\"success\":true,\"data\":{\"id\":\"trunc"),
            headers: HeaderMap::new(),
        }),
        Some(Action::Drop(DropPoint::AfterRead)) => {
            // The request takes full effect; only the answer is lost.
            let _ = engine::dispatch(state, &request);
            Err(Dropped)
        }
        _ => {
            let (result, events) = if path == sse::TEST_PATH {
                sse::test_route(&body)
            } else {
                engine::dispatch_answer(state, &request)
            };
            match (result, events) {
                (Ok(_), Some(events)) => {
                    let fault = state.faults().take_stream(method, path).unwrap_or_default();
                    *streamed = Some(sse::Pending { seq, events, fault });
                    Ok(Reply::from_result(Ok(Value::Null)))
                }
                (result, _) => Ok(Reply::from_result(result)),
            }
        }
    }
}

/// The whole body, or a ready 413 reply if it is too big; `Dropped` if the client went
/// away mid-body or did not finish sending it within `limit` (a stalled body would
/// otherwise hold the connection, busy and so exempt from the watchdog, forever).
async fn read_body(body: Incoming, limit: Duration) -> Result<Result<Bytes, Reply>, Dropped> {
    let collected = tokio::time::timeout(limit, Limited::new(body, MAX_BODY_BYTES).collect())
        .await
        .map_err(|_| Dropped)?;
    match collected {
        Ok(collected) => Ok(Ok(collected.to_bytes())),
        Err(e) if e.is::<LengthLimitError>() => Ok(Err(Reply::from_result(Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than {MAX_BODY_BYTES} bytes"),
        ))))),
        Err(_) => Err(Dropped),
    }
}

struct Reply {
    status: StatusCode,
    body: Bytes,
    headers: HeaderMap,
}

impl Reply {
    fn json(status: StatusCode, value: &Value) -> Reply {
        Reply {
            status,
            body: Bytes::from(value.to_string()),
            headers: HeaderMap::new(),
        }
    }

    /// A text file (a log export's JSON Lines), or the error.
    fn file(result: Result<String, ApiError>) -> Reply {
        match result {
            Ok(text) => Reply {
                status: StatusCode::OK,
                body: Bytes::from(text),
                headers: HeaderMap::from_iter([(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-ndjson"),
                )]),
            },
            Err(error) => Reply::from_result(Err(error)),
        }
    }

    fn from_result(result: ApiResult) -> Reply {
        match result {
            Ok(value) => Reply::json(StatusCode::OK, &value),
            Err(error) => {
                let mut reply = Reply::json(error.status, &error.body());
                if let Some(allow) = error.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
                    reply.headers.insert(ALLOW, allow);
                }
                reply
            }
        }
    }

    /// The response, with `content-type: application/json` and `x-request-id: request_id`
    /// unless the reply's headers set them.
    fn into_response(self, request_id: &str) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.extend(self.headers);
        // Defaults: a `status` fault's `headers` may replace them on purpose.
        headers
            .entry(CONTENT_TYPE)
            .or_insert_with(|| HeaderValue::from_static("application/json"));
        headers.entry(REQUEST_ID_HEADER).or_insert_with(|| {
            HeaderValue::from_str(request_id).expect("a UUID is always a valid header value")
        });
        response
    }
}
