//! The one tokio runtime behind both the blocking and the asyncio paths, and its fork safety.
//!
//! Why not `pyo3_async_runtimes::tokio`: that module keeps its runtime in a `OnceLock`, so it
//! can never be replaced. After `os.fork()` the child inherits the runtime's memory but none of
//! its worker threads, and every task spawned on it would wait forever. We therefore own the
//! runtime, rebuild it when the process id changes, and plug it into pyo3-async-runtimes
//! through its `generic` traits, so `acall` (asyncio) and `call` (blocking) share it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime as TokioRuntime;

/// A value that belongs to one process: after a fork the child builds its own and leaves the
/// parent's untouched.
///
/// A lock-free pointer rather than a `Mutex`: a fork taken while another thread held a mutex
/// would leave it locked forever in the child.
pub struct ForkLocal<T> {
    slot: AtomicPtr<(u32, T)>,
}

impl<T> ForkLocal<T> {
    pub const fn empty() -> Self {
        ForkLocal {
            slot: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    pub fn new(value: T) -> Self {
        let boxed = Box::new((std::process::id(), value));
        ForkLocal {
            slot: AtomicPtr::new(Box::into_raw(boxed)),
        }
    }

    /// Whether a value exists and belongs to this process (false in a fresh fork).
    pub fn is_current(&self) -> bool {
        // SAFETY: as in `get_or_rebuild`.
        unsafe { self.slot.load(Ordering::Acquire).as_ref() }
            .is_some_and(|(owner, _)| *owner == std::process::id())
    }

    /// The value of the current process, built by `make` on first use and after a fork.
    pub fn get_or_rebuild<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<&T, E> {
        let pid = std::process::id();
        let current = self.slot.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Box::into_raw` and is freed only in `drop`
        // (which needs `&mut self`) or never (values replaced after a fork are leaked).
        if let Some((owner, value)) = unsafe { current.as_ref() } {
            if *owner == pid {
                return Ok(value);
            }
        }
        let fresh = Box::into_raw(Box::new((pid, make()?)));
        match self
            .slot
            .compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire)
        {
            // The replaced value (if any) is the parent's: it is leaked on purpose. Dropping a
            // runtime or a connection pool in the child would deregister the parent's sockets
            // from the epoll instance both processes share, and wait for threads that do not
            // exist here.
            Ok(_) => Ok(unsafe { &(*fresh).1 }),
            Err(winner) => {
                // Another thread of this process won the race: keep its value, drop ours
                // (built here, in this process, and never used).
                drop(unsafe { Box::from_raw(fresh) });
                Ok(unsafe { &(*winner).1 })
            }
        }
    }
}

impl<T> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        let ptr = *self.slot.get_mut();
        if !ptr.is_null() {
            // SAFETY: see `get_or_rebuild`; `&mut self` means no one else holds a reference.
            let boxed = unsafe { Box::from_raw(ptr) };
            if boxed.0 != std::process::id() {
                std::mem::forget(boxed); // the parent's: never touch it in the child
            }
        }
    }
}

// SAFETY: `ForkLocal` hands out `&T` to any thread, like an `Arc<T>` would.
unsafe impl<T: Send + Sync> Sync for ForkLocal<T> {}
unsafe impl<T: Send + Sync> Send for ForkLocal<T> {}

static RUNTIME: ForkLocal<TokioRuntime> = ForkLocal::empty();

/// asyncio tasks spawned on the runtime and not yet finished, completion step included.
///
/// Why: pyo3-async-runtimes hands a result to the event loop from a worker thread holding the
/// GIL, and that step releases and retakes the GIL (the loop's self-pipe write). If the script
/// ends in that window, the interpreter starts finalizing and the worker's retake aborts the
/// process ("PyGILState_Release: thread state ... must be current"). An `atexit` hook
/// (`portkey_ai._client`) waits, with the GIL released, until this count is zero.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Counts one task while alive; a drop guard, so an aborted or panicking task counts down too.
struct InFlight;

impl InFlight {
    fn start() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::AcqRel);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Waits until no asyncio task is in flight or `timeout` passes; true when idle. Called with
/// the GIL released, so the workers can finish handing their results over.
pub fn wait_idle(timeout: Duration) -> bool {
    // A forked child that never called has no runtime of its own; the count is the parent's.
    if !RUNTIME.is_current() {
        return true;
    }
    let deadline = Instant::now() + timeout;
    while IN_FLIGHT.load(Ordering::Acquire) > 0 {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// The runtime of this process, built lazily: importing the module starts no thread.
pub fn get() -> &'static TokioRuntime {
    let built = RUNTIME.get_or_rebuild(|| {
        // A fresh runtime (first use, or a forked child): the parent's tasks are not ours.
        IN_FLIGHT.store(0, Ordering::Release);
        tokio::runtime::Builder::new_multi_thread()
            // Calls are I/O-bound: two workers keep latency low on small machines without a
            // thread per core on big ones.
            .worker_threads(2)
            .thread_name("portkey-io")
            .enable_all()
            .build()
    });
    built.expect("the tokio runtime can be built (threads available)")
}

/// Our runtime, as pyo3-async-runtimes' `generic::future_into_py` wants it.
pub struct PortkeyRuntime;

pub struct TokioJoinError(tokio::task::JoinError);

impl JoinError for TokioJoinError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }
    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

pub struct JoinHandle(tokio::task::JoinHandle<()>);

impl Future for JoinHandle {
    type Output = Result<(), TokioJoinError>;
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map_err(TokioJoinError)
    }
}

impl Runtime for PortkeyRuntime {
    type JoinError = TokioJoinError;
    type JoinHandle = JoinHandle;

    fn spawn<F: Future<Output = ()> + Send + 'static>(fut: F) -> JoinHandle {
        let runtime = get();
        let guard = InFlight::start();
        JoinHandle(runtime.spawn(async move {
            let _guard = guard;
            fut.await
        }))
    }

    fn spawn_blocking<F: FnOnce() + Send + 'static>(f: F) -> JoinHandle {
        let runtime = get();
        let guard = InFlight::start();
        JoinHandle(runtime.spawn_blocking(move || {
            let _guard = guard;
            f()
        }))
    }
}

impl ContextExt for PortkeyRuntime {
    // Task locals let Rust futures await Python coroutines. Ours never call back into Python,
    // so there is nothing to carry: the event loop is captured once by `future_into_py`.
    fn scope<F, R>(_locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(fut)
    }

    fn get_task_locals() -> Option<TaskLocals> {
        None
    }
}
