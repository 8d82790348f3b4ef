//! The fixtures file: objects to preload, in the shapes that retrieve returns.

use crate::engine::store::Stores;
use crate::hooks::{self, stores};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// Objects to preload, by store. Every field but the ones named here is optional and
/// defaulted (status `active`, timestamps of now, and so on).
///
/// - `api_keys` need an `id`; a full `key`, if given, is stored and shown masked.
/// - `virtual_keys` need a `slug`; a `key`, if given, is stored and never shown.
/// - `users` need an `email` (`id`: a new uuid unless given). Absent, the mock has two
///   default users (an owner and a member, see the README); `[]` means none. The admin API
///   cannot create users, so this is where they come from.
/// - `workspaces` need an `id` or a `name`; `members: [{"user_id", "role"}]` makes users
///   (by id or email) members.
/// - `invites` need an `email`.
/// - `configs` need a `slug` or a `name`; each starts with one version.
/// - `usage_limit_policies` (`id`: a new uuid unless given) may carry `usage`:
///   `{value_key: number}`, the usage counted per entity (see src/hooks/policies.rs).
/// - `collections` need a `name` or a `slug` (`is_default: true` makes one undeletable);
///   `labels` a valid `name`; `prompt_partials` a `name` or a `slug`, with `string`;
///   `prompts` a `name` or a `slug`, a `collection_id` among the collections (id or slug)
///   and their template (`string`, `parameters`, `model`, ...): each partial and prompt
///   starts with version 1, published (see src/hooks/prompts.rs).
/// - `logs`: inserted logs as `POST /logs` takes them (`request`, `response`, `metadata`),
///   with the mock's extensions `id`, `created_at`, `cost` and `api_key_id` (see
///   src/hooks/logs.rs); `feedback`: `{trace_id, value, weight?, metadata?, id?,
///   created_at?}`.
/// - `demo_data: true` adds the `--demo-data` week of traffic (src/demo_data.rs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub api_keys: Vec<Value>,
    #[serde(default)]
    pub virtual_keys: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<Value>>,
    #[serde(default)]
    pub workspaces: Vec<Value>,
    #[serde(default)]
    pub invites: Vec<Value>,
    #[serde(default)]
    pub configs: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_limit_policies: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompt_partials: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo_data: bool,
}

impl Fixtures {
    pub fn from_json(text: &str) -> Result<Fixtures, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid fixtures: {e}"))
    }

    pub fn load(path: &Path) -> Result<Fixtures, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read fixtures file {}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(crate) fn to_stores(&self) -> Result<Stores, String> {
        let mut out = Stores::default();
        let users = self.users.clone().unwrap_or_else(hooks::default_users);
        for (store, key, objects) in [
            (stores::API_KEYS, "id", &self.api_keys),
            (stores::VIRTUAL_KEYS, "slug", &self.virtual_keys),
            (stores::USERS, "id", &users),
            (stores::WORKSPACES, "id", &self.workspaces),
            (stores::INVITES, "id", &self.invites),
            (stores::CONFIGS, "slug", &self.configs),
            (
                stores::USAGE_LIMIT_POLICIES,
                "id",
                &self.usage_limit_policies,
            ),
            (stores::COLLECTIONS, "slug", &self.collections),
            (stores::LABELS, "id", &self.labels),
            (stores::PROMPT_PARTIALS, "slug", &self.prompt_partials),
            (stores::PROMPTS, "slug", &self.prompts),
        ] {
            load(&mut out, store, key, objects)?;
        }
        let (mut logs, mut feedback) = (self.logs.clone(), self.feedback.clone());
        if self.demo_data {
            let demo = crate::demo_data::week();
            logs.extend(demo.logs);
            feedback.extend(demo.feedback);
        }
        load(&mut out, stores::LOGS, "id", &logs)?;
        load(&mut out, stores::FEEDBACK, "id", &feedback)?;
        unique(&out, stores::USERS, "email")?;
        unique(&out, stores::WORKSPACES, "slug")?;
        hooks::link_fixture_members(&mut out)?;
        Ok(out)
    }
}

/// Adds `objects` to `store`, each through its store's fixture defaults; `key` must be
/// unique among them.
fn load(out: &mut Stores, store: &str, key: &str, objects: &[Value]) -> Result<(), String> {
    for (i, value) in objects.iter().enumerate() {
        let fields = value
            .as_object()
            .cloned()
            .ok_or_else(|| format!("{store}[{i}]: must be an object"))?;
        let record =
            hooks::from_fixture(out, store, fields).map_err(|e| format!("{store}[{i}]: {e}"))?;
        out.push(store, record);
    }
    unique(out, store, key)
}

fn unique(stores: &Stores, store: &str, field: &str) -> Result<(), String> {
    let mut seen = HashSet::new();
    for record in stores.all(store) {
        let value = record.str(field);
        if !seen.insert(value) {
            return Err(format!("{store}: duplicate {field} {value:?}"));
        }
    }
    Ok(())
}
