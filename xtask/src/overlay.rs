//! The overlay: what the spec does not say, owned by this project. One YAML file per resource
//! under codegen/overlay/; the file's stem is the Rust module and the first segment of every
//! operation name in it. The format is described in codegen/README.md.

use std::path::Path;

use serde::Deserialize;
use serde_yaml::Value;

use crate::model::{Location, Rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// One line for the generated module's docs.
    pub doc: String,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Dotted Python name under the client, e.g. `api_keys.create`.
    pub name: String,
    /// The Node name, only where it is not the camelCase of `name` (official-surface.md).
    pub node: Option<String>,
    /// The spec operation, `METHOD /path` as the spec spells the path.
    pub spec: String,
    pub summary: String,
    /// Whether unknown parameters pass into the body (the official SDKs' `**kwargs`).
    #[serde(default)]
    pub extra_body: bool,
    /// Every parameter, in the order the SDK lists them.
    #[serde(default)]
    pub params: Vec<Param>,
    /// `- required_when: {...}`: a plain map rather than serde_yaml's default `!tag` form.
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// The SDK's name (its camelCase form is accepted too, by the core).
    pub name: String,
    /// The spec's name when it differs (`sub-type`, `apiVersion`).
    pub wire: Option<String>,
    /// Other spellings the official SDKs accept.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One line, shown in every language.
    pub doc: String,
    pub deviates: Option<Deviation>,
    pub not_in_spec: Option<NotInSpec>,
}

/// Where we knowingly differ from what the spec says about a parameter it has.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    pub why: String,
    pub required: Option<bool>,
    /// JSON Schema keys laid over the spec's schema, e.g. `{minimum: 1}`.
    pub schema: Option<serde_yaml::Mapping>,
}

/// A parameter the official SDKs send that the spec lacks. Never required: the server does
/// not know it, so it cannot insist on it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotInSpec {
    pub why: String,
    #[serde(rename = "in")]
    pub location: Location,
    pub schema: Value,
}

/// Every overlay file in `dir`, by module name, in file-name order (the order of the
/// operations table).
pub fn load(dir: &Path) -> Result<Vec<(String, Resource)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let module = path
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))?;
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let resource =
                serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((module.to_owned(), resource))
        })
        .collect()
}
