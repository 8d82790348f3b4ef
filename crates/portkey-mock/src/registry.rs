//! The open connections, numbered in accept order, so `POST /__mock/close-idle` can close
//! the idle ones and the request log can say which connection carried each request.

use crate::conn::{Tracker, WeakTracker};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, Default)]
pub struct Connections {
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, WeakTracker>>,
}

/// A connection's place in the registry, given up when dropped (when the connection ends).
pub struct Registration {
    pub id: u64,
    connections: Arc<Connections>,
}

impl Connections {
    /// Numbers a new connection (from 1) and records it until the registration is dropped.
    pub fn register(self: &Arc<Self>, tracker: &Tracker) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.open().insert(id, tracker.downgrade());
        Registration {
            id,
            connections: self.clone(),
        }
    }

    /// Closes every idle connection (see `WeakTracker::close_if_idle`) and returns how many,
    /// once their sockets are closed, so a client told the count sees each close on its
    /// next use of the connection.
    pub async fn close_idle(&self) -> usize {
        // Collected first: the lock must not be held across the wait.
        let closing: Vec<_> = self
            .open()
            .values()
            .filter_map(WeakTracker::close_if_idle)
            .collect();
        let count = closing.len();
        for closed in closing {
            closed.await;
        }
        count
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, WeakTracker>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.open().remove(&self.id);
    }
}
