//! The overlay: what the spec does not say, owned by this project. One YAML file per resource
//! under codegen/overlay/; the file's stem is the Rust module and the first segment of every
//! operation name in it. The format is described in codegen/README.md.

use std::path::Path;

use serde::Deserialize;
use serde_yaml::Value;

use crate::model::{Location, MockAction, Rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// One line for the generated module's docs.
    pub doc: String,
    /// The answers' models, named by us; their fields come from the spec.
    #[serde(default)]
    pub models: Vec<Model>,
    /// Parameters written once for the whole file: each applies to every operation whose spec
    /// has a parameter of that (wire) name and that does not list it itself.
    #[serde(default)]
    pub shared_params: Vec<Param>,
    pub operations: Vec<Operation>,
}

/// A response model. Exactly one of `schema`, `response_of` and `page_of` says where its
/// fields come from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// e.g. `APIKey`; unique across all resources.
    pub name: String,
    /// One line, shown in every language.
    pub doc: String,
    /// A `components/schemas` name, e.g. `ApiKeyObject`.
    pub schema: Option<String>,
    /// An operation name (`api_keys.create`): its 2xx `application/json` schema.
    pub response_of: Option<String>,
    /// A model name: a page of those (object, total, data: [item], plus the list schema's
    /// other fields; `items` renames `data`).
    pub page_of: Option<String>,
    /// With `page_of`: the field holding the page's items, when not `data` (`items: records`).
    pub items: Option<String>,
    /// A dotted property path inside the `schema` or `response_of` schema (an array on the
    /// way stands for its items), to name an inner object: `at: data`.
    pub at: Option<String>,
}

/// How the mock serves an operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mock {
    pub action: MockAction,
    /// The mock's collection, e.g. `api_keys`.
    pub store: String,
    /// A hand-written function in the mock that adds the API's behaviour.
    pub hook: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Dotted Python name under the client, e.g. `api_keys.create`.
    pub name: String,
    /// The Node name, only where it is not the camelCase of `name` (official-surface.md).
    pub node: Option<String>,
    /// The spec operation, `METHOD /path` as the spec spells the path; absent for a helper.
    #[serde(default)]
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
    /// The model of the 2xx answer.
    pub response: Option<String>,
    /// Iterate all items across pages.
    #[serde(default)]
    pub paginate: bool,
    /// The parameter(s) Node also accepts positionally: `positional: id`, or a list for the
    /// official `versions.retrieve(promptSlug, versionId)`.
    pub positional: Option<Positional>,
    /// Required; `Option` so its absence is reported with the operation's name.
    pub mock: Option<Mock>,
    /// Server-sent events when a boolean parameter is true: `stream: {param: stream, item:
    /// PromptCompletionChunk}`.
    pub stream: Option<Stream>,
    /// A composite operation implemented in the core (no `spec`, `mock` or `params`):
    /// `helper: {poll: logs.exports.retrieve, field: status, done: [success], failed: [failed]}`.
    pub helper: Option<Helper>,
}

/// A helper that polls an operation until the answer's `field` is `done` (or `failed`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helper {
    pub poll: String,
    pub field: String,
    pub done: Vec<String>,
    #[serde(default)]
    pub failed: Vec<String>,
}

/// An operation that answers server-sent events when the boolean parameter `param` is true,
/// each event's data a JSON object of model `item`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    pub param: String,
    pub item: String,
}

#[derive(Debug, Clone, Deserialize)]
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
    /// `body: whole`: the parameter is the whole request body (the variant of a `oneOf` body
    /// that is not the object whose fields are the other parameters: POST /logs' array).
    pub body: Option<BodyKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    Whole,
}

/// Where we knowingly differ from what the spec says about a parameter it has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    pub why: String,
    pub required: Option<bool>,
    /// JSON Schema keys laid over the spec's schema, e.g. `{minimum: 1}`.
    pub schema: Option<serde_yaml::Mapping>,
}

/// A parameter the official SDKs send that the spec lacks. Never required: the server does
/// not know it, so it cannot insist on it.
#[derive(Debug, Clone, Deserialize)]
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

/// `positional: id` or `positional: [prompt_slug, version_id]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Positional {
    One(String),
    Several(Vec<String>),
}

impl Positional {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Positional::One(name) => vec![name],
            Positional::Several(names) => names,
        }
    }
}
