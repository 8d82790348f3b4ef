//! The tokio runtimes: one per thread for blocking calls, one shared by asyncio calls and
//! streams, and their fork safety.
//!
//! The shared runtime is ours, not a `OnceLock` (as in `pyo3_async_runtimes::tokio`), because
//! it must be replaced after `os.fork()`: the child inherits the runtime's memory but none of
//! its worker threads, and every task spawned on it would wait forever. We rebuild it when the
//! process id changes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::prelude::*;
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

/// The runtime of this process, built lazily: importing the module starts no thread.
pub fn get() -> &'static TokioRuntime {
    let built = RUNTIME.get_or_rebuild(|| {
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

thread_local! {
    /// This thread's own runtime for blocking calls, with the process id it was built in.
    static LOCAL: RefCell<Option<(u32, Rc<TokioRuntime>)>> = const { RefCell::new(None) };
}

/// Runs `future` to its end on this thread, on a single-threaded runtime of its own.
///
/// Why not the shared runtime: with it, the socket's readiness arrives on a worker thread,
/// which must then wake this one, and that hand-off cost more CPU than the HTTP exchange
/// itself. Here this thread waits on the socket itself (the connection is driven by the call:
/// see the core's `pool.rs`), and its pooled connections stay with its runtime. Streams stay
/// on the shared runtime: a `Stream` may be read from another thread than the one that
/// opened it, and only a running runtime delivers its socket's readiness.
///
/// After `fork()` the child's thread finds the parent's runtime, whose epoll instance it
/// shares with the parent: it is leaked, never dropped, and a fresh one is built.
pub fn block_on_here<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    let pid = std::process::id();
    let rt = LOCAL.with(|local| -> std::io::Result<Rc<TokioRuntime>> {
        let mut local = local.borrow_mut();
        if let Some((owner, rt)) = local.as_ref() {
            if *owner == pid {
                return Ok(rt.clone());
            }
        }
        let rt = Rc::new(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
        );
        if let Some(parent) = local.replace((pid, rt.clone())) {
            std::mem::forget(parent);
        }
        Ok(rt)
    })?;
    Ok(rt.block_on(future))
}

/// Whether this is the thread Python runs signal handlers on (`threading.main_thread()`),
/// asked once per thread. Only there is waiting for Ctrl-C worth a wake-up.
pub fn is_main_thread(py: Python<'_>) -> bool {
    thread_local! {
        static MAIN: Cell<Option<bool>> = const { Cell::new(None) };
    }
    MAIN.with(|main| {
        main.get().unwrap_or_else(|| {
            let answer = (|| -> PyResult<bool> {
                let threading = py.import("threading")?;
                let main = threading.call_method0("main_thread")?.getattr("ident")?;
                main.eq(threading.call_method0("get_ident")?)
            })()
            .unwrap_or(false);
            main.set(Some(answer));
            answer
        })
    })
}
