//! The generic actions: create, retrieve, list, update and delete over a named store, and the
//! pieces hooks reuse (finding by the path's key, paging, equality filters).
//!
//! - A route's last path placeholder is the object's key (its `id` or `slug`, either is
//!   accepted) for retrieve, update, delete and custom actions; earlier placeholders name a
//!   parent and select objects whose field of the same name in snake_case matches
//!   (`{workspaceId}` -> `workspace_id`). A list route's placeholders are all parents.
//! - create stores the declared body fields plus the path's values, with a new uuid `id`,
//!   `created_at` and `last_updated_at`, and answers the stored object.
//! - list answers `{"object": "list", "total", "data"}`; `page_size`/`pageSize` (default 50)
//!   and `current_page`/`currentPage` (from 0) pick the page; every other declared query
//!   parameter that was sent keeps the objects whose field of that name equals it.
//! - update sets the declared body fields that were sent and `last_updated_at`; answers `{}`.
//! - delete removes the object; answers `{}`.
//! - An unknown key is a 404 naming the store's object (`API key not found`).

use super::request::Input;
use super::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::schema::{Action, Route};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// What a generic action or a hook works with.
pub struct Ctx<'a> {
    pub route: &'static Route,
    pub stores: &'a mut Stores,
    pub input: Input,
    /// Set by a hook to answer with server-sent events instead of JSON: 200
    /// `text/event-stream`, one `data: <json>` event per item, then `data: [DONE]`
    /// (stream faults apply; the hook's returned value is ignored).
    pub sse: Option<Vec<Value>>,
}

impl Ctx<'_> {
    /// The route's own store.
    pub fn store(&self) -> &'static str {
        self.route.store
    }

    /// The object's key: the last path placeholder's value ("" if the path has none).
    pub fn key(&self) -> &str {
        self.input
            .path
            .last()
            .map_or("", |(_, value)| value.as_str())
    }

    /// A path placeholder's value by wire name ("" if absent).
    pub fn path(&self, wire: &str) -> &str {
        self.input
            .path
            .iter()
            .find(|(name, _)| *name == wire)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The parent filters: the placeholders before the key (all of them for a list).
    fn parents(&self) -> Vec<(String, &str)> {
        let count = match self.route.action {
            Action::List | Action::Create => self.input.path.len(),
            _ => self.input.path.len().saturating_sub(1),
        };
        self.input.path[..count]
            .iter()
            .map(|(wire, value)| (snake(wire), value.as_str()))
            .collect()
    }

    fn in_parents(&self, record: &Record) -> bool {
        self.parents()
            .iter()
            .all(|(field, value)| record.str(field) == *value)
    }

    /// The object the path names, in the route's store.
    pub fn find(&self) -> Result<&Record, ApiError> {
        let key = self.key();
        self.stores
            .all(self.store())
            .iter()
            .find(|r| r.is(key) && self.in_parents(r))
            .ok_or_else(|| not_found(self.store()))
    }

    pub fn find_mut(&mut self) -> Result<&mut Record, ApiError> {
        let (store, key) = (self.store(), self.key().to_owned());
        let parents: Vec<(String, String)> = self
            .parents()
            .into_iter()
            .map(|(f, v)| (f, v.to_owned()))
            .collect();
        self.stores
            .all_mut(store)
            .iter_mut()
            .find(|r| r.is(&key) && parents.iter().all(|(f, v)| r.str(f) == v))
            .ok_or_else(|| not_found(store))
    }

    /// Removes the object the path names from the route's store and returns it.
    pub fn remove(&mut self) -> Result<Record, ApiError> {
        self.find()?;
        let key = self.key().to_owned();
        let parents: Vec<(String, String)> = self
            .parents()
            .into_iter()
            .map(|(f, v)| (f, v.to_owned()))
            .collect();
        let mut gone = self.stores.remove_where(self.route.store, |r| {
            r.is(&key) && parents.iter().all(|(f, v)| r.str(f) == v)
        });
        Ok(gone.remove(0))
    }

    /// The objects of the route's store under the path's parents that pass the equality
    /// filters (every sent query parameter but the paging ones).
    pub fn matching(&self) -> Vec<&Record> {
        self.stores
            .all(self.store())
            .iter()
            .filter(|r| self.in_parents(r) && self.passes_filters(r, &[]))
            .collect()
    }

    /// Whether `record` has the value of every sent query parameter but the paging ones and
    /// those in `except`, in the field of the same name.
    pub fn passes_filters(&self, record: &Record, except: &[&str]) -> bool {
        self.input
            .query
            .iter()
            .filter(|(name, _)| {
                !PAGING.contains(&name.as_str()) && !except.contains(&name.as_str())
            })
            .all(|(name, wanted)| equals(record.fields.get(name), wanted))
    }

    /// The requested page of `items` in the list envelope.
    pub fn page(&self, items: Vec<Value>) -> Value {
        let (total, data) = self.paged(items);
        json!({ "object": "list", "total": total, "data": data })
    }

    /// The total and the requested page of `items`.
    pub fn paged(&self, items: Vec<Value>) -> (usize, Vec<Value>) {
        let number = |names: [&str; 2], default: usize| {
            names
                .iter()
                .find_map(|n| self.input.query.get(*n))
                .and_then(Value::as_f64)
                // Negative counts as 0; huge values saturate.
                .map_or(default, |n| n.max(0.0) as usize)
        };
        let size = number(["page_size", "pageSize"], 50);
        let page = number(["current_page", "currentPage"], 0);
        let total = items.len();
        let data = items
            .into_iter()
            .skip(page.saturating_mul(size))
            .take(size)
            .collect();
        (total, data)
    }
}

/// Query parameters that choose a page rather than filter.
const PAGING: &[&str] = &["page_size", "pageSize", "current_page", "currentPage"];

/// Serves `ctx` with the route's generic action.
pub fn serve(ctx: &mut Ctx<'_>) -> ApiResult {
    match ctx.route.action {
        Action::Create => {
            let record = new_record(ctx, ctx.input.body.clone());
            let answer = record.render();
            ctx.stores.push(ctx.store(), record);
            Ok(answer)
        }
        Action::Retrieve => Ok(ctx.find()?.render()),
        Action::List => {
            let items = ctx.matching().into_iter().map(Record::render).collect();
            Ok(ctx.page(items))
        }
        Action::Update => {
            let changes = ctx.input.body.clone();
            let record = ctx.find_mut()?;
            record.fields.extend(changes);
            touch(record);
            Ok(json!({}))
        }
        Action::Delete => {
            ctx.remove()?;
            Ok(json!({}))
        }
        Action::Custom => Err(ApiError::new(
            hyper::StatusCode::NOT_IMPLEMENTED,
            format!("{} needs a hook and names none", ctx.route.op),
        )),
    }
}

/// A new object of the route's store: `fields`, the path's values (snake_case names), a
/// uuid `id` and both timestamps, unless `fields` has them.
pub fn new_record(ctx: &Ctx<'_>, mut fields: Map<String, Value>) -> Record {
    for (wire, value) in &ctx.input.path {
        fields.entry(snake(wire)).or_insert_with(|| json!(value));
    }
    stamp(&mut fields);
    Record::new(fields)
}

/// Gives `fields` an `id`, `created_at` and `last_updated_at` where missing.
pub fn stamp(fields: &mut Map<String, Value>) {
    let now = time::now();
    fields.entry("id").or_insert_with(|| json!(ids::uuid_v4()));
    fields.entry("created_at").or_insert_with(|| json!(now));
    fields
        .entry("last_updated_at")
        .or_insert_with(|| json!(now));
}

/// Sets `last_updated_at` to now.
pub fn touch(record: &mut Record) {
    record
        .fields
        .insert("last_updated_at".into(), json!(time::now()));
}

/// `{"API key"|"Workspace member"|...} not found`, from the store's name.
pub fn not_found(store: &str) -> ApiError {
    ApiError::not_found(format!("{} not found", noun(store)))
}

/// `api_keys` -> `API key`, `workspace_members` -> `Workspace member`.
pub fn noun(store: &str) -> String {
    let words: Vec<String> = store
        .split('_')
        .map(|w| {
            if w == "api" {
                "API".to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(stripped) = text.strip_suffix('s') {
        text = stripped.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// `workspaceId` -> `workspace_id`, `sub-type` -> `sub_type`.
pub fn snake(wire: &str) -> String {
    let mut out = String::new();
    for c in wire.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a stored field equals a filter's value; a number or boolean filter matches its
/// JSON value, text matches text.
pub fn equals(field: Option<&Value>, wanted: &Value) -> bool {
    let Some(have) = field else {
        return false;
    };
    match (have, wanted) {
        (Value::String(have), Value::String(want)) => have == want,
        // A number or boolean stored, text asked for: compare as JSON.
        (have, Value::String(want)) => {
            serde_json::from_str::<Value>(want).is_ok_and(|w| w == *have)
        }
        (have, want) => have == want,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_and_snake_case() {
        assert_eq!(noun("api_keys"), "API key");
        assert_eq!(noun("virtual_keys"), "Virtual key");
        assert_eq!(noun("workspace_members"), "Workspace member");
        assert_eq!(noun("users"), "User");
        assert_eq!(snake("workspaceId"), "workspace_id");
        assert_eq!(snake("sub-type"), "sub_type");
        assert_eq!(snake("slug"), "slug");
    }

    #[test]
    fn filters_compare_text_with_text_and_numbers_with_numbers() {
        assert!(equals(Some(&json!("a")), &json!("a")));
        assert!(!equals(Some(&json!("a")), &json!("b")));
        assert!(equals(Some(&json!(200)), &json!(200)));
        assert!(equals(Some(&json!(200)), &json!("200")));
        assert!(!equals(None, &json!("a")));
    }
}
