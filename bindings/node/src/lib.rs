//! The native addon behind the `portkey-ai` npm package: conversion and error mapping only.
//!
//! The whole FFI surface is one class, `NativeClient`, with one async method `call(op, params,
//! options)`. Everything else (resource objects, error classes, `getHeaders()`) lives in plain
//! JavaScript in `node/`, so adding an operation to the core never touches this file.
//!
//! FFI decisions, each measured or forced:
//! - Params cross as one JSON string (`JSON.stringify` in JS, `serde_json` here) and the body
//!   comes back as one string for `JSON.parse`. Both engines' JSON codecs are native and fast;
//!   napi's serde-json objects cost N-API calls per key and value. Measured per call (sync
//!   calls, no network): `{ id }` in 0.97 us as JSON vs 1.41 us as an object; create params
//!   4.0 vs 8.9 us; an 830-byte API key out 4.5 us (string + JSON.parse) vs 19.7 us (serde
//!   Value -> JS object).
//! - Errors cross as data, not as a thrown napi `Error`: the Promise resolves with
//!   `{ ok: false, kind, status, message, body, requestId, headers, param }`, and JS throws the
//!   right class. napi's error conversion keeps only a message and a status code.
//! - Headers cross as one `name: value\n` string that JS splits only if `getHeaders()` is
//!   called: building a JS array of pairs on every call costs more than the call's own work.
//! - A panic inside the future is caught by napi (it wraps the task in `catch_unwind` and
//!   rejects the Promise), so it never kills the process; `__panicForTest` proves it.
//! - The Promise is settled through napi's threadsafe function, which is released once the
//!   call settles: a script whose last call has finished exits without `process.exit()`.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use portkey::{Client, Error as CoreError, RequestOptions};

/// Client settings as JS passes them; absent values fall back to the core's env/defaults.
#[napi(object)]
pub struct ClientOptions {
    pub api_key: Option<String>,
    #[napi(js_name = "baseURL")]
    pub base_url: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    /// `node/v20.20.2`, shown in the User-Agent.
    pub language: Option<String>,
}

/// Per-call overrides. `headers` is flat `[name, value, name, value, ...]`: an array of strings
/// converts with no per-entry object lookups.
#[napi(object)]
pub struct CallOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    pub headers: Option<Vec<String>>,
}

/// The outcome of a call. Optional fields are only set on failure (napi skips `None`), so a
/// success costs one object with four properties.
#[napi(object)]
pub struct Outcome {
    pub ok: bool,
    pub status: u32,
    /// Success: the JSON body. Failure: the raw response body, if any.
    pub body: String,
    /// `name: value\n` lines, lower-case names.
    pub headers: String,
    /// The error class JS throws, as the core names it (`NotFoundError`, ...).
    pub kind: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub param: Option<String>,
}

#[napi]
pub struct NativeClient {
    // `Client` is an `Arc` inside: cloning it into each future is one refcount bump.
    client: Client,
}

#[napi]
impl NativeClient {
    /// Throws on a configuration error (no API key, bad base URL); JS rethrows it as
    /// `PortkeyError`. Construction is synchronous, so a thrown message is all JS needs.
    #[napi(constructor)]
    pub fn new(options: ClientOptions) -> Result<Self> {
        let mut builder = Client::builder();
        if let Some(key) = options.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = options.base_url {
            builder = builder.base_url(url);
        }
        if let Some(ms) = options.timeout_ms {
            builder = builder.timeout(millis(ms));
        }
        if let Some(n) = options.max_retries {
            builder = builder.max_retries(n);
        }
        if let Some(lang) = options.language {
            builder = builder.language(lang);
        }
        let client = builder
            .build()
            .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))?;
        Ok(NativeClient { client })
    }

    /// Runs operation `op` (`api_keys.retrieve`) with `params` (a JSON object as a string). The
    /// Promise always resolves (see `Outcome`); it rejects only on a panic or malformed JSON
    /// from our own JS layer.
    #[napi]
    pub async fn call(
        &self,
        op: String,
        params: String,
        options: Option<CallOptions>,
    ) -> Result<Outcome> {
        let client = self.client.clone();
        let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&params)
            .map_err(|e| {
                Error::new(
                    Status::InvalidArg,
                    format!("params must be a JSON object: {e}"),
                )
            })?;
        let options = request_options(options);
        Ok(outcome(client.call_by_name(&op, params, &options).await))
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

/// One operation as the core describes it.
#[napi(object)]
pub struct OperationInfo {
    /// `api_keys.retrieve`
    pub name: String,
    /// The one-line doc, written once in the core and shown in every language.
    pub summary: String,
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

fn millis(ms: f64) -> Duration {
    // JS numbers: negative or NaN mean "no time", fractions are kept to the microsecond.
    Duration::from_secs_f64(if ms.is_finite() && ms > 0.0 {
        ms / 1000.0
    } else {
        0.0
    })
}

fn request_options(options: Option<CallOptions>) -> RequestOptions {
    let Some(o) = options else {
        return RequestOptions::default();
    };
    let extra_headers = o
        .headers
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|kv| (kv[0].clone(), kv[1].clone()))
        .collect();
    RequestOptions {
        timeout: o.timeout_ms.map(millis),
        max_retries: o.max_retries,
        extra_headers,
    }
}

fn header_lines(headers: &[(String, String)]) -> String {
    let mut out = String::with_capacity(headers.iter().map(|(k, v)| k.len() + v.len() + 3).sum());
    for (k, v) in headers {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    }
    out
}

fn failure(error: &CoreError, status: u32) -> Outcome {
    Outcome {
        ok: false,
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

fn outcome(result: portkey::Result<portkey::RawResponse>) -> Outcome {
    let error = match result {
        Ok(r) => {
            return Outcome {
                ok: true,
                status: r.status.into(),
                headers: header_lines(&r.headers),
                // The core checked the body is JSON, hence UTF-8; lossy only guards the type.
                body: match String::from_utf8(Vec::from(r.body)) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                },
                kind: None,
                message: None,
                request_id: None,
                param: None,
            };
        }
        Err(e) => e,
    };
    let base = failure(&error, error.status().unwrap_or(0).into());
    match error {
        CoreError::InvalidParam { param, .. } => Outcome {
            param: Some(param),
            ..base
        },
        CoreError::Decode { body, .. } => Outcome { body, ..base },
        CoreError::Status(e) => Outcome {
            body: e.body,
            headers: header_lines(&e.headers),
            request_id: e.request_id,
            ..base
        },
        CoreError::Config { .. } | CoreError::Connection { .. } | CoreError::Timeout { .. } => base,
    }
}
