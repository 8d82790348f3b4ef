//! `portkey_ai._native`: the private module under the pure-Python package `portkey_ai`.
//!
//! The boundary is one call: an operation name and a dict of parameters go in; a tuple comes
//! out. A streamed call (`stream`/`astream`) hands back a `NativeStream` instead, read one event
//! at a time (`stream.rs`). Validation, encoding, retries and timeouts all live in the Rust core (`portkey`); this
//! crate only converts values and failures, and decides how waiting happens (GIL released,
//! shared runtime, asyncio futures).
//!
//! Errors cross as data (see `outcome.rs`); panics are caught on both paths and become
//! `PortkeyError`, never a dead interpreter.

mod bridge;
mod convert;
mod keys;
mod loads;
mod outcome;
mod runtime;
mod stream;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use portkey::{Client, ClientBuilder, Error, RequestOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use outcome::{invalid, panic_message, CatchPanic, Outcome};
use runtime::ForkLocal;
use stream::NativeStream;

/// How often a blocking call on the main thread wakes to run Python's signal handlers, so
/// Ctrl-C interrupts it. A call that ends sooner never wakes.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// The core client behind `Portkey` / `AsyncPortkey`. Holds no Python objects, so it is
/// `Send + Sync` and `frozen`: methods take `&self` without a borrow flag, from any thread,
/// and keep working while the GIL is released.
#[pyclass(frozen, module = "portkey_ai._native")]
struct NativeClient {
    /// Kept for `with_options` and to rebuild the client after a fork. The API key stays
    /// here, in Rust: Python never holds it (the builder's Debug redacts it).
    builder: ClientBuilder,
    /// The core client of this process. Its connection pool belongs to the runtime of the
    /// process that made it, so a forked child builds its own (see `runtime::ForkLocal`).
    client: ForkLocal<Client>,
}

/// A failed construction: `ValueError(message, class_name, param)`, which Python turns into
/// the exception the core chose (`InvalidParameterError(param=...)`, or `PortkeyError`).
fn construction_error(e: Error) -> PyErr {
    let param = match &e {
        Error::InvalidParam { param, .. } => Some(param.clone()),
        _ => None,
    };
    PyValueError::new_err((e.to_string(), e.class_name(), param))
}

/// A getter after a fork whose rebuild failed (cannot happen with settings that built once).
fn state_error(e: Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// `None` means "not given"; anything else is converted (type errors name the parameter).
fn setting<T>(
    value: Option<&Bound<'_, PyAny>>,
    param: &str,
    convert: impl FnOnce(&Bound<'_, PyAny>, &str) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match value {
        Some(v) if !v.is_none() => convert(v, param).map(Some),
        _ => Ok(None),
    }
}

impl NativeClient {
    fn build(
        mut builder: ClientBuilder,
        api_key: Option<&Bound<'_, PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout_seconds: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let fail = construction_error;
        if let Some(key) = setting(api_key, "api_key", convert::text).map_err(fail)? {
            builder = builder.api_key(key);
        }
        if let Some(url) = setting(base_url, "base_url", convert::text).map_err(fail)? {
            builder = builder.base_url(url);
        }
        if let Some(t) = setting(timeout_seconds, "timeout", convert::timeout).map_err(fail)? {
            builder = builder.timeout(t);
        }
        if let Some(n) = setting(max_retries, "max_retries", convert::max_retries).map_err(fail)? {
            builder = builder.max_retries(n);
        }
        // Building resolves the environment and checks the settings now, so a missing key
        // fails at construction, not at the first call.
        let client = builder.clone().build().map_err(fail)?;
        Ok(NativeClient {
            builder,
            client: ForkLocal::new(client),
        })
    }

    fn client(&self) -> Result<Client, Error> {
        self.client
            .get_or_rebuild(|| self.builder.clone().build())
            .cloned()
    }

    /// Converts the per-call options; the core checks their ranges, as for the client's.
    fn options(
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> Result<RequestOptions, Error> {
        Ok(RequestOptions {
            timeout: setting(timeout, "timeout", convert::timeout)?,
            max_retries: setting(max_retries, "max_retries", convert::max_retries)?,
            extra_headers: match extra_headers {
                Some(headers) => convert::headers(headers, "extra_headers")?,
                None => Vec::new(),
            },
        })
    }

    /// Everything a call needs, taken from Python objects while the GIL is held.
    fn prepare(
        &self,
        params: &Bound<'_, PyDict>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> Result<(Client, portkey::Params, RequestOptions), Outcome> {
        let params = convert::params(params).map_err(|e| invalid(&e.param, e.message))?;
        let options = Self::options(timeout, max_retries, extra_headers).map_err(Outcome::Err)?;
        let client = self.client().map_err(Outcome::Err)?;
        Ok((client, params, options))
    }
}

/// The test suite checks that a panic in the core becomes `PortkeyError` on both paths by
/// calling this reserved operation name (one string compare per call).
fn test_panic(op: &str) {
    if op == "__test__.panic" {
        panic!("deliberate panic for the test suite");
    }
}

/// Drives `call` to its end, but every `SIGNAL_CHECK` attaches to the interpreter and runs
/// Python's signal handlers: when one raises (KeyboardInterrupt), `call` is dropped (which
/// closes its connection) and the exception is returned. The timer is a plain sleep future,
/// armed on the first poll: a call that ends within the period never wakes up for it.
pub(crate) async fn interruptible<F: Future>(call: F) -> PyResult<F::Output> {
    let mut call = std::pin::pin!(call);
    loop {
        tokio::select! {
            biased;
            output = &mut call => return Ok(output),
            () = tokio::time::sleep(SIGNAL_CHECK) => Python::attach(|py| py.check_signals())?,
        }
    }
}

#[pymethods]
impl NativeClient {
    /// Builds the core client. Raises `ValueError(message, class_name, param)` with the
    /// core's verdict (no API key, bad base URL, a setting of the wrong type or out of
    /// range); Python re-raises it as `InvalidParameterError` or `PortkeyError`.
    #[new]
    #[pyo3(signature = (api_key=None, base_url=None, timeout_seconds=None, max_retries=None))]
    fn new(
        py: Python<'_>,
        api_key: Option<&Bound<'_, PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout_seconds: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let v = py.version_info();
        let language = format!("python/{}.{}.{}", v.major, v.minor, v.patch);
        let builder = Client::builder().language(language);
        Self::build(builder, api_key, base_url, timeout_seconds, max_retries)
    }

    /// A new client with some settings replaced; the others (the API key included, which
    /// never leaves Rust) are kept. Fails as the constructor does.
    #[pyo3(signature = (api_key=None, base_url=None, timeout_seconds=None, max_retries=None))]
    fn with_options(
        &self,
        api_key: Option<&Bound<'_, PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout_seconds: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Self::build(
            self.builder.clone(),
            api_key,
            base_url,
            timeout_seconds,
            max_retries,
        )
    }

    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.client().map_err(state_error)?.base_url().to_owned())
    }

    #[getter]
    fn timeout(&self) -> PyResult<f64> {
        Ok(self.client().map_err(state_error)?.timeout().as_secs_f64())
    }

    #[getter]
    fn max_retries(&self) -> PyResult<u32> {
        Ok(self.client().map_err(state_error)?.max_retries())
    }

    /// Calls `op` and blocks until the answer. The GIL is released while waiting, so other
    /// Python threads run and many threads can share one client. On the main thread, a
    /// signal handler that raises (Ctrl-C: KeyboardInterrupt) ends the wait within
    /// `SIGNAL_CHECK`, and the call is dropped.
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<&Bound<'py, PyAny>>,
        max_retries: Option<&Bound<'py, PyAny>>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let outcome = match self.prepare(params, timeout, max_retries, extra_headers) {
            Err(outcome) => outcome,
            Ok((client, params, options)) => {
                // Signal handlers run on the main thread only: elsewhere, no wake-ups.
                let signals = runtime::is_main_thread(py);
                py.detach(|| {
                    // The call runs on this (Python) thread, which also waits on the socket
                    // (`runtime::block_on_here`). A panic in the core unwinds to here.
                    std::panic::catch_unwind(AssertUnwindSafe(|| {
                        test_panic(op);
                        let call = client.call_by_name(op, params, &options);
                        let ran = if signals {
                            runtime::block_on_here(interruptible(call))
                        } else {
                            runtime::block_on_here(async { Ok(call.await) })
                        };
                        let result = match ran {
                            Ok(result) => result?,
                            // No thread resources left for a runtime: a PortkeyError, as a
                            // panic would be.
                            Err(e) => return Ok(Outcome::Panic(format!("no runtime: {e}"))),
                        };
                        Ok::<_, PyErr>(match result {
                            Ok(r) => Outcome::Ok(r),
                            Err(e) => Outcome::Err(e),
                        })
                    }))
                    .unwrap_or_else(|payload| Ok(Outcome::Panic(panic_message(payload))))
                })?
            }
        };
        outcome.into_pyobject(py)
    }

    /// Like `call`, but returns an asyncio future at once; the call runs on the shared
    /// runtime and the result is handed to the running event loop (`bridge.rs`). Cancelling
    /// the future drops the call.
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn acall<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<&Bound<'py, PyAny>>,
        max_retries: Option<&Bound<'py, PyAny>>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let prepared = self.prepare(params, timeout, max_retries, extra_headers);
        let op = op.to_owned();
        let future = async move {
            test_panic(&op);
            match prepared {
                Err(outcome) => outcome,
                Ok((client, params, options)) => {
                    match client.call_by_name(&op, params, &options).await {
                        Ok(r) => Outcome::Ok(r),
                        Err(e) => Outcome::Err(e),
                    }
                }
            }
        };
        bridge::future_into_py(py, CatchPanic(Box::pin(future)))
    }

    /// Opens a server-sent-events answer of `op` (whose params carry `stream: true`) and
    /// blocks until its head arrives, as `call` does (GIL released, Ctrl-C on the main thread,
    /// retries until the stream starts). Returns a `NativeStream`, or a failure outcome tuple.
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn stream<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<&Bound<'py, PyAny>>,
        max_retries: Option<&Bound<'py, PyAny>>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let outcome = match self.prepare(params, timeout, max_retries, extra_headers) {
            Err(outcome) => outcome,
            Ok((client, params, options)) => {
                let signals = runtime::is_main_thread(py);
                py.detach(|| {
                    std::panic::catch_unwind(AssertUnwindSafe(|| {
                        test_panic(op);
                        let rt = runtime::get();
                        let open = client.stream_by_name(op, params, &options);
                        let result = if signals {
                            rt.block_on(interruptible(open))?
                        } else {
                            rt.block_on(open)
                        };
                        Ok::<_, PyErr>(opened(result))
                    }))
                    .unwrap_or_else(|payload| Ok(Outcome::Panic(panic_message(payload))))
                })?
            }
        };
        outcome.into_pyobject(py)
    }

    /// Like `stream`, as an asyncio future (see `acall`) of a `NativeStream` or a failure
    /// outcome. Cancelling it drops the opening (and its connection).
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn astream<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<&Bound<'py, PyAny>>,
        max_retries: Option<&Bound<'py, PyAny>>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let prepared = self.prepare(params, timeout, max_retries, extra_headers);
        let op = op.to_owned();
        let future = async move {
            test_panic(&op);
            match prepared {
                Err(outcome) => outcome,
                Ok((client, params, options)) => {
                    opened(client.stream_by_name(&op, params, &options).await)
                }
            }
        };
        bridge::future_into_py(py, CatchPanic(Box::pin(future)))
    }

    fn __repr__(&self) -> String {
        match self.client() {
            Ok(c) => format!("NativeClient(base_url={:?})", c.base_url()),
            Err(_) => "NativeClient()".to_owned(),
        }
    }
}

/// An opened stream as the outcome Python receives.
fn opened(result: portkey::Result<portkey::EventStream>) -> Outcome {
    match result {
        Ok(stream) => Outcome::Stream(NativeStream::new(stream)),
        Err(e) => Outcome::Err(e),
    }
}

/// `(name, summary, [(param, doc, required)])`.
type OperationDoc = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str, bool)>,
);

/// The operations the core knows: `[(name, summary, [(param, doc, required)])]`, for
/// docstrings and for checking that every operation has a Python method.
#[pyfunction]
fn operations() -> Vec<OperationDoc> {
    portkey::ops::OPERATIONS
        .iter()
        .map(|op| {
            let params = op
                .params
                .iter()
                .map(|p| (p.name, p.doc, p.required))
                .collect();
            (op.name, op.summary, params)
        })
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<NativeStream>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_class::<bridge::Inbox>()?;
    m.add("VERSION", portkey::VERSION)?;
    Ok(())
}
