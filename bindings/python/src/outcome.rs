//! What a call hands back to Python: one tuple, for success and failure alike.
//!
//! `(kind, status, headers, body, message, detail)`: `kind` is None on success, else the name of
//! the exception class as the core decides it (`Error::class_name`). `headers` is one str of
//! `name: value` lines (`portkey::header_lines`). On success `body` is the
//! answer's JSON value, built here from the bytes (`loads.rs`); on failure it is the raw bytes
//! the server sent, if any. A stream's read is a list of events instead
//! (`portkey::batches`: every event already received), each one's JSON object, or its data as
//! bytes when that is not an object; the end of a stream is `None`, and an opened stream is the
//! `NativeStream` itself. Errors cross as data rather than as exceptions raised here:
//! Python picks the exception class in one place (`portkey_ai._exceptions.from_outcome`), so the
//! class hierarchy stays plain Python and this crate never imports the package (no import cycle,
//! nothing to look up per error).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use portkey::{header_lines, Error, RawResponse};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::loads::{loads, Failure};
use crate::stream::NativeStream;

/// A call's result, converted to a Python tuple only once the GIL is held.
pub enum Outcome {
    Ok(RawResponse),
    Err(Error),
    /// A Rust panic, caught: the process stays alive and Python raises `PortkeyError`.
    Panic(String),
    /// A stream opened (`stream`/`astream`): the `NativeStream` object itself.
    Stream(NativeStream),
    /// Events of a stream (at least one), as a list: each event's data as its JSON value when
    /// it is an object, else as bytes (the stream item must be an object; Python says so).
    Events(Vec<String>),
    /// The end of a stream (or a closed one): `None`.
    End,
}

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    // (kind, status, headers, body, message, detail); see the module comment.
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let none = || py.None().into_bound(py);
        let text = |s: &str| PyString::new(py, s).into_any();
        // One str of `name: value` lines, split by Python only if headers are asked for.
        let headers = |h: &[(String, String)]| text(&header_lines(h));
        let bytes = |b: &[u8]| PyBytes::new(py, b).into_any();
        let opt = |s: Option<&str>| s.map_or_else(none, text);
        let items: [Bound<'py, PyAny>; 6] = match self {
            Outcome::Stream(stream) => return Ok(Bound::new(py, stream)?.into_any()),
            Outcome::End => return Ok(none()),
            Outcome::Events(events) => {
                let items = events.iter().map(|data| -> PyResult<Bound<'py, PyAny>> {
                    if data.trim_start().starts_with('{') {
                        // The core has proven every event's data JSON.
                        match loads(py, data.as_bytes()) {
                            Ok(value) => return Ok(value),
                            Err(Failure::Python(e)) => return Err(e),
                            Err(Failure::Malformed) => {}
                        }
                    }
                    Ok(bytes(data.as_bytes()))
                });
                return Ok(PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)?.into_any());
            }
            Outcome::Ok(r) => match loads(py, &r.body) {
                Ok(value) => [
                    none(),
                    r.status.into_pyobject(py)?.into_any(),
                    headers(&r.headers),
                    value,
                    none(),
                    none(),
                ],
                Err(Failure::Python(e)) => return Err(e),
                // The parser proves the syntax as it reads; the core names what is wrong.
                Err(Failure::Malformed) => {
                    return Outcome::Err(r.refused("the body is not valid JSON".to_owned()))
                        .into_pyobject(py)
                }
            },
            Outcome::Err(e) => {
                // The core names the exception class, so Python and Node cannot drift apart.
                let kind = text(e.class_name());
                let message = text(&e.to_string());
                match e {
                    Error::InvalidParam { param, .. } => {
                        [kind, none(), none(), none(), message, text(&param)]
                    }
                    Error::Config { .. } | Error::Connection { .. } | Error::Timeout { .. } => {
                        [kind, none(), none(), none(), message, none()]
                    }
                    // The job's final object (JSON text), for `JobFailedError`.
                    Error::JobFailed { body, .. } => [
                        kind,
                        none(),
                        none(),
                        bytes(body.as_bytes()),
                        message,
                        none(),
                    ],
                    Error::Decode { status, body, .. } => [
                        kind,
                        status.into_pyobject(py)?.into_any(),
                        none(),
                        bytes(body.as_bytes()),
                        message,
                        none(),
                    ],
                    Error::Status(s) => [
                        kind,
                        s.status.into_pyobject(py)?.into_any(),
                        headers(&s.headers),
                        bytes(s.body.as_bytes()),
                        message,
                        opt(s.request_id.as_deref()),
                    ],
                }
            }
            Outcome::Panic(message) => [
                text("PortkeyError"),
                none(),
                none(),
                none(),
                text(&format!(
                    "internal error in the Portkey core (please report it): {message}"
                )),
                none(),
            ],
        };
        Ok(PyTuple::new(py, items)?.into_any())
    }
}

pub fn invalid_param(param: &str, message: String) -> Error {
    Error::InvalidParam {
        param: param.to_owned(),
        message,
    }
}

pub fn invalid(param: &str, message: String) -> Outcome {
    Outcome::Err(invalid_param(param, message))
}

pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

/// Runs a future to its end and turns a panic inside it into `Outcome::Panic`, for the asyncio
/// path (`catch_unwind` covers the blocking path): a panic is a `PortkeyError`, and the task
/// still hands a result to the awaiting coroutine.
pub struct CatchPanic<F>(pub Pin<Box<F>>);

impl<F: Future<Output = Outcome>> Future for CatchPanic<F> {
    type Output = Outcome;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Outcome::Panic(panic_message(payload))),
        }
    }
}
