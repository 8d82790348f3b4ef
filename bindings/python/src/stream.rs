//! `NativeStream`: an open server-sent-events answer (`portkey::EventStream`), read one event
//! at a time by `portkey_ai._streaming.Stream` (blocking, GIL released) or `AsyncStream`
//! (asyncio, through `bridge.rs`).
//!
//! - Pull-based: nothing is read from the connection until Python asks for the next event, so
//!   a slow consumer leaves the rest of the answer in the socket (backpressure).
//! - Closing: `close()` drops the core stream, which closes its connection; a `next` in
//!   flight (another thread, or an awaiting coroutine) wakes up and ends as the end of the
//!   stream. Dropping the last reference (garbage collection of the Python object, once no
//!   `anext` is in flight) closes it too.
//! - Fork safety, as for the client (`runtime::ForkLocal`): a stream opened before `os.fork()`
//!   belongs to the parent's runtime and connection. In the child, `next` answers an
//!   `APIConnectionError` and nothing of it is ever dropped (dropping it would close the
//!   parent's socket, which the child shares).
//! - Errors cross as data, like a call's outcome; panics become `PortkeyError`.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use portkey::batches::SharedBatches;
use portkey::{Error, EventStream};
use pyo3::prelude::*;

use crate::outcome::{panic_message, CatchPanic, Outcome};
use crate::{bridge, interruptible, runtime};

/// A read as Python gets it: the events (at least one), the end (or a closed stream), or
/// the failure.
async fn read(batches: &SharedBatches) -> Outcome {
    match batches.next().await {
        Ok(Some(events)) => Outcome::Events(events),
        Ok(None) => Outcome::End,
        Err(e) => Outcome::Err(e),
    }
}

/// An open event stream; see the module docs. `frozen`: every method takes `&self`, from any
/// thread, and the state is behind the mutex.
#[pyclass(frozen, module = "portkey_ai._native")]
pub struct NativeStream {
    /// The stream, read a batch at a time (`portkey::batches`: one crossing carries every
    /// event already received).
    shared: Arc<SharedBatches>,
    /// The process that opened it (see the module docs on fork safety).
    pid: u32,
    status: u16,
    headers: Vec<(String, String)>,
}

impl NativeStream {
    pub fn new(stream: EventStream) -> Self {
        let status = stream.status();
        let headers = stream.headers().to_vec();
        NativeStream {
            shared: Arc::new(SharedBatches::new(stream)),
            pid: std::process::id(),
            status,
            headers,
        }
    }

    fn forked(&self) -> bool {
        self.pid != std::process::id()
    }

    fn forked_error() -> Outcome {
        Outcome::Err(Error::Connection {
            message: "this stream was opened by the parent process before a fork; open a new one \
                      in this process"
                .to_owned(),
        })
    }
}

impl Drop for NativeStream {
    fn drop(&mut self) {
        if self.forked() {
            // The parent's: leak it rather than close a socket both processes share.
            std::mem::forget(self.shared.clone());
        }
    }
}

#[pymethods]
impl NativeStream {
    /// The next events as a list (see `outcome.rs`: every event already received, at least
    /// one), `None` at the end of the stream (or once closed), or a failure outcome, after
    /// which the stream is closed; a failure that follows events is answered by the next call. Blocks with the GIL released; on the
    /// main thread, Ctrl-C interrupts it (KeyboardInterrupt) as it does a call.
    fn next<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.forked() {
            return Self::forked_error().into_pyobject(py);
        }
        let signals = runtime::is_main_thread(py);
        let shared = self.shared.clone();
        let outcome = py.detach(|| {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                let rt = runtime::get();
                if signals {
                    rt.block_on(interruptible(read(&shared)))
                } else {
                    Ok(rt.block_on(read(&shared)))
                }
            }))
            .unwrap_or_else(|payload| Ok(Outcome::Panic(panic_message(payload))))
        })?;
        outcome.into_pyobject(py)
    }

    /// Like `next`, as an asyncio future of the running loop. Cancelling it drops the read
    /// (the stream stays open; `close()` closes it).
    fn anext<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let forked = self.forked();
        let shared = self.shared.clone();
        let future = async move {
            if forked {
                // Never touch the parent's stream (not even its lock) in the child.
                std::mem::forget(shared);
                return NativeStream::forked_error();
            }
            read(&shared).await
        };
        bridge::future_into_py(py, CatchPanic(Box::pin(future)))
    }

    /// Closes the stream (its connection); idempotent, never blocks. A read in flight ends as
    /// the end of the stream.
    fn close(&self) {
        if !self.forked() {
            self.shared.close();
        }
    }

    /// Whether `close()` was called or the stream ended.
    #[getter]
    fn closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// The HTTP status of the answer (2xx).
    #[getter]
    fn status(&self) -> u16 {
        self.status
    }

    /// The answer's headers, a `name: value` line each (lower-case names).
    #[getter]
    fn headers(&self) -> String {
        portkey::header_lines(&self.headers)
    }

    fn __repr__(&self) -> String {
        format!(
            "NativeStream(status={}, closed={})",
            self.status,
            self.closed()
        )
    }
}
