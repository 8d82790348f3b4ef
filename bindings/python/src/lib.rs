//! `portkey_ai._native`: the private module under the pure-Python package `portkey_ai`.
//!
//! The boundary is one call: an operation name and a dict of parameters go in; a tuple comes
//! out. Validation, encoding, retries and timeouts all live in the Rust core (`portkey`); this
//! crate only converts values and failures, and decides how waiting happens (GIL released,
//! shared runtime, asyncio futures).
//!
//! Errors cross as data (see `outcome.rs`); panics are caught on both paths and become
//! `PortkeyError`, never a dead interpreter.

mod convert;
mod outcome;
mod runtime;

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use portkey::{Client, ClientBuilder, Error, RequestOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use outcome::{invalid, invalid_param, panic_message, CatchPanic, Outcome};
use runtime::{ForkLocal, PortkeyRuntime};

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

impl NativeClient {
    fn build(
        mut builder: ClientBuilder,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout_seconds: Option<f64>,
        max_retries: Option<i64>,
    ) -> PyResult<Self> {
        let fail = |e: Error| PyValueError::new_err(e.to_string());
        if let Some(key) = api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        if let Some(t) = timeout_seconds {
            builder = builder.timeout(seconds(t, "timeout").map_err(fail)?);
        }
        if let Some(n) = max_retries {
            builder = builder.max_retries(retries(n, "max_retries").map_err(fail)?);
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

    /// Validates the per-call options; the same rules as the client settings.
    fn options(
        timeout: Option<f64>,
        max_retries: Option<i64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> Result<RequestOptions, Outcome> {
        let mut options = RequestOptions {
            timeout: timeout
                .map(|t| seconds(t, "timeout"))
                .transpose()
                .map_err(Outcome::Err)?,
            max_retries: max_retries
                .map(|n| retries(n, "max_retries"))
                .transpose()
                .map_err(Outcome::Err)?,
            extra_headers: Vec::new(),
        };
        if let Some(headers) = extra_headers {
            for (k, v) in headers.iter() {
                let (Ok(name), Ok(value)) = (k.extract::<String>(), v.extract::<String>()) else {
                    // Name the types only: header values are often secrets.
                    return Err(invalid(
                        "extra_headers",
                        format!(
                            "'extra_headers' names and values must be strings, got {} -> {}",
                            type_name(&k),
                            type_name(&v)
                        ),
                    ));
                };
                options.extra_headers.push((name, value));
            }
        }
        Ok(options)
    }

    /// Everything a call needs, taken from Python objects while the GIL is held.
    fn prepare(
        &self,
        params: &Bound<'_, PyDict>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> Result<(Client, portkey::Params, RequestOptions), Outcome> {
        let params = convert::params(params).map_err(|e| invalid(&e.param, e.message))?;
        let options = Self::options(timeout, max_retries, extra_headers)?;
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

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn seconds(value: f64, name: &str) -> Result<Duration, Error> {
    // `Duration::from_secs_f64` panics on negative, NaN or huge values: refuse them first.
    if value.is_finite() && value > 0.0 && value < 1e9 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(invalid_param(
            name,
            format!("'{name}' must be a positive number of seconds, got {value}"),
        ))
    }
}

fn retries(value: i64, name: &str) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| {
        invalid_param(
            name,
            format!("'{name}' must be a non-negative integer, got {value}"),
        )
    })
}

#[pymethods]
impl NativeClient {
    /// Builds the core client. Raises ValueError with the core's message (no API key, bad
    /// base URL); Python re-raises it as `PortkeyError`.
    #[new]
    #[pyo3(signature = (api_key=None, base_url=None, timeout_seconds=None, max_retries=None))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout_seconds: Option<f64>,
        max_retries: Option<i64>,
    ) -> PyResult<Self> {
        let v = py.version_info();
        let language = format!("python/{}.{}.{}", v.major, v.minor, v.patch);
        let builder = Client::builder().language(language);
        Self::build(builder, api_key, base_url, timeout_seconds, max_retries)
    }

    /// A new client with some settings replaced; the others (the API key included, which
    /// never leaves Rust) are kept.
    #[pyo3(signature = (api_key=None, base_url=None, timeout_seconds=None, max_retries=None))]
    fn with_options(
        &self,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout_seconds: Option<f64>,
        max_retries: Option<i64>,
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
        Ok(self
            .client()
            .map_err(|e| PyValueError::new_err(e.to_string()))?
            .base_url()
            .to_owned())
    }

    #[getter]
    fn timeout(&self) -> PyResult<f64> {
        Ok(self
            .client()
            .map_err(|e| PyValueError::new_err(e.to_string()))?
            .timeout()
            .as_secs_f64())
    }

    #[getter]
    fn max_retries(&self) -> PyResult<u32> {
        Ok(self
            .client()
            .map_err(|e| PyValueError::new_err(e.to_string()))?
            .max_retries())
    }

    /// Calls `op` and blocks until the answer. The GIL is released while waiting, so other
    /// Python threads run and many threads can share one client.
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let outcome = match self.prepare(params, timeout, max_retries, extra_headers) {
            Err(outcome) => outcome,
            Ok((client, params, options)) => py.detach(|| {
                // `block_on` drives the call on this (Python) thread while the runtime's
                // workers run the connection; spawning it and waiting on a channel measured
                // the same (python/bench/README.md). A panic in the core unwinds to here.
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    test_panic(op);
                    let rt = runtime::get();
                    match rt.block_on(client.call_by_name(op, params, &options)) {
                        Ok(r) => Outcome::Ok(r),
                        Err(e) => Outcome::Err(e),
                    }
                }))
                .unwrap_or_else(|payload| Outcome::Panic(panic_message(payload)))
            }),
        };
        outcome.into_pyobject(py)
    }

    /// Like `call`, but returns an asyncio awaitable at once; the call runs on the shared
    /// runtime and the result is handed to the running event loop. Cancelling the awaitable
    /// drops the call.
    #[pyo3(signature = (op, params, timeout=None, max_retries=None, extra_headers=None))]
    fn acall<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        params: &Bound<'py, PyDict>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let prepared = self.prepare(params, timeout, max_retries, extra_headers);
        let op = op.to_owned();
        // The event loop alone: no contextvars copy, since the future never calls Python.
        let locals = pyo3_async_runtimes::TaskLocals::with_running_loop(py)?;
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
        // Building the runtime can panic (no threads left); keep that a PortkeyError too.
        if let Err(payload) = std::panic::catch_unwind(runtime::get) {
            let outcome = Outcome::Panic(panic_message(payload));
            let ready = async move { Ok(outcome) };
            return pyo3_async_runtimes::generic::future_into_py_with_locals::<PortkeyRuntime, _, _>(
                py, locals, ready,
            );
        }
        pyo3_async_runtimes::generic::future_into_py_with_locals::<PortkeyRuntime, _, _>(
            py,
            locals,
            CatchPanic(Box::pin(future)),
        )
    }

    fn __repr__(&self) -> String {
        match self.client() {
            Ok(c) => format!("NativeClient(base_url={:?})", c.base_url()),
            Err(_) => "NativeClient()".to_owned(),
        }
    }
}

/// Blocks (GIL released) until no asyncio call is still handing its result over, or until
/// `timeout_seconds`; returns whether it got there. Registered with `atexit` by the package.
#[pyfunction]
fn wait_idle(py: Python<'_>, timeout_seconds: f64) -> bool {
    let timeout = Duration::from_secs_f64(timeout_seconds.clamp(0.0, 60.0));
    py.detach(|| runtime::wait_idle(timeout))
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
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(wait_idle, m)?)?;
    m.add("VERSION", portkey::VERSION)?;
    Ok(())
}
