//! Per-connection timeouts. hyper 1.x has `header_read_timeout`, but its timer starts
//! whenever hyper begins waiting for a request head, and on a keep-alive connection that
//! is right after the previous answer: the idle wait counts as header time, so hyper
//! cannot give a short header limit and a longer idle one. Instead each connection
//! records which phase it is in (bytes seen by its IO, requests seen by the service) and
//! a watchdog closes it when a phase outlasts its limit, or at once when
//! `POST /__mock/close-idle` finds it idle (see `registry`).

use crate::options::ServerOptions;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request head to complete, since the given moment (its first byte,
    /// or connecting): the header timeout runs.
    Head(Instant),
    /// No request in progress since the given moment (the last answer was handed to
    /// hyper): the idle timeout runs.
    Idle(Instant),
    /// A request is being handled: no limit here, so `delay_ms` faults can take as long
    /// as asked (its body read has its own limit in the server).
    Busy,
    /// Idle and told to close: the watchdog ends the connection at once, and a request
    /// that still slips in is dropped unread.
    Closing,
}

/// The connection's side of the phase record, shared by its IO and its service.
#[derive(Debug, Clone)]
pub struct Tracker(Arc<watch::Sender<Phase>>);

/// Marks the connection busy until dropped, i.e. for as long as a request is handled,
/// whichever way that ends.
pub struct Busy(Tracker);

impl Tracker {
    /// Marks the connection busy; `None` if it is closing, when the request must be
    /// dropped unread, as if it had arrived after the close.
    pub fn busy(&self) -> Option<Busy> {
        let mut closing = false;
        self.0.send_if_modified(|phase| {
            closing = *phase == Phase::Closing;
            *phase = if closing { Phase::Closing } else { Phase::Busy };
            !closing
        });
        (!closing).then(|| Busy(self.clone()))
    }

    /// A handle that does not keep the connection's record alive.
    pub fn downgrade(&self) -> WeakTracker {
        WeakTracker(Arc::downgrade(&self.0))
    }

    /// The first bytes after an idle stretch start the header timer; bytes read while a
    /// request is handled (its body, a pipelined next request) change nothing.
    fn bytes_arrived(&self) {
        self.0.send_if_modified(|phase| match phase {
            Phase::Idle(_) => {
                *phase = Phase::Head(Instant::now());
                true
            }
            _ => false,
        });
    }
}

/// What the registry of open connections keeps of each.
#[derive(Debug)]
pub struct WeakTracker(Weak<watch::Sender<Phase>>);

impl WeakTracker {
    /// If the connection is idle, marks it closing and returns a future that completes once
    /// its socket is closed; `None` if it is busy, in a request head, or already gone.
    ///
    /// The phase changes under the channel's lock, so a request cannot start in between:
    /// either it made the connection busy first (and it is left alone) or it is dropped
    /// unread (`Tracker::busy`). A next request still on its way (sent, not yet read) is
    /// lost with the connection, as with any server closing an idle connection.
    pub fn close_if_idle(&self) -> Option<impl Future<Output = ()>> {
        let sender = self.0.upgrade()?;
        let marked = sender.send_if_modified(|phase| match phase {
            Phase::Idle(_) => {
                *phase = Phase::Closing;
                true
            }
            _ => false,
        });
        if !marked {
            return None;
        }
        let mut phases = sender.subscribe();
        // The sender goes with the connection's last `Tracker`, the one in `Watched`, which
        // is dropped after its socket: once it is gone, the socket is closed.
        drop(sender);
        Some(async move { while phases.changed().await.is_ok() {} })
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0 .0.send_replace(Phase::Idle(Instant::now()));
    }
}

/// A new connection's tracker and its watchdog, a future that completes when the
/// connection has overstayed a limit (the caller then drops the connection, closing it).
pub fn watch(options: ServerOptions) -> (Tracker, impl std::future::Future<Output = ()>) {
    let (sender, receiver) = watch::channel(Phase::Head(Instant::now()));
    (Tracker(Arc::new(sender)), watchdog(receiver, options))
}

async fn watchdog(mut phases: watch::Receiver<Phase>, options: ServerOptions) {
    loop {
        let phase = *phases.borrow_and_update();
        // `checked_add`: an absurdly long limit simply means no limit.
        let deadline = match phase {
            Phase::Head(since) => since.checked_add(options.header_timeout),
            Phase::Idle(since) => since.checked_add(options.idle_timeout),
            Phase::Busy => None,
            Phase::Closing => return,
        };
        let expired = async move {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = expired => return,
            changed = phases.changed() => {
                // Every sender gone means the connection is already finished.
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// The socket, reporting to the tracker whenever bytes arrive.
pub struct Watched<T> {
    // Declared first so it is dropped (closed) before `tracker`: `close_if_idle` relies on it.
    inner: T,
    tracker: Tracker,
}

impl<T> Watched<T> {
    pub fn new(inner: T, tracker: Tracker) -> Self {
        Watched { inner, tracker }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.tracker.bytes_arrived();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn options(header_ms: u64, idle_ms: u64) -> ServerOptions {
        ServerOptions {
            header_timeout: Duration::from_millis(header_ms),
            idle_timeout: Duration::from_millis(idle_ms),
        }
    }

    /// Sets up a connection's phase with `script`, then reports how long its watchdog
    /// took to fire, or `None` if it had not fired after 600 ms. (Real time: paused time
    /// would need tokio's `test-util` feature, and with it a second tokio build.)
    async fn fired_after(
        options: ServerOptions,
        script: impl FnOnce(&Tracker),
    ) -> Option<Duration> {
        let started = Instant::now();
        let (tracker, watchdog) = watch(options);
        script(&tracker);
        tokio::time::timeout(Duration::from_millis(600), watchdog)
            .await
            .ok()
            .map(|()| started.elapsed())
    }

    fn within(fired: Option<Duration>, low_ms: u64) -> bool {
        fired.is_some_and(|d| d >= Duration::from_millis(low_ms))
    }

    #[tokio::test]
    async fn new_connection_gets_the_header_timeout() {
        assert!(within(fired_after(options(150, 60_000), |_| {}).await, 150));
    }

    #[tokio::test]
    async fn busy_never_fires() {
        let busy = fired_after(options(50, 50), |t| std::mem::forget(t.busy())).await;
        assert_eq!(busy, None);
    }

    #[tokio::test]
    async fn idle_gets_the_idle_timeout() {
        let idle = fired_after(options(60_000, 150), |t| drop(t.busy())).await;
        assert!(within(idle, 150), "{idle:?}");
    }

    #[tokio::test]
    async fn bytes_after_idle_switch_to_the_header_timeout() {
        let partial_head = fired_after(options(150, 60_000), |t| {
            drop(t.busy());
            t.bytes_arrived();
        })
        .await;
        assert!(within(partial_head, 150), "{partial_head:?}");
        // Bytes while busy (a request body) do not start any timer.
        let body = fired_after(options(50, 50), |t| {
            std::mem::forget(t.busy());
            t.bytes_arrived();
        })
        .await;
        assert_eq!(body, None);
    }

    #[tokio::test]
    async fn close_if_idle_closes_only_idle_connections_and_waits_for_the_close() {
        let forever = options(60_000, 60_000);
        let (tracker, watchdog) = watch(forever);
        let weak = tracker.downgrade();
        // A new connection is waiting for its first head, not idle.
        assert!(weak.close_if_idle().is_none());
        let busy = tracker.busy().expect("not closing");
        assert!(weak.close_if_idle().is_none());
        drop(busy);
        let closed = weak.close_if_idle().expect("idle");
        // Fires at once, whatever the limits.
        tokio::time::timeout(Duration::from_secs(5), watchdog)
            .await
            .expect("the watchdog fires");
        // A request arriving now is refused, and the connection is not closed twice.
        assert!(tracker.busy().is_none());
        assert!(weak.close_if_idle().is_none());
        // Done only once the connection's last tracker (its socket's) is gone.
        let mut closed = Box::pin(closed);
        let pending = tokio::time::timeout(Duration::from_millis(50), closed.as_mut()).await;
        assert!(pending.is_err());
        drop(tracker);
        tokio::time::timeout(Duration::from_secs(5), closed)
            .await
            .expect("done once the tracker is dropped");
    }

    #[tokio::test]
    async fn absurd_limits_mean_no_limit() {
        let forever = ServerOptions {
            header_timeout: Duration::MAX,
            idle_timeout: Duration::MAX,
        };
        assert_eq!(fired_after(forever, |_| {}).await, None);
    }
}
