//! The fixtures file: objects to preload, in the shapes that retrieve returns.

use crate::resources::{api_keys, virtual_keys};
use crate::state::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// `{"api_keys": [...], "virtual_keys": [...]}`. API keys need an `id` (a full `key`, if
/// given, is stored and shown masked); virtual keys need a `slug` (a `key`, if given, is
/// stored and never shown). Every other field is optional and defaulted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub api_keys: Vec<Value>,
    #[serde(default)]
    pub virtual_keys: Vec<Value>,
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

    pub(crate) fn to_store(&self) -> Result<Store, String> {
        let api_keys = self
            .api_keys
            .iter()
            .enumerate()
            .map(|(i, v)| api_keys::from_fixture(v).map_err(|e| format!("api_keys[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let virtual_keys = self
            .virtual_keys
            .iter()
            .enumerate()
            .map(|(i, v)| {
                virtual_keys::from_fixture(v).map_err(|e| format!("virtual_keys[{i}]: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        unique("api_keys", "id", api_keys.iter().map(|k| k.id()))?;
        unique(
            "virtual_keys",
            "slug",
            virtual_keys.iter().map(|k| k.slug()),
        )?;
        Ok(Store {
            api_keys,
            virtual_keys,
        })
    }
}

fn unique<'a>(list: &str, field: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(format!("{list}: duplicate {field} {id:?}"));
        }
    }
    Ok(())
}
