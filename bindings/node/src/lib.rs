//! The native addon behind the `portkey-ai` npm package: conversion and error mapping only.
//!
//! The whole FFI surface is one factory, `createClient(options)`, and two methods on the client
//! it returns, `call(op, params, options)` and `stream(op, params, options)` (whose
//! `NativeStream` has `next()` and `close()`). Everything else (resource objects, error classes,
//! `getHeaders()`) lives in plain JavaScript in `node/`, so adding an operation to the core
//! never touches this file.
//!
//! FFI decisions, each measured or forced:
//! - Params cross as one JSON string (`JSON.stringify` in JS, `serde_json` here) and the body
//!   comes back as one string for `JSON.parse`. Both engines' JSON codecs are native and fast;
//!   napi's serde-json objects cost N-API calls per key and value. Measured per call (sync
//!   calls, no network): `{ id }` in 0.97 us as JSON vs 1.41 us as an object; create params
//!   4.0 vs 8.9 us; an 830-byte API key out 4.5 us (string + JSON.parse) vs 19.7 us (serde
//!   Value -> JS object). The body string is made from the core's bytes without a copy into a
//!   `String` first, as Latin-1 when it is ASCII (`text.rs`).
//! - A success resolves with `[body, headers]` (see `Answer`). Errors cross as data, not as a
//!   thrown napi `Error`: the Promise resolves with an `Outcome`
//!   `{ kind, status, message, body, requestId, headers, param }`, and JS throws the
//!   right class. napi's error conversion keeps only a message and a status code. The factory
//!   answers a construction error the same way (an `Outcome` instead of a client), so a bad
//!   `timeout` or `baseURL` becomes `InvalidParameterError` with its `param`.
//! - Headers cross as one `name: value\n` string that JS splits only if `getHeaders()` is
//!   called: building a JS array of pairs on every call costs more than the call's own work.
//! - Numbers from JS (`timeout`, `maxRetries`) cross as `f64` and are judged by
//!   `portkey::limits`, the one rule every language shares: NaN, infinities, 1e300 or 1.5
//!   retries are `InvalidParameterError`s, never a `Duration` panic or a silent truncation.
//! - `call` is a synchronous method that starts the future itself (`Env::spawn_future`), not a
//!   `#[napi] async fn`. An async method keeps `&self` inside the future, and napi hands it a
//!   raw pointer to the wrapped `NativeClient`: when a worker thread is terminated, its env
//!   tears down and frees that object while tokio still polls futures that read it (a
//!   use-after-free that crashed the whole process). The future here owns everything it
//!   touches (`Client` is an `Arc`, the rest is owned data), so an env can go at any time.
//! - Each env has one `EnvLife` (instance data, with an env cleanup hook that marks it dead):
//!   the calls of a terminated worker stop at their next await instead of running their
//!   retries to the end for nobody. The Promise is napi's deferred, whose threadsafe function
//!   napi aborts at env teardown, so a settle after the env is gone goes nowhere.
//! - A panic inside the future is caught by napi (it watches the task and rejects the Promise),
//!   so it never kills the process; `__panicForTest` proves it.
//! - The Promise is settled through a threadsafe function that is released once the call
//!   settles: a script whose last call has finished exits without `process.exit()`.
//! - Streams (`stream(op, params, options)`, for an operation whose params carry `stream: true`)
//!   follow the same rules: opening resolves with a `NativeStream` (or an `Outcome`), and each
//!   `next()` is a Promise of a batch of events' data (JSON strings), `null` at the end, or an
//!   `Outcome` on failure. Nothing in their futures refers to `self` (they hold `Arc`s), each
//!   stops at its next await once its env is dead, and dropping the `NativeStream` (GC, env
//!   teardown) or `close()` closes the connection. Reads are pulled: the body is read only as
//!   JS asks for events. A batch is every event already received when one is ready (at most
//!   64 KiB): a Promise per event cost ~20 us each (the wake-up of the JS thread), more than
//!   the event's own parsing; a batch crosses once.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;

use napi::bindgen_prelude::*;
use napi::tokio::sync::Notify;
use napi_derive::napi;
use portkey::batches::SharedBatches;
use portkey::{header_lines, limits, Client, Error as CoreError, EventStream, RequestOptions};

mod text;
use text::Text;

/// Client settings as JS passes them; absent values fall back to the core's env/defaults.
#[napi(object)]
pub struct ClientOptions {
    pub api_key: Option<String>,
    #[napi(js_name = "baseURL")]
    pub base_url: Option<String>,
    /// Milliseconds; judged by `limits::timeout_from_millis`.
    pub timeout_ms: Option<f64>,
    /// Any JS number; judged by `limits::max_retries_from` (1.5, NaN, 2**40 are refused).
    pub max_retries: Option<f64>,
    /// `node/v20.20.2`, shown in the User-Agent.
    pub language: Option<String>,
}

/// Per-call overrides. `headers` is flat `[name, value, name, value, ...]`: an array of strings
/// converts with no per-entry object lookups.
#[napi(object)]
pub struct CallOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
    pub headers: Option<Vec<String>>,
}

/// A failure as JS gets it. Optional fields are set only when they apply (napi skips `None`).
#[napi(object, object_from_js = false)]
pub struct Outcome {
    pub status: u32,
    /// The raw response body, if any.
    pub body: String,
    /// `name: value\n` lines, lower-case names.
    pub headers: String,
    /// The error class JS throws, as the core names it (`NotFoundError`, ...).
    pub kind: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// The offending parameter, in Node's spelling (`baseURL`, `maxRetries`).
    pub param: Option<String>,
}

/// A call's answer as JS gets it: `[body, headers, status]` on success, else the failure's
/// `Outcome`. An array costs less than an object, whose property names N-API makes and looks
/// up again on every call.
type Answer = Either<(Text, String, u32), Outcome>;

/// Whether a JS environment (the main thread, or one worker) is still alive. Shared by the env
/// cleanup hook, which kills it, and by every call started in that env.
struct EnvLife {
    dead: AtomicBool,
    died: Notify,
}

impl EnvLife {
    /// The env's `EnvLife`, created (with its cleanup hook) by the env's first client.
    fn of(env: &Env) -> Result<Arc<EnvLife>> {
        if let Some(life) = env.get_instance_data::<Arc<EnvLife>>()? {
            return Ok(life.clone());
        }
        let life = Arc::new(EnvLife {
            dead: AtomicBool::new(false),
            died: Notify::new(),
        });
        env.set_instance_data(life.clone(), (), |_| {})?;
        env.add_env_cleanup_hook(life.clone(), |life| life.kill())?;
        Ok(life)
    }

    /// Runs on the env's thread as it tears down: every pending call of this env ends.
    fn kill(&self) {
        self.dead.store(true, Ordering::Release);
        self.died.notify_waiters();
    }

    /// `work`'s output, or `None` once the env is dead (then `work` is dropped at once, which
    /// closes its connection and skips its retries).
    async fn unless_dead<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        // Created before the flag is read: `notify_waiters` wakes every `Notified` that exists
        // when it is called, polled or not, so a kill between the two is not missed.
        let mut died = pin!(self.died.notified());
        if self.dead.load(Ordering::Acquire) {
            return None;
        }
        let mut work = pin!(work);
        let mut waiting = false;
        poll_fn(|cx| {
            // The first poll registers this task's waker with `died` (that takes the Notify's
            // lock); later polls read the flag only. A tokio task keeps one waker for life, so
            // `kill` wakes the task, and the flag, stored before the wake-up, ends it.
            if !waiting {
                if died.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
                waiting = true;
            } else if self.dead.load(Ordering::Acquire) {
                return Poll::Ready(None);
            }
            work.as_mut().poll(cx).map(Some)
        })
        .await
    }
}

#[napi]
pub struct NativeClient {
    // `Client` is an `Arc` inside: cloning it into each future is one refcount bump.
    client: Client,
    life: Arc<EnvLife>,
}

/// Builds a client, or answers why not as an `Outcome`: a missing API key is a
/// `PortkeyError`, a bad `baseURL`, `timeout`, `maxRetries` or `apiKey` an
/// `InvalidParameterError` naming it. Construction is synchronous.
#[napi(js_name = "createClient")]
pub fn create_client(env: &Env, options: ClientOptions) -> Result<Either<NativeClient, Outcome>> {
    let client = match build_client(options) {
        Ok(client) => client,
        Err(e) => return Ok(Either::B(outcome(e))),
    };
    Ok(Either::A(NativeClient {
        client,
        life: EnvLife::of(env)?,
    }))
}

fn build_client(options: ClientOptions) -> portkey::Result<Client> {
    let mut builder = Client::builder();
    if let Some(key) = options.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = options.base_url {
        builder = builder.base_url(url);
    }
    if let Some(ms) = options.timeout_ms {
        builder = builder.timeout(limits::timeout_from_millis(ms, "timeout")?);
    }
    if let Some(n) = options.max_retries {
        builder = builder.max_retries(limits::max_retries_from(n, "maxRetries")?);
    }
    if let Some(lang) = options.language {
        builder = builder.language(lang);
    }
    builder.build()
}

#[napi]
impl NativeClient {
    /// Runs operation `op` (`api_keys.retrieve`) with `params` (a JSON object as a string). The
    /// Promise always resolves (see `Answer`); it rejects only on a panic. Nothing in the
    /// future refers to `self` (see the module docs).
    #[napi(ts_return_type = "Promise<[string, string] | Outcome>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op: String,
        params: String,
        options: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Answer>> {
        let client = self.client.clone();
        let life = self.life.clone();
        env.spawn_future(async move {
            // The JS layer sends a JSON object; what can still fail here is nesting deeper
            // than serde_json's limit (127 levels), which the core could not take anyway.
            let params: serde_json::Map<String, serde_json::Value> =
                match serde_json::from_str(&params) {
                    Ok(params) => params,
                    Err(e) => {
                        return Ok(Either::B(outcome(CoreError::InvalidParam {
                            param: "params".to_owned(),
                            message: format!(
                                "{op}: params are not a JSON object the core can read: {e}"
                            ),
                        })))
                    }
                };
            let options = match request_options(options) {
                Ok(options) => options,
                Err(e) => return Ok(Either::B(outcome(e))),
            };
            match life
                .unless_dead(client.call_by_name(&op, params, &options))
                .await
            {
                // JSON.parse proves the syntax but not the nesting bound: the core checks
                // the depth here, off the JS thread (and names a syntax error JSON.parse
                // finds: `decodeFailure`).
                Some(Ok(r)) => match r.check_depth() {
                    Ok(()) => Ok(Either::A((
                        Text::new(r.body),
                        header_lines(&r.headers),
                        r.status.into(),
                    ))),
                    Err(e) => Ok(Either::B(outcome(e))),
                },
                Some(Err(e)) => Ok(Either::B(outcome(e))),
                // Nobody is left to settle for: napi already aborted the Promise's
                // threadsafe function, so this rejection goes nowhere.
                None => Err(Error::new(
                    Status::Cancelled,
                    "the JavaScript environment ended",
                )),
            }
        })
    }

    /// Opens a server-sent-events answer of `op` (params: a JSON object as a string, with
    /// `stream: true`). Resolves with a `NativeStream` once the answer's head arrived (retries
    /// happen before that only), or with an `Outcome` on failure. Nothing in the
    /// future refers to `self` (see the module docs).
    #[napi(ts_return_type = "Promise<NativeStream | Outcome>")]
    pub fn stream<'env>(
        &self,
        env: &'env Env,
        op: String,
        params: String,
        options: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Either<NativeStream, Outcome>>> {
        let client = self.client.clone();
        let life = self.life.clone();
        env.spawn_future(async move {
            let params: serde_json::Map<String, serde_json::Value> =
                match serde_json::from_str(&params) {
                    Ok(params) => params,
                    Err(e) => {
                        return Ok(Either::B(outcome(CoreError::InvalidParam {
                            param: "params".to_owned(),
                            message: format!(
                                "{op}: params are not a JSON object the core can read: {e}"
                            ),
                        })))
                    }
                };
            let options = match request_options(options) {
                Ok(options) => options,
                Err(e) => return Ok(Either::B(outcome(e))),
            };
            match life
                .unless_dead(client.stream_by_name(&op, params, &options))
                .await
            {
                Some(Ok(stream)) => Ok(Either::A(NativeStream::new(stream, life))),
                Some(Err(e)) => Ok(Either::B(outcome(e))),
                None => Err(Error::new(
                    Status::Cancelled,
                    "the JavaScript environment ended",
                )),
            }
        })
    }

    /// The User-Agent the client sends (for tests and debugging; the key is never exposed).
    #[napi(getter)]
    pub fn user_agent(&self) -> String {
        self.client.user_agent().to_owned()
    }

    #[napi(getter, js_name = "baseURL")]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.client.timeout().as_secs_f64() * 1000.0
    }

    #[napi(getter)]
    pub fn max_retries(&self) -> u32 {
        self.client.max_retries()
    }
}

/// A read as JS gets it: the events' data, `null` at the end, or the failure's `Outcome`.
type Batch = Option<Either<Vec<String>, Outcome>>;

/// An open event stream, wrapped by `Stream` in lib/streaming.js. Dropping it (GC, or the
/// env's teardown) closes the connection.
#[napi]
pub struct NativeStream {
    /// The stream, read a batch at a time (`portkey::batches`: one Promise carries every
    /// event already received).
    state: Arc<SharedBatches>,
    life: Arc<EnvLife>,
    status: u32,
    headers: String,
}

impl NativeStream {
    fn new(stream: EventStream, life: Arc<EnvLife>) -> Self {
        let status = stream.status().into();
        let headers = header_lines(stream.headers());
        NativeStream {
            state: Arc::new(SharedBatches::new(stream)),
            life,
            status,
            headers,
        }
    }
}

#[napi]
impl NativeStream {
    /// The next events' data (JSON strings, at least one: every event already received, so
    /// that one Promise carries many), `null` at the end of the stream (or once closed), or an
    /// `Outcome` on failure, after which the stream is closed. A failure that
    /// follows events in the same read is answered by the next call. Nothing in the future
    /// refers to `self`.
    #[napi(ts_return_type = "Promise<string[] | null | Outcome>")]
    pub fn next<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Batch>> {
        let state = self.state.clone();
        let life = self.life.clone();
        env.spawn_future(async move {
            match life.unless_dead(state.next()).await {
                Some(Ok(Some(data))) => Ok(Some(Either::A(data))),
                Some(Ok(None)) => Ok(None),
                Some(Err(e)) => Ok(Some(Either::B(outcome(e)))),
                None => Err(Error::new(
                    Status::Cancelled,
                    "the JavaScript environment ended",
                )),
            }
        })
    }

    /// Closes the stream (its connection); idempotent, never blocks. A read in flight
    /// resolves as the end of the stream.
    #[napi]
    pub fn close(&self) {
        self.state.close();
    }

    /// The HTTP status of the answer (2xx).
    #[napi(getter)]
    pub fn status(&self) -> u32 {
        self.status
    }

    /// The answer's headers as `name: value\n` lines, lower-case names.
    #[napi(getter)]
    pub fn headers(&self) -> String {
        self.headers.clone()
    }
}

/// One operation as the core describes it.
#[napi(object)]
pub struct OperationInfo {
    /// `api_keys.retrieve`
    pub name: String,
    /// The one-line doc, written once in the core and shown in every language.
    pub summary: String,
}

/// The failure for a 2xx body JSON.parse refused: the core names what is wrong with it (the
/// rare path; a success never comes here).
#[napi]
pub fn decode_failure(body: String, status: u32) -> Outcome {
    let answer = portkey::RawResponse {
        status: u16::try_from(status).unwrap_or(0),
        headers: Vec::new(),
        body: body.into(),
    };
    outcome(answer.refused("the body is not valid JSON".to_owned()))
}

/// The operations the core knows, so the JS test suite can check that every one has a method
/// and that the `.d.ts` shows the core's summary, without this crate changing when operations
/// are added.
#[napi]
pub fn operations() -> Vec<OperationInfo> {
    portkey::ops::OPERATIONS
        .iter()
        .map(|op| OperationInfo {
            name: op.name.to_owned(),
            summary: op.summary.to_owned(),
        })
        .collect()
}

/// Test hook: panics inside an async task, to prove the panic becomes a rejected Promise.
#[napi(js_name = "__panicForTest")]
pub async fn panic_for_test() -> Result<()> {
    panic!("deliberate panic from __panicForTest");
}

/// Per-call options, converted by the core's rules (`InvalidParameterError` naming `timeout` or
/// `maxRetries` when out of range).
fn request_options(options: Option<CallOptions>) -> portkey::Result<RequestOptions> {
    let Some(o) = options else {
        return Ok(RequestOptions::default());
    };
    let extra_headers = o
        .headers
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|kv| (kv[0].clone(), kv[1].clone()))
        .collect();
    Ok(RequestOptions {
        timeout: o
            .timeout_ms
            .map(|ms| limits::timeout_from_millis(ms, "timeout"))
            .transpose()?,
        max_retries: o
            .max_retries
            .map(|n| limits::max_retries_from(n, "maxRetries"))
            .transpose()?,
        extra_headers,
    })
}

/// The core names parameters as Rust and Python do; Node spells a few of them differently.
/// Returns the Node name, if it differs.
fn node_param(param: &str) -> Option<&'static str> {
    match param {
        "base_url" => Some("baseURL"),
        "max_retries" => Some("maxRetries"),
        "api_key" => Some("apiKey"),
        _ => None,
    }
}

fn failure(error: &CoreError, status: u32) -> Outcome {
    Outcome {
        status,
        body: String::new(),
        headers: String::new(),
        kind: Some(error.class_name().to_owned()),
        // `Display` is the user-facing message; the fields carry the rest.
        message: Some(error.to_string()),
        request_id: None,
        param: None,
    }
}

fn outcome(error: CoreError) -> Outcome {
    let base = failure(&error, error.status().unwrap_or(0).into());
    match error {
        CoreError::InvalidParam { param, message } => match node_param(&param) {
            // The message quotes the parameter as `'base_url'`: quote it as Node spells it.
            Some(node) => Outcome {
                message: Some(message.replace(&format!("'{param}'"), &format!("'{node}'"))),
                param: Some(node.to_owned()),
                ..base
            },
            None => Outcome {
                param: Some(param),
                ..base
            },
        },
        // The job's final object (JSON text), for `JobFailedError`.
        CoreError::Decode { body, .. } | CoreError::JobFailed { body, .. } => {
            Outcome { body, ..base }
        }
        CoreError::Status(e) => Outcome {
            body: e.body,
            headers: header_lines(&e.headers),
            request_id: e.request_id,
            ..base
        },
        CoreError::Config { .. } | CoreError::Connection { .. } | CoreError::Timeout { .. } => base,
    }
}

/// One worker thread for napi's tokio runtime instead of one per core.
///
/// Why: a call is a few microseconds of work between two waits on the network, and each call
/// drives its own connection (the core's `pool.rs`), so one worker does all the I/O. With
/// more, a call scheduled from the JS thread also wakes an idle worker to look for work to
/// steal. On the 2-core bench machine one and two workers measured the same within noise
/// (65-80 us of CPU per call either way); one keeps the addon to two busy threads, the JS
/// thread and this one, whatever the core count.
#[napi_derive::module_init]
fn one_worker_runtime() {
    if let Ok(rt) = napi::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("portkey-io")
        .enable_all()
        .build()
    {
        napi::bindgen_prelude::create_custom_tokio_runtime(rt);
    }
}
