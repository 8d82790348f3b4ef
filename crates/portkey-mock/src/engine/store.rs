//! The in-memory collections, by the `store` name the overlay gives each route, and the audit
//! log. Objects keep their creation order, which is the order lists return them in.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// One stored object: what the API shows, and what it never shows (secrets).
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub fields: Map<String, Value>,
    pub hidden: Map<String, Value>,
}

impl Record {
    pub fn new(fields: Map<String, Value>) -> Record {
        Record {
            fields,
            hidden: Map::new(),
        }
    }

    /// A field as text, "" when absent or not a string.
    pub fn str(&self, field: &str) -> &str {
        self.fields
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Whether `key` names this object: its `id` or its `slug`, as the API accepts either.
    pub fn is(&self, key: &str) -> bool {
        ["id", "slug"]
            .iter()
            .any(|field| self.fields.get(*field).and_then(Value::as_str) == Some(key))
    }

    /// The object as the API shows it.
    pub fn render(&self) -> Value {
        Value::Object(self.fields.clone())
    }
}

/// Every collection, plus the audit log of the mutating requests served.
#[derive(Debug, Clone, Default)]
pub struct Stores {
    collections: BTreeMap<String, Vec<Record>>,
    pub audit: Vec<Record>,
    /// What hooks need to know about the server rather than its data.
    pub env: Env,
}

/// The server's settings and the request's address, for hooks: log exports take
/// `export_delay` to finish (set once, by `MockState`, and kept across resets) and are
/// downloaded from `origin` (the `http://host:port` the request being served was sent to,
/// set by the engine for each request).
#[derive(Debug, Clone)]
pub struct Env {
    pub export_delay: Duration,
    pub origin: String,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            export_delay: crate::options::DEFAULT_EXPORT_DELAY,
            origin: "http://127.0.0.1".into(),
        }
    }
}

impl Stores {
    pub fn all(&self, store: &str) -> &[Record] {
        self.collections.get(store).map_or(&[], Vec::as_slice)
    }

    pub fn all_mut(&mut self, store: &str) -> &mut Vec<Record> {
        self.collections.entry(store.to_owned()).or_default()
    }

    pub fn find(&self, store: &str, key: &str) -> Option<&Record> {
        self.all(store).iter().find(|r| r.is(key))
    }

    pub fn push(&mut self, store: &str, record: Record) {
        self.all_mut(store).push(record);
    }

    /// Removes the objects `remove` picks and returns them.
    pub fn remove_where(
        &mut self,
        store: &str,
        mut remove: impl FnMut(&Record) -> bool,
    ) -> Vec<Record> {
        let all = self.all_mut(store);
        let (gone, kept) = std::mem::take(all).into_iter().partition(|r| remove(r));
        *all = kept;
        gone
    }
}
