//! `Batches`: an `EventStream` read a batch at a time, for the bindings. Each crossing into
//! Python or JS (a thread hand-off, a Promise) cost more than parsing an event, so one read
//! hands over the first event, awaited, and every further one already received: 1,000 events
//! arriving together cross in a few reads instead of 1,000. Only what already arrived is taken,
//! so a slow consumer still leaves the rest of the answer in the socket.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use tokio::sync::{Mutex, Notify};

use crate::error::{Error, Result};
use crate::stream::EventStream;

/// The most event data one read hands over (about one socket read), and the most events.
pub const BATCH_BYTES: usize = 64 * 1024;
pub const BATCH_EVENTS: usize = 1024;
/// The first read's byte limit, doubled at each read up to `BATCH_BYTES`: the first event
/// reaches the caller without waiting for 64 KiB of others to be parsed (measured in Node on
/// 1,000 events arriving at once: +0.25 ms to the first event with a 64 KiB first batch).
pub const FIRST_BATCH_BYTES: usize = 4 * 1024;

#[derive(Debug)]
pub struct Batches {
    /// `None` once closed, ended or failed.
    stream: Option<EventStream>,
    /// A failure met after the first event of a batch: the next read answers it, so that the
    /// events before it are delivered first.
    failed: Option<Error>,
    /// This read's byte limit (see `FIRST_BATCH_BYTES`).
    limit: usize,
}

impl Batches {
    pub fn new(stream: EventStream) -> Self {
        Batches {
            stream: Some(stream),
            failed: None,
            limit: FIRST_BATCH_BYTES,
        }
    }

    /// The data of the next events (at least one), `Ok(None)` at the end of the stream (or
    /// once closed), or the failure, after which the stream is closed. The end or a failure
    /// drops the stream at once (its connection goes back to the pool, or is closed).
    ///
    /// Cancel-safe: dropped while it waits for the first event, it has taken nothing; once
    /// that event is in, it completes without waiting again.
    pub async fn next(&mut self) -> Result<Option<Vec<String>>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let mut batch = match stream.next_event().await {
            Some(Ok(event)) => vec![event.data],
            Some(Err(e)) => {
                self.stream = None;
                return Err(e);
            }
            None => {
                self.stream = None;
                return Ok(None);
            }
        };
        let ended = ready_events(stream, &mut batch, self.limit).await;
        self.limit = (self.limit * 2).min(BATCH_BYTES);
        if let Some(result) = ended {
            self.stream = None;
            self.failed = result.err();
        }
        Ok(Some(batch))
    }

    /// Closes the stream (its connection); later reads answer the end. Idempotent.
    pub fn close(&mut self) {
        self.stream = None;
        self.failed = None;
    }

    /// Whether nothing more can be read: closed, ended, or failed with the failure delivered.
    pub fn is_closed(&self) -> bool {
        self.stream.is_none() && self.failed.is_none()
    }
}

/// `Batches` as the bindings' stream objects hold them: read by one task at a time (a read
/// holds the lock across its await), closed from any thread without waiting. `close()` wakes
/// a read in flight, which then ends as the end of the stream.
#[derive(Debug)]
pub struct SharedBatches {
    reader: Mutex<Batches>,
    closed: AtomicBool,
    closing: Notify,
}

impl SharedBatches {
    pub fn new(stream: EventStream) -> Self {
        SharedBatches {
            reader: Mutex::new(Batches::new(stream)),
            closed: AtomicBool::new(false),
            closing: Notify::new(),
        }
    }

    /// The next events' data (at least one), `Ok(None)` at the end or once closed, or the
    /// failure; see `Batches::next`.
    pub async fn next(&self) -> Result<Option<Vec<String>>> {
        // Created before the flag is read, so a `close()` in between is not missed.
        let mut closing = pin!(self.closing.notified());
        closing.as_mut().enable();
        if self.closed.load(Ordering::Acquire) {
            return Ok(None);
        }
        let mut reader = self.reader.lock().await;
        let read = if self.closed.load(Ordering::Acquire) {
            None
        } else {
            tokio::select! {
                biased;
                () = &mut closing => None,
                read = reader.next() => Some(read),
            }
        };
        // Closed before or during the read: the stream ends now (`close`'s `try_lock` could
        // not drop it while the read held the lock).
        if self.closed.load(Ordering::Acquire) {
            reader.close();
            return Ok(None);
        }
        read.unwrap_or(Ok(None))
    }

    /// Closes the stream (its connection); idempotent, never waits.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.closing.notify_waiters();
        // When a read holds the lock, it sees the flag and drops the stream itself.
        if let Ok(mut reader) = self.reader.try_lock() {
            reader.close();
        }
    }

    /// Whether `close()` was called or the stream ended (as far as can be told without
    /// waiting for a read in flight).
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
            || self
                .reader
                .try_lock()
                .map(|reader| reader.is_closed())
                .unwrap_or(false)
    }
}

/// Adds to `batch` the events `stream` yields without waiting, up to `limit` bytes of data (and
/// `BATCH_EVENTS` events). Returns how the stream ended (`Ok` at its end, `Err` on a failure)
/// if it did.
///
/// A stream that has nothing more starts its wait for the next event here (the core arms the
/// timeout as it finds the connection empty), so the timeout counts from the last event
/// received rather than from the next read: the same for a consumer that asks promptly, and
/// never a shorter gap than the server really left.
async fn ready_events(
    stream: &mut EventStream,
    batch: &mut Vec<String>,
    limit: usize,
) -> Option<Result<()>> {
    let mut bytes = batch.iter().map(String::len).sum::<usize>();
    poll_fn(|cx| loop {
        if bytes >= limit || batch.len() >= BATCH_EVENTS {
            return Poll::Ready(None);
        }
        match pin!(stream.next_event()).poll(cx) {
            Poll::Ready(Some(Ok(event))) => {
                bytes += event.data.len();
                batch.push(event.data);
            }
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => return Poll::Ready(Some(Ok(()))),
            Poll::Pending => return Poll::Ready(None),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;
    use crate::transport::{BodyStream, TransportError};

    /// A stream whose body arrives as `chunks`, then fails if `cut`, else ends.
    fn events(chunks: Vec<String>, cut: bool) -> Batches {
        let mut items: Vec<std::result::Result<Bytes, TransportError>> =
            chunks.into_iter().map(|c| Ok(Bytes::from(c))).collect();
        if cut {
            items.push(Err(TransportError::Io("connection reset".to_owned())));
        }
        let body: BodyStream = Box::pin(futures::stream::iter(items));
        Batches::new(EventStream::new(200, vec![], body, Duration::from_secs(5)))
    }

    fn data(n: usize, from: usize) -> String {
        (from..from + n)
            .map(|i| format!("data: {{\"i\":{i}}}\n\n"))
            .collect()
    }

    #[tokio::test]
    async fn what_arrived_together_is_read_together_the_first_read_small() {
        let mut b = events(vec![data(1000, 0)], false);
        let mut seen = 0;
        let mut sizes = Vec::new();
        while let Some(batch) = b.next().await.unwrap() {
            for event in &batch {
                assert_eq!(*event, format!("{{\"i\":{seen}}}"));
                seen += 1;
            }
            sizes.push(batch.len());
        }
        assert_eq!(seen, 1000);
        // 4 KiB of ~8-byte events first, then larger reads, never one per event.
        assert!(sizes[0] > 100 && sizes[0] < 1000, "{sizes:?}");
        assert!(sizes.len() <= 4, "{sizes:?}");
        assert!(b.is_closed());
        assert!(b.next().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_failure_after_events_is_answered_by_the_next_read() {
        let mut b = events(vec![data(3, 0)], true);
        assert_eq!(b.next().await.unwrap().unwrap().len(), 3);
        assert!(!b.is_closed());
        assert!(matches!(b.next().await, Err(Error::Connection { .. })));
        assert!(b.is_closed());
        assert!(b.next().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_close_from_elsewhere_ends_a_read_in_flight() {
        // A body that never sends anything: the read waits until `close` wakes it.
        let body: BodyStream = Box::pin(futures::stream::pending());
        let shared = std::sync::Arc::new(SharedBatches::new(EventStream::new(
            200,
            vec![],
            body,
            Duration::from_secs(60),
        )));
        let reading = tokio::spawn({
            let shared = shared.clone();
            async move { shared.next().await }
        });
        tokio::task::yield_now().await;
        assert!(!shared.is_closed());
        shared.close();
        assert!(reading.await.unwrap().unwrap().is_none());
        assert!(shared.is_closed());
        assert!(shared.next().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn close_drops_what_is_left() {
        let mut b = events(vec![data(3, 0), data(3, 3)], true);
        assert!(b.next().await.unwrap().is_some());
        b.close();
        assert!(b.is_closed());
        assert!(b.next().await.unwrap().is_none());
    }
}
