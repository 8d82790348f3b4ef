//! The asyncio path: a call running on the shared runtime, seen from Python as an
//! `asyncio.Future` of the running event loop.
//!
//! Hand-written rather than `pyo3_async_runtimes::future_into_py`, for two reasons:
//! - When the event loop is closed while a call is in flight, that crate's completion step
//!   gets `RuntimeError: Event loop is closed` from `call_soon_threadsafe` and prints it with
//!   its traceback on stderr. Here a closed loop, or one closed meanwhile, ends the call
//!   quietly: no one is left to take its result.
//! - One task and one completion step per call instead of two tasks and a step: the call
//!   needs neither task locals nor contextvars (it never calls back into Python).
//!
//! Flow: `acall` creates the future on the running loop and spawns the call. Cancelling the
//! future (a done-callback) drops the call, which closes its connection. When the call ends,
//! a blocking-pool thread (never a runtime worker, which must not wait on the GIL) attaches,
//! converts the outcome and schedules `Complete` on the loop with `call_soon_threadsafe`;
//! `Complete` sets the result unless the future is already done (cancelled meanwhile).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, IntoPyObjectExt};
use tokio::sync::oneshot;

use crate::outcome::Outcome;
use crate::runtime;

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The future's done-callback: dropping the sender wakes the call's task, which then drops
/// the call. Fires for every end of the future; after a result it finds the task gone.
#[pyclass(frozen, module = "portkey_ai._native")]
struct DropCall {
    cancel: Mutex<Option<oneshot::Sender<()>>>,
}

#[pymethods]
impl DropCall {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        if let Ok(mut cancel) = self.cancel.lock() {
            cancel.take();
        }
    }
}

/// Run by the event loop: sets the result unless the future was cancelled meanwhile (then
/// `set_result` would raise, and the loop would print it).
///
/// `settled` is set for a call started after `runtime::at_exit` (by an `atexit` handler that
/// runs an event loop of its own). No one waits for such a call's completion step at exit, and
/// the step can still be inside `call_soon_threadsafe`, which drops the GIL to write to the
/// loop's wake-up socket: this callback can run meanwhile, the handler return, and the
/// interpreter start finalizing. A thread taking the GIL back then is ended with
/// `pthread_exit`, which aborts a Rust thread (SIGABRT). So this callback waits, with the GIL
/// released, until the step is over.
#[pyclass(frozen, module = "portkey_ai._native")]
struct Complete {
    settled: Option<Arc<AtomicBool>>,
}

#[pymethods]
impl Complete {
    fn __call__(&self, future: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = future.py();
        if !future.call_method0(intern!(py, "done"))?.is_truthy()? {
            future.call_method1(intern!(py, "set_result"), (value,))?;
        }
        if let Some(settled) = &self.settled {
            py.detach(|| runtime::wait_for(settled, Duration::from_secs(5)));
        }
        Ok(())
    }
}

/// An `asyncio.Future`, of the running loop, for `call`'s outcome. Must be called from a
/// coroutine (there must be a running loop).
pub fn future_into_py<'py, F>(py: Python<'py>, call: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;

    // Building the runtime can panic (no threads left): answer at once with a PortkeyError.
    let rt = match std::panic::catch_unwind(runtime::get) {
        Ok(rt) => rt,
        Err(payload) => {
            let outcome = Outcome::Panic(crate::outcome::panic_message(payload));
            future.call_method1(intern!(py, "set_result"), (outcome.into_pyobject(py)?,))?;
            return Ok(future);
        }
    };

    let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
    future.call_method1(
        intern!(py, "add_done_callback"),
        (DropCall {
            cancel: Mutex::new(Some(cancel_tx)),
        },),
    )?;

    let event_loop = event_loop.unbind();
    let handle = future.clone().unbind();
    let started_exiting = runtime::exiting();
    let settled = started_exiting.then(|| Arc::new(AtomicBool::new(false)));
    rt.spawn(async move {
        let outcome = tokio::select! {
            biased;
            // Cancelled (or the future is gone): dropping `call` here closes its connection.
            _ = cancel_rx => return,
            outcome = call => outcome,
        };
        // Not awaited: the task ends now, the step runs on a blocking-pool thread.
        tokio::task::spawn_blocking(move || {
            let complete = Complete {
                settled: settled.clone(),
            };
            runtime::hand_over(started_exiting, || {
                Python::attach(|py| {
                    deliver(py, event_loop.bind(py), handle.bind(py), complete, outcome)
                })
            });
            // The GIL is released: the loop's `Complete` may stop waiting.
            if let Some(settled) = settled {
                settled.store(true, Ordering::SeqCst);
            }
        });
    });
    Ok(future)
}

/// Hands `outcome` to the loop. Quiet when the loop was closed with the call in flight.
fn deliver(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
    future: &Bound<'_, PyAny>,
    complete: Complete,
    outcome: Outcome,
) {
    let closed = event_loop
        .call_method0(intern!(py, "is_closed"))
        .and_then(|c| c.is_truthy())
        .unwrap_or(true);
    if closed {
        return;
    }
    let value = match outcome.into_py_any(py) {
        Ok(value) => value,
        Err(e) => match Outcome::Panic(format!("cannot convert the answer: {e}")).into_py_any(py) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    // Fails only if the loop closed since the check above (RuntimeError): nothing to hand
    // the result to, so it is dropped, quietly.
    let _ = event_loop.call_method1(
        intern!(py, "call_soon_threadsafe"),
        (complete, future, value),
    );
}
