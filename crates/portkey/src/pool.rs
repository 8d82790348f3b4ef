//! Keep-alive connections, driven by the call that uses them.
//!
//! hyper-util's pooled client spawns one task per connection: every call then crosses from the
//! caller's task to the connection's and back, and on a multi-threaded runtime these two tasks
//! often run on different threads. Those hand-offs (futex wake-ups) cost more CPU than the
//! HTTP exchange itself. Here a connection is a plain value: the call that checks it out polls
//! it (`Conn::drive`), and the response body keeps polling it until the answer is read, then
//! puts it back (see `transport.rs`).
//!
//! The price is that an idle connection is polled by no one, so a close by the server while
//! it sits here goes unseen until the next checkout. `checkout` therefore asks the socket
//! itself (a non-blocking peek) whether the server has closed it or sent anything unasked, and
//! drops such a connection instead of writing a request into it. A request that hyper never
//! wrote (the connection turned out not ready) is handed back and sent on another connection.
//!
//! Connections are kept per tokio runtime: a socket is registered with the reactor of the
//! runtime that opened it, and only that runtime delivers its readiness (a current-thread
//! runtime does so only while a thread runs it).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_rustls::MaybeHttpsStream;

use crate::proxy::ProxiedIo;

/// The socket under TLS (when https) and the proxy logic.
pub(crate) type Io = MaybeHttpsStream<ProxiedIo>;

/// Idle connections kept per runtime and origin; more are closed when returned.
const MAX_IDLE_PER_KEY: usize = 32;
/// An idle connection older than this is closed rather than reused (servers drop idle
/// connections after a while; nginx's default is 75 s).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// One HTTP/1.1 connection: the handle that sends requests and the state machine that does
/// the I/O, which only makes progress when polled.
pub(crate) struct Conn {
    pub(crate) sender: SendRequest<Full<Bytes>>,
    driver: Pin<Box<Connection<Io, Full<Bytes>>>>,
    /// Set once the state machine has finished (the connection is closed); it must not be
    /// polled again.
    finished: Option<Result<(), String>>,
    /// Requests on a connection to an HTTP proxy carry the absolute URL.
    pub(crate) absolute_form: bool,
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
    idle_since: Instant,
}

impl Conn {
    pub(crate) fn new(
        sender: SendRequest<Full<Bytes>>,
        driver: Connection<Io, Full<Bytes>>,
        absolute_form: bool,
        #[cfg(unix)] fd: std::os::fd::RawFd,
    ) -> Self {
        Conn {
            sender,
            driver: Box::pin(driver),
            finished: None,
            absolute_form,
            #[cfg(unix)]
            fd,
            idle_since: Instant::now(),
        }
    }

    /// Lets the connection do its I/O (write the request, read the answer into the body's
    /// channel). Returns the connection's error once, when it fails.
    pub(crate) fn poll_io(&mut self, cx: &mut Context<'_>) -> Option<String> {
        if self.finished.is_some() {
            return None;
        }
        match self.driver.as_mut().poll(cx) {
            Poll::Pending => None,
            Poll::Ready(result) => {
                let error = result.as_ref().err().map(|e| crate::transport::chain(e));
                self.finished = Some(result.map_err(|e| e.to_string()));
                error
            }
        }
    }

    /// Drives the connection while `future` (a response, or a body frame) is awaited.
    pub(crate) async fn drive<F: Future + Unpin>(&mut self, mut future: F) -> F::Output {
        std::future::poll_fn(|cx| {
            // The connection first: it writes the request and feeds the response channel.
            self.poll_io(cx);
            Pin::new(&mut future).poll(cx)
        })
        .await
    }

    /// Whether this idle connection can take a request now.
    fn usable(&mut self) -> bool {
        if self.idle_since.elapsed() > IDLE_TIMEOUT || !self.socket_is_quiet() {
            return false;
        }
        // The state machine flags that it wants the next request only when polled after the
        // last answer; no real waker is needed for that, the call polls it again at once.
        self.poll_io(&mut Context::from_waker(Waker::noop()));
        self.finished.is_none() && self.sender.is_ready()
    }

    /// An idle connection has nothing to read: bytes or an end of stream mean the server has
    /// closed it (or is about to: an unasked 408, a TLS close_notify). Asked of the socket
    /// directly, since the reactor's readiness for it may not have been delivered yet. A TLS
    /// server that sent something harmless while the connection sat idle (a late session
    /// ticket) only costs a new connection: this errs towards never writing into a dead one.
    #[cfg(unix)]
    fn socket_is_quiet(&self) -> bool {
        let mut byte = 0u8;
        // SAFETY: `fd` is the connection's own socket, open as long as `self` is; a one-byte
        // buffer on the stack; MSG_PEEK leaves any data in place, MSG_DONTWAIT never blocks.
        let n = unsafe {
            libc::recv(
                self.fd,
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        n < 0 && {
            let err = std::io::Error::last_os_error();
            err.kind() == std::io::ErrorKind::WouldBlock
        }
    }

    #[cfg(not(unix))]
    fn socket_is_quiet(&self) -> bool {
        true
    }
}

/// Where a connection goes: the runtime whose reactor owns its socket, and the origin.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    runtime: tokio::runtime::Id,
    origin: String,
}

impl Key {
    /// The key for `origin` (`scheme://authority`) on the runtime running the caller.
    pub(crate) fn here(origin: &str) -> Key {
        Key {
            runtime: tokio::runtime::Handle::current().id(),
            origin: origin.to_owned(),
        }
    }
}

/// Idle connections of one process.
pub(crate) struct Idle {
    /// The process they belong to (`process_generation`).
    owner: u64,
    pub(crate) by_key: HashMap<Key, Vec<Conn>>,
}

/// A number that changes in a forked child and nowhere else: a `pthread_atfork` hook bumps it,
/// so telling a child from its parent costs an atomic load rather than a `getpid` system call
/// on every checkout.
#[cfg(unix)]
fn process_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Once;
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    static HOOK: Once = Once::new();
    extern "C" fn forked() {
        GENERATION.fetch_add(1, Ordering::SeqCst);
    }
    HOOK.call_once(|| {
        // SAFETY: registers a child-side hook that only touches an atomic (async-signal-safe).
        unsafe { libc::pthread_atfork(None, None, Some(forked)) };
    });
    GENERATION.load(Ordering::SeqCst)
}

#[cfg(not(unix))]
fn process_generation() -> u64 {
    0
}

/// The idle connections of one transport.
pub(crate) struct Pool {
    idle: Mutex<Idle>,
}

impl Pool {
    pub(crate) fn new() -> Self {
        Pool {
            idle: Mutex::new(Idle {
                owner: process_generation(),
                by_key: HashMap::new(),
            }),
        }
    }

    /// The most recently used connection for `key` that can take a request now, if any.
    pub(crate) fn checkout(&self, key: &Key) -> Option<Conn> {
        loop {
            let mut conn = self.with_idle(|idle| idle.by_key.get_mut(key).and_then(Vec::pop))??;
            if conn.usable() {
                return Some(conn);
            }
            // Dropped here: a closed or unusable connection is closed on our side too.
        }
    }

    /// Returns a connection whose last answer was read to its end.
    pub(crate) fn put(&self, key: Key, mut conn: Conn) {
        if conn.finished.is_some() || conn.sender.is_closed() {
            return;
        }
        conn.idle_since = Instant::now();
        let surplus = self.with_idle(|idle| {
            if let Some(list) = idle.by_key.get_mut(&key) {
                if list.len() >= MAX_IDLE_PER_KEY {
                    return Some(conn);
                }
                list.push(conn);
                return None;
            }
            // A new key, often a new runtime: the connections of runtimes that are gone are
            // never checked out again, so those idle too long are closed now.
            idle.by_key.retain(|_, list| {
                list.retain(|c| c.idle_since.elapsed() <= IDLE_TIMEOUT);
                !list.is_empty()
            });
            idle.by_key.insert(key, vec![conn]);
            None
        });
        // Outside the lock: closing a socket is a system call.
        drop(surplus);
    }

    /// Runs `f` on this process's idle connections; `None` when the lock cannot be had.
    ///
    /// After `fork()` the child finds the parent's connections here: their sockets are
    /// shared with the parent and registered in the parent's epoll instance, so they are
    /// forgotten, never closed or deregistered (that would break the parent's). The lock is
    /// only tried, a bounded number of times: a fork taken while another thread held it leaves
    /// it locked forever in the child, which then simply keeps no idle connections.
    pub(crate) fn with_idle<R>(&self, f: impl FnOnce(&mut Idle) -> R) -> Option<R> {
        for _ in 0..1000 {
            match self.idle.try_lock() {
                Ok(mut idle) => {
                    let generation = process_generation();
                    if idle.owner != generation {
                        std::mem::forget(std::mem::take(&mut idle.by_key));
                        idle.owner = generation;
                    }
                    return Some(f(&mut idle));
                }
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    // A panic while the lock was held left at worst a half-edited list.
                    self.idle.clear_poison();
                    drop(poisoned);
                }
                Err(std::sync::TryLockError::WouldBlock) => std::thread::yield_now(),
            }
        }
        None
    }
}
