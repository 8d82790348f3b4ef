//! Everything the server remembers: the stored objects, the queued faults and the log of
//! API requests. Each sits behind its own mutex, held only briefly and never across an
//! await, so one lock per concern is simpler than anything finer.

use crate::faults::FaultQueue;
use crate::fixtures::Fixtures;
use crate::resources::api_keys::ApiKey;
use crate::resources::virtual_keys::VirtualKey;
use serde::Serialize;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Stored objects, in creation order (lists are returned in that order).
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub api_keys: Vec<ApiKey>,
    pub virtual_keys: Vec<VirtualKey>,
}

/// One API request as received, for `GET /__mock/requests`.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    /// Still percent-encoded, exactly as on the request line.
    pub path: String,
    pub query: String,
    pub user_agent: Option<String>,
    pub api_key_present: bool,
}

/// The whole state of one mock server; `serve` shares it between connections.
#[derive(Debug)]
pub struct MockState {
    /// What `POST /__mock/reset` goes back to.
    initial: Store,
    store: Mutex<Store>,
    faults: Mutex<FaultQueue>,
    requests: Mutex<Vec<LoggedRequest>>,
}

impl MockState {
    /// A state preloaded with `fixtures`; fails with a readable message if a fixture
    /// object is unusable (not an object, no id or slug, duplicates).
    pub fn new(fixtures: &Fixtures) -> Result<MockState, String> {
        let initial = fixtures.to_store()?;
        Ok(MockState {
            store: Mutex::new(initial.clone()),
            initial,
            faults: Mutex::default(),
            requests: Mutex::default(),
        })
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    pub(crate) fn requests(&self) -> MutexGuard<'_, Vec<LoggedRequest>> {
        lock(&self.requests)
    }

    pub(crate) fn reset(&self) {
        *self.store() = self.initial.clone();
        self.faults().clear();
        self.requests().clear();
    }
}

/// Handlers never panic while holding a lock, but if one ever did, the data is still
/// consistent enough for a mock: keep serving rather than failing every later request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
