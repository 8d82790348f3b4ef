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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use portkey::batches::Batches;
use portkey::{Error, EventStream};
use pyo3::prelude::*;
use tokio::sync::{Mutex, Notify};

use crate::outcome::{panic_message, CatchPanic, Outcome};
use crate::{bridge, interruptible, runtime};

/// What `NativeStream` and its in-flight reads share.
struct Shared {
    /// The stream, read a batch at a time (`portkey::batches`: one crossing carries every
    /// event already received). An async mutex: a read holds it across its await.
    stream: Mutex<Batches>,
    closed: AtomicBool,
    /// Wakes a read in flight when `close()` is called.
    closing: Notify,
}

impl Shared {
    /// The next events (at least one), `End` at the end (or once closed), or the failure;
    /// see `Batches::next`.
    async fn next(&self) -> Outcome {
        // Created before the flag is read, so a `close()` in between is not missed.
        let closing = self.closing.notified();
        let mut closing = std::pin::pin!(closing);
        closing.as_mut().enable();
        if self.closed.load(Ordering::Acquire) {
            return Outcome::End;
        }
        let mut batches = self.stream.lock().await;
        let read = if self.closed.load(Ordering::Acquire) {
            None
        } else {
            tokio::select! {
                biased;
                () = &mut closing => None,
                read = batches.next() => Some(read),
            }
        };
        // Closed before or during the read: the stream ends now (`close`'s `try_lock` could
        // not drop it while the read held the lock).
        if self.closed.load(Ordering::Acquire) {
            batches.close();
            return Outcome::End;
        }
        match read {
            Some(Ok(Some(events))) => Outcome::Events(events),
            Some(Ok(None)) | None => Outcome::End,
            Some(Err(e)) => Outcome::Err(e),
        }
    }

    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.closing.notify_waiters();
        // When a read holds the lock, it sees the notification and drops the stream itself.
        if let Ok(mut batches) = self.stream.try_lock() {
            batches.close();
        }
    }
}

/// An open event stream; see the module docs. `frozen`: every method takes `&self`, from any
/// thread, and the state is behind the mutex.
#[pyclass(frozen, module = "portkey_ai._native")]
pub struct NativeStream {
    shared: Arc<Shared>,
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
            shared: Arc::new(Shared {
                stream: Mutex::new(Batches::new(stream)),
                closed: AtomicBool::new(false),
                closing: Notify::new(),
            }),
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
                    rt.block_on(interruptible(shared.next()))
                } else {
                    Ok(rt.block_on(shared.next()))
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
            shared.next().await
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
        self.shared.closed.load(Ordering::Acquire)
            || self
                .shared
                .stream
                .try_lock()
                .map(|batches| batches.is_closed())
                .unwrap_or(false)
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
