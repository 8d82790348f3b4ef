//! The asyncio path: a call running on the shared runtime, seen from Python as an
//! `asyncio.Future` of the running event loop.
//!
//! Hand-written rather than `pyo3_async_runtimes::future_into_py`: no thread but the event
//! loop's ever touches Python. A finished call's outcome goes into the loop's `Inbox` (a
//! queue and a socket the loop watches with `add_reader`); the loop wakes, and `Inbox.drain`,
//! on the loop's thread with the GIL, converts the outcomes and sets the futures' results.
//!
//! Why not attach to the interpreter from the runtime's threads (as that crate does, and as
//! this module did): it took a blocking-pool thread per call (a runtime worker must not wait
//! for the GIL), hence three thread wake-ups per call; and a foreign thread holding or taking
//! the GIL while the interpreter finalizes aborts the process (a script ending, or an
//! `atexit` handler returning, with a result in flight). A queue and a socket need neither.
//!
//! Cancelling the future (a done-callback) drops the call, which closes its connection. A
//! loop closed with calls in flight never drains them: their results are dropped quietly.

use std::future::Future;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, IntoPyObjectExt};
use tokio::sync::oneshot;

use crate::outcome::Outcome;
use crate::runtime;

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INBOX_FOR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

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

/// Finished calls of one event loop, waiting for the loop to take them.
///
/// `portkey_ai._client._inbox_for(loop)` makes one per loop and registers `drain` with
/// `loop.add_reader(inbox.fileno(), inbox.drain)`.
#[pyclass(frozen, module = "portkey_ai._native")]
pub struct Inbox {
    /// Futures and their outcomes. `Py` handles may be moved and dropped without the GIL
    /// (pyo3 defers the decref), so runtime threads push here without attaching.
    ready: Mutex<Vec<(Py<PyAny>, Outcome)>>,
    /// Whether a wake-up byte is already on its way: at most one per drain.
    armed: AtomicBool,
    /// The loop watches `reader`; runtime threads write a byte to `writer` to wake it.
    reader: UnixStream,
    writer: UnixStream,
}

impl Inbox {
    fn push(&self, future: Py<PyAny>, outcome: Outcome) {
        self.ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((future, outcome));
        if !self.armed.swap(true, Ordering::SeqCst) {
            // Fails only when the socket buffer is full, i.e. a wake-up is pending anyway.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

#[pymethods]
impl Inbox {
    #[new]
    fn new() -> PyResult<Self> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(Inbox {
            ready: Mutex::new(Vec::new()),
            armed: AtomicBool::new(false),
            reader,
            writer,
        })
    }

    fn fileno(&self) -> i32 {
        self.reader.as_raw_fd()
    }

    /// Run by the loop when the socket is readable: hands every finished call its result,
    /// unless its future is already done (cancelled meanwhile: `set_result` would raise).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let mut sink = [0u8; 64];
        while matches!((&self.reader).read(&mut sink), Ok(n) if n > 0) {}
        // Disarmed before the queue is taken: a call finishing from here on wakes the loop
        // again, one that finished before is in the batch below.
        self.armed.store(false, Ordering::SeqCst);
        let batch = std::mem::take(&mut *self.ready.lock().unwrap_or_else(PoisonError::into_inner));
        for (future, outcome) in batch {
            let future = future.bind(py);
            if future.call_method0(intern!(py, "done"))?.is_truthy()? {
                continue;
            }
            let value = match outcome.into_py_any(py) {
                Ok(value) => value,
                Err(e) => {
                    Outcome::Panic(format!("cannot convert the answer: {e}")).into_py_any(py)?
                }
            };
            future.call_method1(intern!(py, "set_result"), (value,))?;
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
    let inbox: Py<Inbox> = INBOX_FOR
        .import(py, "portkey_ai._client", "_inbox_for")?
        .call1((&event_loop,))?
        .extract()?;

    let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
    future.call_method1(
        intern!(py, "add_done_callback"),
        (DropCall {
            cancel: Mutex::new(Some(cancel_tx)),
        },),
    )?;

    let handle = future.clone().unbind();
    rt.spawn(async move {
        tokio::select! {
            biased;
            // Cancelled (or the future is gone): dropping `call` here closes its connection.
            _ = cancel_rx => {}
            outcome = call => inbox.get().push(handle, outcome),
        }
    });
    Ok(future)
}
