//! Everything the server remembers: the stored objects and audit log, the queued faults,
//! the log of API requests and the open connections. Each sits behind its own mutex, held
//! only briefly and never across an await, so one lock per concern is simpler than
//! anything finer.

use crate::engine::store::Stores;
use crate::faults::FaultQueue;
use crate::fixtures::Fixtures;
use crate::registry::Connections;
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// One API request as received, for `GET /__mock/requests`.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// Which request this is, to fill in its body once read.
    #[serde(skip)]
    pub seq: u64,
    pub method: String,
    /// Still percent-encoded, exactly as on the request line.
    pub path: String,
    pub query: String,
    /// The body parsed as JSON; `null` if there was none, it was not JSON, or it has not
    /// been read (yet: a dropped connection).
    pub body: Value,
    pub user_agent: Option<String>,
    pub api_key_present: bool,
    /// Which connection carried it: connections are numbered from 1 as they are accepted.
    pub connection: u64,
    /// For a server-sent events answer: how it went, updated as it goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamLog>,
}

/// How a server-sent events answer went (`stream` in `GET /__mock/requests`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StreamLog {
    /// Events written (`[DONE]` and injected error or malformed events included).
    pub events_sent: u64,
    /// The stream was written to its end (`[DONE]`, or the end after an injected error).
    pub finished: bool,
    /// The client went away before the end: a write failed, or the connection closed.
    pub client_closed: bool,
}

/// The whole state of one mock server; `serve` shares it between connections.
#[derive(Debug)]
pub struct MockState {
    /// What `POST /__mock/reset` goes back to.
    initial: Stores,
    stores: Mutex<Stores>,
    faults: Mutex<FaultQueue>,
    requests: Mutex<Vec<LoggedRequest>>,
    next_seq: AtomicU64,
    /// Not reset: connections outlive resets.
    connections: Arc<Connections>,
}

impl MockState {
    /// A state preloaded with `fixtures`; fails with a readable message if a fixture
    /// object is unusable (not an object, no id or slug, duplicates, a member of no
    /// workspace).
    pub fn new(fixtures: &Fixtures) -> Result<MockState, String> {
        let initial = fixtures.to_stores()?;
        Ok(MockState {
            stores: Mutex::new(initial.clone()),
            initial,
            faults: Mutex::default(),
            requests: Mutex::default(),
            next_seq: AtomicU64::new(0),
            connections: Arc::default(),
        })
    }

    /// Started log exports finish after `delay` (default
    /// 500 ms); kept across resets.
    #[must_use]
    pub fn with_export_delay(mut self, delay: Duration) -> MockState {
        self.initial.env.export_delay = delay;
        self.stores().env.export_delay = delay;
        self
    }

    pub(crate) fn stores(&self) -> MutexGuard<'_, Stores> {
        lock(&self.stores)
    }

    /// Logs a request as it arrives (its body is not read yet); returns its number for
    /// [`MockState::log_body`].
    pub(crate) fn log(&self, mut entry: LoggedRequest) -> u64 {
        entry.seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let seq = entry.seq;
        self.requests().push(entry);
        seq
    }

    /// Records the body of logged request `seq`, unless the log was cleared since.
    pub(crate) fn log_body(&self, seq: u64, body: &[u8]) {
        let parsed = serde_json::from_slice(body).unwrap_or(Value::Null);
        if let Some(entry) = self.requests().iter_mut().rev().find(|e| e.seq == seq) {
            entry.body = parsed;
        }
    }

    /// Updates the stream record of logged request `seq`, unless the log was cleared since.
    pub(crate) fn log_stream(&self, seq: u64, update: impl FnOnce(&mut StreamLog)) {
        if let Some(entry) = self.requests().iter_mut().rev().find(|e| e.seq == seq) {
            update(entry.stream.get_or_insert_with(StreamLog::default));
        }
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    pub(crate) fn connections(&self) -> &Arc<Connections> {
        &self.connections
    }

    pub(crate) fn requests(&self) -> MutexGuard<'_, Vec<LoggedRequest>> {
        lock(&self.requests)
    }

    pub(crate) fn reset(&self) {
        *self.stores() = self.initial.clone();
        self.faults().clear();
        self.requests().clear();
    }
}

/// Handlers never panic while holding a lock, but if one ever did, the data is still
/// consistent enough for a mock: keep serving rather than failing every later request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
