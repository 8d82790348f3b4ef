//! The operations to generate: each overlay entry joined with its spec operation. The spec
//! gives method, path, parameters, required flags and shapes; the overlay gives names, docs,
//! rules and the deviations it declares. Anything the two disagree on without a declared
//! deviation is an error, so neither can drift silently.

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::models;
use crate::overlay;
use crate::shape::{derive, required_names, Named, Shape};
use crate::spec::Spec;

#[derive(Debug)]
pub struct Resource {
    /// The Rust module and overlay file stem, e.g. `api_keys`.
    pub module: String,
    pub doc: String,
    pub operations: Vec<Operation>,
    /// The answers' models: the overlay's, in its order, then the nested ones derived from
    /// them (see crate::models for the naming and dedup rules).
    pub models: Vec<Model>,
}

#[derive(Debug)]
pub struct Operation {
    /// The Rust constant, e.g. `CREATE`.
    pub constant: String,
    pub name: String,
    pub node: String,
    pub method: Method,
    pub path: String,
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
    pub extra_body: bool,
    pub summary: String,
    /// The model of the 2xx answer (of this or another resource); `None` = a generic object.
    pub response: Option<String>,
    /// A list whose items can be iterated across pages (`current_page`/`page_size`; the items
    /// in the response model's `items` field, `data` by default).
    pub paginate: bool,
    /// The path parameters Node also accepts positionally, in order: `method(id, params?,
    /// options?)`, or `method(promptSlug, versionId, params?, options?)` for two. Empty: none.
    pub positional: Vec<String>,
    /// How the local control plane (crates/portkey-mock) serves the operation.
    pub mock: Mock,
    /// Whether the spec serves it from the API's origin (`https://api.portkey.ai`, its public
    /// endpoints) rather than under `/v1` like the rest of the control plane.
    pub at_origin: bool,
    /// Answers server-sent events of model `item` when the boolean parameter `param` is true.
    pub stream: Option<crate::overlay::Stream>,
    /// A composite operation the core implements (`helper:` in the overlay): no spec
    /// operation, no mock route, no wire case; method, path and params are the polled
    /// operation's, plus `poll_interval` and `max_wait`.
    pub helper: Option<crate::overlay::Helper>,
}

/// How the mock serves an operation: a generic action over a named in-memory store, plus an
/// optional hand-written hook that adds the API's behaviour (or serves a `custom` action).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mock {
    pub action: MockAction,
    pub store: String,
    pub hook: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MockAction {
    Create,
    Retrieve,
    List,
    Update,
    Delete,
    Custom,
}

impl MockAction {
    /// The overlay's spelling: `create`, `retrieve`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            MockAction::Create => "create",
            MockAction::Retrieve => "retrieve",
            MockAction::List => "list",
            MockAction::Update => "update",
            MockAction::Delete => "delete",
            MockAction::Custom => "custom",
        }
    }
}

/// A response model: named by the overlay, fields from the spec. Every field is optional in
/// every language, and unknown fields are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// e.g. `APIKey`.
    pub name: String,
    pub doc: String,
    /// From the spec's schema, in its order; for a page: object, total, the items (`data`, or
    /// the `items` field), then the list schema's other fields.
    pub fields: Vec<ModelField>,
    /// `Some(item model)` for a page.
    pub page_of: Option<String>,
    /// For a page (`page_of`): the field holding its items, `data` unless the overlay says
    /// `items:` (`records` for audit_logs.list); the pagers of every language read it.
    pub items: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelField {
    /// The wire name.
    pub name: String,
    pub ty: FieldType,
    /// One line (the first sentence of the spec's description), or empty.
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    /// A string enum; unknown values must still decode.
    Enum(Vec<String>),
    Array(Box<FieldType>),
    /// A nested object: a named model (inline objects get `{Parent}{FieldInPascalCase}`,
    /// component schemas keep their name in PascalCase).
    Model(String),
    /// An object with no declared properties (free-form).
    Map,
    /// Anything else (oneOf, anyOf, a mixed allOf, untyped).
    Any,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub aliases: Vec<String>,
    pub location: Location,
    pub required: bool,
    pub shape: Shape,
    pub doc: String,
    /// Where and why this parameter differs from the spec, for a comment beside it.
    pub deviation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn http(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Body,
    /// The whole body (`body: whole`): sent as the body instead of the `Body` parameters.
    Whole,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// `param` is required when `when` has the value `equals`.
    RequiredWhen {
        param: String,
        when: String,
        equals: String,
    },
    /// When both are given, `min` must not be after `max` (date-times as instants, numbers as
    /// numbers); a reversed range is an error naming `min`.
    Ordered { min: String, max: String },
    /// `param` is required unless `without` (a whole-body parameter) is given. Written by the
    /// generator for the spec's required body fields of an operation with a whole body.
    RequiredWithout { param: String, without: String },
}

/// What an `ordered` rule compares its parameters as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    Instant,
    Number,
}

pub fn ordering(shape: &Shape) -> Option<Ordering> {
    match shape {
        Shape::Nullable(inner) => ordering(inner),
        Shape::DateTime => Some(Ordering::Instant),
        Shape::Integer { .. } | Shape::Number { .. } => Some(Ordering::Number),
        _ => None,
    }
}

/// A parameter as the spec states it.
struct SpecParam<'a> {
    wire: &'a str,
    location: Location,
    required: bool,
    schema: &'a Value,
}

/// Joins every overlay resource with the spec. Returns every problem found, not just the
/// first, so one run shows all that needs fixing.
pub fn resolve(
    spec: &Spec,
    overlay: Vec<(String, overlay::Resource)>,
    named: &mut Named,
) -> Result<Vec<Resource>, Vec<String>> {
    let mut resources = Vec::new();
    let mut declared = Vec::new();
    let mut errors = Vec::new();
    let mut helpers = Vec::new();
    for (module, resource) in overlay {
        let mut operations = Vec::new();
        let mut shared_used = vec![false; resource.shared_params.len()];
        for p in &resource.shared_params {
            if p.not_in_spec.is_some() {
                errors.push(format!(
                    "codegen/overlay/{module}.yaml: shared param {}: not_in_spec cannot be shared \
                     (a shared parameter applies where the spec has it)",
                    p.name
                ));
            }
        }
        for op in resource.operations {
            let name = op.name.clone();
            if op.helper.is_some() {
                helpers.push((module.clone(), op));
                continue;
            }
            match operation(
                spec,
                &module,
                op,
                &resource.shared_params,
                &mut shared_used,
                named,
            ) {
                Ok(op) => operations.push(op),
                Err(e) => errors.push(format!("codegen/overlay/{module}.yaml: {name}: {e}")),
            }
        }
        for (p, used) in resource.shared_params.iter().zip(&shared_used) {
            if !used && errors.is_empty() {
                errors.push(format!(
                    "codegen/overlay/{module}.yaml: shared param {} applies to no operation",
                    p.name
                ));
            }
        }
        resources.push(Resource {
            module,
            doc: resource.doc,
            operations,
            models: Vec::new(),
        });
        declared.push(resource.models);
    }
    // Helpers compose operations of any file: resolved once every operation is.
    for (module, op) in helpers {
        let name = op.name.clone();
        match helper(&module, op, &resources) {
            Ok(op) => {
                if let Some(r) = resources.iter_mut().find(|r| r.module == module) {
                    r.operations.push(op);
                }
            }
            Err(e) => errors.push(format!("codegen/overlay/{module}.yaml: {name}: {e}")),
        }
    }
    let mut names: Vec<&str> = resources
        .iter()
        .flat_map(|r| r.operations.iter().map(|o| o.name.as_str()))
        .collect();
    names.sort_unstable();
    for pair in names.windows(2).filter(|w| w[0] == w[1]) {
        errors.push(format!("{} is described twice", pair[0]));
    }
    // Models read the operations (`response_of`, pages); with some missing, their errors
    // would only repeat these.
    if !errors.is_empty() {
        return Err(errors);
    }
    let models = models::derive(spec, &resources, &declared)?;
    for (resource, models) in resources.iter_mut().zip(models) {
        resource.models = models;
    }
    errors.extend(models::check_operations(&resources));
    for resource in &resources {
        for op in &resource.operations {
            let Some(stream) = &op.stream else { continue };
            if !resources
                .iter()
                .any(|r| r.models.iter().any(|m| m.name == stream.item))
            {
                errors.push(format!(
                    "codegen/overlay/{}.yaml: {}: stream item {} is no model",
                    resource.module, op.name, stream.item
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(resources)
    } else {
        Err(errors)
    }
}

fn operation(
    spec: &Spec,
    module: &str,
    op: overlay::Operation,
    shared: &[overlay::Param],
    shared_used: &mut [bool],
    named: &mut Named,
) -> Result<Operation, String> {
    let constant = op
        .name
        .strip_prefix(module)
        .and_then(|rest| rest.strip_prefix('.'))
        .ok_or_else(|| format!("the name must start with {module}."))?
        .replace('.', "_")
        .to_ascii_uppercase();
    let (method_text, path) = op
        .spec
        .split_once(' ')
        .ok_or("spec must be `METHOD /path`")?;
    let method = [Method::Get, Method::Post, Method::Put, Method::Delete]
        .into_iter()
        .find(|m| m.http() == method_text)
        .ok_or_else(|| format!("method {method_text} has no Method in operation.rs"))?;
    let (item, operation) = spec.operation(method_text, path)?;
    let spec_params = spec_params(spec, item, operation)?;

    let mut claimed = vec![false; spec_params.len()];
    let mut params = Vec::new();
    for p in op.params {
        params.push(param(spec, &spec_params, &mut claimed, p, named)?);
    }
    // The file's shared parameters, where the spec has them and the operation lists no entry
    // of its own (by name or wire name), after the operation's own, in the file's order.
    for (i, p) in shared.iter().enumerate() {
        let wire = p.wire.as_deref().unwrap_or(&p.name);
        let in_spec = spec_params
            .iter()
            .zip(&claimed)
            .any(|(s, claimed)| s.wire == wire && !claimed);
        let listed = params
            .iter()
            .any(|own| own.name == p.name || own.wire == wire);
        if in_spec && !listed {
            params.push(param(spec, &spec_params, &mut claimed, p.clone(), named)?);
            shared_used[i] = true;
        }
    }
    let missing: Vec<&str> = spec_params
        .iter()
        .zip(&claimed)
        .filter(|(_, claimed)| !**claimed)
        .map(|(p, _)| {
            if p.location == Location::Whole {
                "the whole body (an entry with `body: whole`)"
            } else {
                p.wire
            }
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the spec's parameters {} have no overlay entry (each needs at least its doc)",
            missing.join(", ")
        ));
    }
    // With a whole-body parameter, the body's fields are one way of two to give the body: no
    // field is required in the signatures, but the spec's required ones still are when the
    // whole body is not given (a rule the core checks: `feedback.create()` without `trace_id`
    // is refused before sending, `feedback.create([...])` is not). The core refuses both ways
    // at once.
    let mut rules = op.rules;
    if let Some(whole) = params.iter().find(|p| p.location == Location::Whole) {
        let without = whole.name.clone();
        for p in params.iter_mut().filter(|p| p.location == Location::Body) {
            if std::mem::take(&mut p.required) {
                rules.push(Rule::RequiredWithout {
                    param: p.name.clone(),
                    without: without.clone(),
                });
            }
        }
    }
    check_names(path, &params, &rules)?;
    let node = op
        .node
        .unwrap_or_else(|| op.name.split('.').map(camel).collect::<Vec<_>>().join("."));
    let mock = mock(op.mock)?;
    let positional = op
        .positional
        .map(overlay::Positional::into_vec)
        .unwrap_or_default();
    if positional.len() > 2 {
        return Err("positional takes one parameter or two".into());
    }
    for name in &positional {
        if !params
            .iter()
            .any(|p| &p.name == name && p.location == Location::Path)
        {
            return Err(format!("positional {name} is no path parameter"));
        }
    }
    let query = |name: &str| {
        params
            .iter()
            .any(|p| p.name == name && p.location == Location::Query)
    };
    if op.paginate && !(method == Method::Get && query("current_page") && query("page_size")) {
        return Err("paginate needs a GET with current_page and page_size query parameters".into());
    }
    if let Some(stream) = &op.stream {
        if !params
            .iter()
            .any(|p| p.name == stream.param && is_boolean(&p.shape))
        {
            return Err(format!("stream: {} is no boolean parameter", stream.param));
        }
    }
    Ok(Operation {
        constant,
        name: op.name,
        node,
        method,
        path: path.to_owned(),
        params,
        rules,
        extra_body: op.extra_body,
        summary: op.summary,
        response: op.response,
        paginate: op.paginate,
        positional,
        mock,
        at_origin: served_at_origin(item, operation),
        stream: op.stream,
        helper: None,
    })
}

/// A helper operation (`helper: {poll: ...}`): the polled operation's method, path, params
/// and answer, plus its own `poll_interval` and `max_wait` (seconds).
fn helper(
    module: &str,
    op: overlay::Operation,
    resources: &[Resource],
) -> Result<Operation, String> {
    let h = op.helper.clone().expect("only helpers come here");
    if !op.spec.is_empty() || op.mock.is_some() || !op.params.is_empty() || !op.rules.is_empty() {
        return Err(
            "a helper takes no spec, mock, params or rules (they are the polled operation's)"
                .into(),
        );
    }
    if op.paginate || op.stream.is_some() || op.extra_body || op.response.is_some() {
        return Err("a helper answers what the polled operation answers: no response, paginate, stream or extra_body".into());
    }
    let polled = resources
        .iter()
        .flat_map(|r| &r.operations)
        .find(|o| o.name == h.poll && o.helper.is_none())
        .ok_or_else(|| format!("helper poll: {} is no operation", h.poll))?;
    if polled.method != Method::Get {
        return Err(format!("helper poll: {} is not a GET", h.poll));
    }
    if h.done.is_empty() {
        return Err("helper done: at least one state".into());
    }
    let constant = op
        .name
        .strip_prefix(module)
        .and_then(|rest| rest.strip_prefix('.'))
        .ok_or_else(|| format!("the name must start with {module}."))?
        .replace('.', "_")
        .to_ascii_uppercase();
    let seconds = |name: &str, doc: &str| Param {
        name: name.to_owned(),
        wire: name.to_owned(),
        aliases: Vec::new(),
        location: Location::Query,
        required: false,
        shape: Shape::Number {
            min: Some(0.0),
            max: None,
        },
        doc: doc.to_owned(),
        deviation: None,
    };
    let mut params = polled.params.clone();
    params.push(seconds(
        "poll_interval",
        "Seconds between polls (default 1).",
    ));
    params.push(seconds(
        "max_wait",
        "Seconds to wait in all before APITimeoutError (default 600).",
    ));
    let node = op
        .node
        .unwrap_or_else(|| op.name.split('.').map(camel).collect::<Vec<_>>().join("."));
    Ok(Operation {
        constant,
        name: op.name,
        node,
        method: polled.method,
        path: polled.path.clone(),
        params,
        rules: polled.rules.clone(),
        extra_body: false,
        summary: op.summary,
        response: polled.response.clone(),
        paginate: false,
        positional: op
            .positional
            .map(overlay::Positional::into_vec)
            .unwrap_or_else(|| polled.positional.clone()),
        mock: polled.mock.clone(),
        at_origin: polled.at_origin,
        stream: None,
        helper: Some(h),
    })
}

fn is_boolean(shape: &Shape) -> bool {
    match shape {
        Shape::Boolean => true,
        Shape::Nullable(inner) => is_boolean(inner),
        _ => false,
    }
}

/// Whether every server the operation declares (its own, else its path's) is a bare origin,
/// `https://api.portkey.ai` with no `/v1`: the spec's public endpoints. Operations that declare
/// none use the spec's top-level `https://api.portkey.ai/v1`.
fn served_at_origin(item: &Value, operation: &Value) -> bool {
    let servers = operation
        .get("servers")
        .or_else(|| item.get("servers"))
        .and_then(Value::as_sequence);
    let urls: Vec<&str> = servers
        .into_iter()
        .flatten()
        .filter_map(|s| s["url"].as_str())
        .collect();
    !urls.is_empty()
        && urls.iter().all(|url| {
            let after_scheme = url.split_once("://").map_or(*url, |(_, rest)| rest);
            after_scheme.trim_end_matches('/').find('/').is_none()
        })
}

fn mock(mock: Option<overlay::Mock>) -> Result<Mock, String> {
    let m = mock.ok_or("no mock entry (mock: {action, store, hook?})")?;
    let snake = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if !snake(&m.store) {
        return Err(format!("mock store {} is not snake_case", m.store));
    }
    if let Some(hook) = m.hook.as_deref().filter(|h| !snake(h)) {
        return Err(format!("mock hook {hook} is not snake_case"));
    }
    if m.action == MockAction::Custom && m.hook.is_none() {
        return Err("mock action custom needs a hook".into());
    }
    Ok(Mock {
        action: m.action,
        store: m.store,
        hook: m.hook,
    })
}

/// The spec's path, query and body parameters of one operation, in the spec's order.
fn spec_params<'a>(
    spec: &'a Spec,
    item: &'a Value,
    operation: &'a Value,
) -> Result<Vec<SpecParam<'a>>, String> {
    let mut out: Vec<SpecParam> = Vec::new();
    // Parameters of the path item apply to each of its operations, which may redefine them.
    for list in [&item["parameters"], &operation["parameters"]] {
        for p in list.as_sequence().into_iter().flatten() {
            let p = spec.resolve(p)?;
            let wire = p["name"].as_str().ok_or("a parameter has no name")?;
            let location = match p["in"].as_str() {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                // The client sends its API key on every request; a parameter for it would
                // only be a second way to say the same thing. Other headers stay errors.
                Some("header") if wire.eq_ignore_ascii_case("x-portkey-api-key") => continue,
                other => return Err(format!("parameter {wire} in {other:?} is not supported")),
            };
            out.retain(|q| !(q.wire == wire && q.location == location));
            out.push(SpecParam {
                wire,
                location,
                required: p["required"].as_bool() == Some(true),
                schema: &p["schema"],
            });
        }
    }
    let Some(body) = operation.get("requestBody") else {
        return Ok(out);
    };
    let body = spec.resolve(body)?;
    let schema = body["content"]
        .get("application/json")
        .map(|c| spec.resolve(&c["schema"]))
        .transpose()?
        .ok_or("the request body is not application/json")?;
    // The data plane's bodies (prompts' render and completions) are an `allOf` of objects:
    // their properties together, each member's required ones required. A `oneOf` body (POST
    // /logs: one log, or an array of them) is its object variant's fields plus the whole body,
    // the other variant, for a `body: whole` parameter.
    let mut members: Vec<&Value> = match schema.get("allOf").and_then(Value::as_sequence) {
        Some(all) => all
            .iter()
            .map(|m| spec.resolve(m))
            .collect::<Result<_, _>>()?,
        None => vec![schema],
    };
    // (An object with properties and a `oneOf` of `required` lists, SCIM's, is that object.)
    let variants = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_sequence))
        .filter(|_| schema.get("properties").is_none());
    if let Some(variants) = variants {
        members.clear();
        for variant in variants {
            let resolved = spec.resolve(variant)?;
            if resolved.get("properties").is_some() {
                members.push(resolved);
            } else if out.iter().any(|p| p.location == Location::Whole) {
                return Err("the body's oneOf has two variants that are not objects".into());
            } else {
                out.push(SpecParam {
                    wire: "",
                    location: Location::Whole,
                    required: false,
                    schema: variant,
                });
            }
        }
    }
    for member in members {
        let properties = member["properties"]
            .as_mapping()
            .ok_or("the request body schema has no properties")?;
        let required = required_names(member);
        for (name, schema) in properties {
            let wire = name
                .as_str()
                .ok_or("a body property name is not a string")?;
            if out
                .iter()
                .any(|p| p.location == Location::Body && p.wire == wire)
            {
                return Err(format!("the body's allOf declares {wire} twice"));
            }
            out.push(SpecParam {
                wire,
                location: Location::Body,
                required: required.contains(&wire),
                schema,
            });
        }
    }
    Ok(out)
}

fn param(
    spec: &Spec,
    spec_params: &[SpecParam],
    claimed: &mut [bool],
    p: overlay::Param,
    named: &mut Named,
) -> Result<Param, String> {
    if p.body == Some(overlay::BodyKind::Whole) {
        if p.wire.is_some() || p.not_in_spec.is_some() || p.deviates.is_some() {
            return Err(format!(
                "{}: body: whole takes no wire, not_in_spec or deviates",
                p.name
            ));
        }
        let index = (0..spec_params.len())
            .find(|&i| spec_params[i].location == Location::Whole)
            .ok_or_else(|| {
                format!(
                    "{}: body: whole needs a oneOf body with a variant that is not an object",
                    p.name
                )
            })?;
        if std::mem::replace(&mut claimed[index], true) {
            return Err(format!("{}: a second body: whole", p.name));
        }
        return Ok(Param {
            shape: derive(spec, spec_params[index].schema, &p.name, named)?,
            wire: p.name.clone(),
            name: p.name,
            aliases: p.aliases,
            location: Location::Whole,
            required: false,
            doc: p.doc,
            deviation: None,
        });
    }
    let wire = p.wire.unwrap_or_else(|| p.name.clone());
    let found: Vec<usize> = (0..spec_params.len())
        .filter(|&i| spec_params[i].wire == wire)
        .collect();
    if let Some(extra) = p.not_in_spec {
        // `in: whole` is a whole body the spec does not declare (feedback's array of many);
        // where the spec has one (a oneOf body), `body: whole` names it instead.
        if extra.location == Location::Whole
            && spec_params.iter().any(|s| s.location == Location::Whole)
        {
            return Err(format!(
                "{wire}: not_in_spec cannot be in: whole (use body: whole)"
            ));
        }
        if found
            .iter()
            .any(|&i| spec_params[i].location == extra.location)
        {
            return Err(format!("{wire} is in the spec: drop its not_in_spec"));
        }
        return Ok(Param {
            shape: derive(spec, &extra.schema, &p.name, named)?,
            name: p.name,
            wire,
            aliases: p.aliases,
            location: extra.location,
            required: false,
            doc: p.doc,
            deviation: Some(
                format!("Not in the spec: {}.", extra.why.trim())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        });
    }
    let index = match found[..] {
        [i] => i,
        [] => {
            return Err(format!(
                "{wire} is not in the spec (mark it not_in_spec, with why)"
            ))
        }
        _ => return Err(format!("{wire} names more than one parameter of the spec")),
    };
    if std::mem::replace(&mut claimed[index], true) {
        return Err(format!("{wire} has two overlay entries"));
    }
    let theirs = &spec_params[index];
    let mut required = theirs.required;
    let mut shape_schema = theirs.schema;
    let merged;
    let mut deviation = None;
    if let Some(d) = p.deviates {
        let mut said = Vec::new();
        if let Some(ours) = d.required {
            if ours == theirs.required {
                return Err(format!("{wire}: the spec already says required: {ours}"));
            }
            required = ours;
            said.push(format!("required: {ours}"));
        }
        if let Some(patch) = d.schema {
            for (key, value) in &patch {
                said.push(format!("{}: {}", show(key), show(value)));
            }
            merged = overlaid(spec.resolve(theirs.schema)?, patch, &wire)?;
            shape_schema = &merged;
        }
        if said.is_empty() {
            return Err(format!(
                "{wire}: deviates names neither required nor schema"
            ));
        }
        // One line: it becomes a `//` comment beside the descriptor, and a nested schema patch
        // (`{items: {type: object}}`) shows over several lines otherwise.
        let text = format!(
            "Differs from the spec ({}): {}.",
            said.join(", "),
            d.why.trim()
        );
        deviation = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Ok(Param {
        shape: derive(spec, shape_schema, &p.name, named)?,
        name: p.name,
        wire,
        aliases: p.aliases,
        location: theirs.location,
        required,
        doc: p.doc,
        deviation,
    })
}

/// The spec's schema with the overlay's keys laid over it. A key that repeats what the spec
/// already says is refused, so every declared deviation is a real one.
fn overlaid(theirs: &Value, patch: Mapping, wire: &str) -> Result<Value, String> {
    let mut merged = theirs
        .as_mapping()
        .cloned()
        .ok_or_else(|| format!("{wire}: the spec's schema is not an object"))?;
    for (key, value) in patch {
        // `key: null` removes the spec's key: `{oneOf: null, type: object}` says what a
        // combinator the core cannot check becomes.
        if value.is_null() {
            if merged.remove(&key).is_none() {
                return Err(format!("{wire}: the spec has no {} to remove", show(&key)));
            }
            continue;
        }
        if merged.get(&key) == Some(&value) {
            return Err(format!(
                "{wire}: the spec already says {}: {}",
                show(&key),
                show(&value)
            ));
        }
        merged.insert(key, value);
    }
    Ok(Value::Mapping(merged))
}

fn show(v: &Value) -> String {
    serde_yaml::to_string(v)
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

/// Names must be unambiguous for the core's lookup, and rules and path placeholders must
/// name parameters that exist.
fn check_names(path: &str, params: &[Param], rules: &[Rule]) -> Result<(), String> {
    let mut spellings: Vec<&str> = Vec::new();
    for p in params {
        for spelling in std::iter::once(&p.name).chain(&p.aliases) {
            if spellings.contains(&spelling.as_str()) {
                return Err(format!("{spelling} names two parameters"));
            }
            spellings.push(spelling);
        }
    }
    for rule in rules {
        let names = match rule {
            Rule::RequiredWhen { param, when, .. } => [param, when],
            Rule::Ordered { min, max } => [min, max],
            Rule::RequiredWithout { param, without } => [param, without],
        };
        for name in names {
            if !params.iter().any(|p| &p.name == name) {
                return Err(format!("a rule names {name}, which is no parameter"));
            }
        }
        if let Rule::Ordered { min, max } = rule {
            let kind = |name: &str| {
                params
                    .iter()
                    .find(|p| p.name == name)
                    .filter(|p| p.location != Location::Path)
                    .and_then(|p| ordering(&p.shape))
            };
            match (kind(min), kind(max)) {
                (Some(a), Some(b)) if a == b => {}
                _ => {
                    return Err(format!(
                        "ordered: {min} and {max} must both be date-times or both numbers \
                         (query or body parameters)"
                    ))
                }
            }
            if min == max {
                return Err(format!("ordered: {min} is both min and max"));
            }
        }
    }
    let mut rest = path;
    while let Some((_, tail)) = rest.split_once('{') {
        let (wire, tail) = tail.split_once('}').ok_or("unbalanced { in the path")?;
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.wire == wire)
        {
            return Err(format!("path placeholder {{{wire}}} has no path parameter"));
        }
        rest = tail;
    }
    Ok(())
}

pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse;

    const SPEC: &str = "
paths:
  /keys/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      parameters:
        - {name: page, in: query, required: true, schema: {type: integer}}
        - {name: x-portkey-api-key, in: header, schema: {type: string}}
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
components:
  schemas:
    Body:
      type: object
      required: [name]
      properties:
        name: {type: string}
        sub-type: {type: string, enum: [a, b]}
";

    fn resolve_one(overlay: &str) -> Result<Operation, String> {
        let spec = parse(SPEC);
        // Every operation needs a mock entry; the tests here are about other things.
        let overlay = if overlay.contains("mock:") {
            overlay.to_owned()
        } else {
            format!("{overlay}mock: {{action: retrieve, store: keys}}\n")
        };
        let op: overlay::Operation = serde_yaml::from_str(&overlay).unwrap();
        operation(&spec, "keys", op, &[], &mut [], &mut Named::default())
    }

    #[test]
    fn the_spec_gives_locations_required_flags_and_shapes() {
        let op = resolve_one(
            "name: keys.update
node: keys.change
spec: PUT /keys/{id}
summary: s
extra_body: true
params:
  - {name: id, doc: d}
  - {name: sub_type, wire: sub-type, aliases: [sub-type], doc: d}
  - {name: name, doc: d}
rules:
  - required_when: {param: name, when: sub_type, equals: a}
",
        )
        .unwrap();
        assert_eq!(
            (op.constant.as_str(), op.node.as_str()),
            ("UPDATE", "keys.change")
        );
        let got: Vec<_> = op
            .params
            .iter()
            .map(|p| (p.wire.as_str(), p.location, p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("id", Location::Path, true),
                ("sub-type", Location::Body, false),
                ("name", Location::Body, true)
            ]
        );
        assert_eq!(
            op.params[1].shape,
            Shape::Enum(vec!["a".into(), "b".into()])
        );
        // Without `node:`, Node's name is the camelCase of the Python one.
        let camel = resolve_one("name: keys.get_all\nspec: GET /keys/{id}\nsummary: s\nparams: [{name: id, doc: d}, {name: page, doc: d}]\n");
        assert_eq!(camel.unwrap().node, "keys.getAll");
    }

    #[test]
    fn deviations_are_declared_and_must_be_real() {
        let op = resolve_one(
            "name: keys.get
spec: GET /keys/{id}
summary: s
params:
  - {name: id, doc: d}
  - name: page
    doc: d
    deviates: {why: because, required: false, schema: {minimum: 0}}
  - name: filter
    doc: d
    not_in_spec: {why: the SDKs send it, in: query, schema: {type: string}}
",
        )
        .unwrap();
        let page = &op.params[1];
        assert!(!page.required);
        assert_eq!(
            page.shape,
            Shape::Integer {
                min: Some(0),
                max: None
            }
        );
        assert_eq!(
            page.deviation.as_deref(),
            Some("Differs from the spec (required: false, minimum: 0): because.")
        );
        assert_eq!(op.params[2].location, Location::Query);

        let repeat = "name: keys.get
spec: GET /keys/{id}
summary: s
params:
  - {name: id, doc: d}
  - {name: page, doc: d, deviates: {why: w, schema: {type: integer}}}
";
        assert!(resolve_one(repeat).unwrap_err().contains("already says"));

        // The text becomes a `//` comment in generated Rust: it must stay on one line, however
        // the overlay spells it.
        let multi_line = "name: keys.get
spec: GET /keys/{id}
summary: s
params:
  - {name: id, doc: d}
  - name: page
    doc: d
    deviates:
      why: |
        first line
        second line
      schema: {minimum: 0}
";
        let op = resolve_one(multi_line).unwrap();
        assert_eq!(
            op.params[1].deviation.as_deref(),
            Some("Differs from the spec (minimum: 0): first line second line.")
        );
    }

    #[test]
    fn overlay_and_spec_must_name_the_same_parameters() {
        let err = |overlay: &str| resolve_one(overlay).unwrap_err();
        let head =
            "name: keys.get\nspec: GET /keys/{id}\nsummary: s\nparams:\n  - {name: id, doc: d}\n";
        assert!(err(head).contains("page have no overlay entry"));
        assert!(err(&format!(
            "{head}  - {{name: page, doc: d}}\n  - {{name: pge, doc: d}}\n"
        ))
        .contains("pge is not in the spec"));
        assert!(err(&format!(
            "{head}  - name: page\n    doc: d\n    not_in_spec: {{why: w, in: query, schema: {{}}}}\n"
        ))
        .contains("drop its not_in_spec"));
        assert!(err(&format!(
            "{head}  - {{name: page, aliases: [id], doc: d}}\n"
        ))
        .contains("id names two parameters"));
        assert!(err("name: other.get\nspec: GET /keys/{id}\nsummary: s\n")
            .contains("must start with keys."));
        assert!(err("name: keys.get\nspec: PATCH /keys/{id}\nsummary: s\n").contains("no Method"));
    }

    /// The data plane's `POST /prompts/{promptId}/render`, as the spec has it: served by the
    /// gateway group, a body that is an `allOf` of one object, with a `oneOf` property.
    const DATA_PLANE: &str = "
paths:
  /prompts/{promptId}/render:
    servers:
      - {url: 'https://api.portkey.ai/v1'}
      - {url: SELF_HOSTED_GATEWAY_URL}
    post:
      parameters: [{in: path, name: promptId, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - type: object
                  required: [variables]
                  properties:
                    variables: {type: object}
                    hyperparameters:
                      oneOf: [{type: object}, {type: string}]
                - {$ref: '#/components/schemas/Extra'}
components:
  schemas:
    Extra:
      type: object
      properties:
        temperature: {type: number, minimum: 0, maximum: 2}
";

    fn resolve_data_plane(params: &str) -> Result<Operation, String> {
        let spec = parse(DATA_PLANE);
        let op: overlay::Operation = serde_yaml::from_str(&format!(
            "name: prompts.render\nspec: POST /prompts/{{promptId}}/render\nsummary: s\n\
             mock: {{action: custom, store: prompts, hook: render}}\nparams:\n{params}"
        ))
        .unwrap();
        operation(&spec, "prompts", op, &[], &mut [], &mut Named::default())
    }

    #[test]
    fn data_plane_operations_with_all_of_bodies_are_accepted() {
        let all = "  - {name: prompt_id, wire: promptId, doc: d}
  - {name: variables, doc: d}
  - name: hyperparameters
    doc: d
    deviates: {why: the core cannot check a oneOf, schema: {oneOf: null, type: object}}
  - {name: temperature, doc: d}
";
        let op = resolve_data_plane(all).unwrap();
        assert!(!op.at_origin);
        let got: Vec<_> = op
            .params
            .iter()
            .map(|p| (p.wire.as_str(), p.location, p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("promptId", Location::Path, true),
                ("variables", Location::Body, true),
                ("hyperparameters", Location::Body, false),
                ("temperature", Location::Body, false),
            ]
        );
        assert_eq!(op.params[2].shape, Shape::Object(vec![]));
        assert_eq!(
            op.params[2].deviation.as_deref(),
            Some(
                "Differs from the spec (oneOf: null, type: object): the core cannot check a oneOf."
            )
        );
        assert_eq!(
            op.params[3].shape,
            Shape::Number {
                min: Some(0.0),
                max: Some(2.0)
            }
        );
        // Every member's properties need an entry, the `$ref`'d one's too.
        let err =
            resolve_data_plane(&all.replace("  - {name: temperature, doc: d}\n", "")).unwrap_err();
        assert!(err.contains("temperature have no overlay entry"), "{err}");
        // Without the deviation, the combinator is refused, not validated less than it says.
        let err = resolve_data_plane(&all.replace("oneOf: null, ", "")).unwrap_err();
        assert!(err.contains("oneOf has no Shape"), "{err}");
        // Removing what the spec does not have is no deviation.
        let err = resolve_data_plane(&all.replace("oneOf: null", "anyOf: null")).unwrap_err();
        assert!(err.contains("has no anyOf to remove"), "{err}");
    }

    const ANALYTICS: &str = "
paths:
  /analytics/cost:
    get:
      parameters:
        - {name: time_of_generation_min, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: cost_min, in: query, schema: {type: number}}
  /analytics/users:
    get:
      parameters:
        - {name: time_of_generation_min, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: page_size, in: query, schema: {type: integer}}
";

    fn resolve_analytics(overlay: &str) -> Result<Vec<Resource>, Vec<String>> {
        let spec = parse(ANALYTICS);
        let resource: overlay::Resource = serde_yaml::from_str(overlay).unwrap();
        resolve(
            &spec,
            vec![("analytics".to_owned(), resource)],
            &mut Named::default(),
        )
    }

    #[test]
    fn shared_params_apply_where_the_spec_has_them() {
        let overlay = "doc: d
shared_params:
  - {name: time_of_generation_min, doc: shared start}
  - {name: cost_min, doc: shared cost}
operations:
  - name: analytics.cost
    spec: GET /analytics/cost
    summary: s
    mock: {action: custom, store: logs, hook: cost}
  - name: analytics.users
    spec: GET /analytics/users
    summary: s
    mock: {action: custom, store: logs, hook: users}
    params:
      - {name: page_size, doc: own}
      - {name: time_of_generation_min, doc: its own doc}
";
        let resources = resolve_analytics(overlay).unwrap();
        let ops = &resources[0].operations;
        let cost: Vec<_> = ops[0]
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.doc.as_str(), p.required))
            .collect();
        assert_eq!(
            cost,
            [
                ("time_of_generation_min", "shared start", true),
                ("cost_min", "shared cost", false)
            ]
        );
        assert_eq!(
            ops[0].params[1].shape,
            Shape::Number {
                min: None,
                max: None
            }
        );
        // An operation's own entry wins; a shared one its spec lacks is not added.
        let users: Vec<_> = ops[1]
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.doc.as_str()))
            .collect();
        assert_eq!(
            users,
            [
                ("page_size", "own"),
                ("time_of_generation_min", "its own doc")
            ]
        );

        let unused = overlay.replace(
            "  - {name: cost_min, doc: shared cost}\n",
            "  - {name: cost_min, doc: shared cost}\n  - {name: cost_max, doc: x}\n",
        );
        let errors = resolve_analytics(&unused).unwrap_err();
        assert!(
            errors[0].contains("shared param cost_max applies to no operation"),
            "{errors:?}"
        );
        let not_in_spec = overlay.replace(
            "  - {name: cost_min, doc: shared cost}\n",
            "  - {name: cost_min, doc: shared cost}\n  - name: x\n    doc: x\n    not_in_spec: {why: w, in: query, schema: {type: string}}\n",
        );
        let errors = resolve_analytics(&not_in_spec).unwrap_err();
        assert!(
            errors[0].contains("not_in_spec cannot be shared"),
            "{errors:?}"
        );
        // Without the shared entries, the spec's parameters still need one.
        let bare = overlay.replace("shared_params:\n  - {name: time_of_generation_min, doc: shared start}\n  - {name: cost_min, doc: shared cost}\n", "");
        let errors = resolve_analytics(&bare).unwrap_err();
        assert!(errors[0].contains("have no overlay entry"), "{errors:?}");
    }

    #[test]
    fn a_one_of_body_gives_its_fields_and_a_whole_body_parameter() {
        let spec = parse(
            "
paths:
  /logs:
    post:
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - $ref: '#/components/schemas/Log'
                - {type: array, items: {$ref: '#/components/schemas/Log'}}
components:
  schemas:
    Log:
      type: object
      required: [request]
      properties:
        request: {type: object}
        metadata: {type: object}
",
        );
        let resolve = |params: &str| {
            let op: overlay::Operation = serde_yaml::from_str(&format!(
                "name: logs.create\nspec: POST /logs\nsummary: s\n\
                 mock: {{action: custom, store: logs, hook: log_create}}\nparams:\n{params}"
            ))
            .unwrap();
            operation(&spec, "logs", op, &[], &mut [], &mut Named::default())
        };
        let all = "  - {name: request, doc: d}\n  - {name: metadata, doc: d}\n  - {name: logs, body: whole, doc: d}\n";
        let op = resolve(all).unwrap();
        let got: Vec<_> = op
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.wire.as_str(), p.location, p.required))
            .collect();
        // With the whole body as the other way, no field is required.
        assert_eq!(
            got,
            [
                ("request", "request", Location::Body, false),
                ("metadata", "metadata", Location::Body, false),
                ("logs", "logs", Location::Whole, false),
            ]
        );
        assert_eq!(
            op.params[2].shape,
            Shape::Array(Box::new(Shape::Named("LOG".into())))
        );
        let err = resolve(&all.replace("  - {name: logs, body: whole, doc: d}\n", "")).unwrap_err();
        assert!(
            err.contains("the whole body (an entry with `body: whole`)"),
            "{err}"
        );
        let err = resolve(&all.replace(
            "{name: logs, body: whole",
            "{name: logs, wire: x, body: whole",
        ))
        .unwrap_err();
        assert!(err.contains("takes no wire"), "{err}");
        let twice = format!("{all}  - {{name: more, body: whole, doc: d}}\n");
        assert!(resolve(&twice)
            .unwrap_err()
            .contains("a second body: whole"));
        // An object body has no whole-body variant.
        let err = resolve_one(
            "name: keys.update\nspec: PUT /keys/{id}\nsummary: s\nparams:\n  - {name: id, doc: d}\n  - {name: name, doc: d}\n  - {name: all, body: whole, doc: d}\n",
        )
        .unwrap_err();
        assert!(err.contains("needs a oneOf body"), "{err}");
    }

    #[test]
    fn helpers_compose_an_operation_and_add_their_settings() {
        let spec = parse(
            "
paths:
  /jobs/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
",
        );
        let overlay = "doc: d
operations:
  - name: jobs.wait
    node: jobs.waitForCompletion
    summary: Wait.
    helper: {poll: jobs.retrieve, field: status, done: [success], failed: [failed]}
  - name: jobs.retrieve
    spec: GET /jobs/{id}
    summary: s
    positional: id
    mock: {action: retrieve, store: jobs}
    params: [{name: id, doc: The job.}]
  - name: jobs.start
    spec: POST /jobs/{id}
    summary: s
    mock: {action: custom, store: jobs, hook: start}
    params: [{name: id, doc: The job.}]
";
        let run = |overlay: &str| {
            let resource: overlay::Resource = serde_yaml::from_str(overlay).unwrap();
            resolve(
                &spec,
                vec![("jobs".into(), resource)],
                &mut Named::default(),
            )
        };
        let resources = run(overlay).unwrap();
        // Resolved after the file's operations, whatever the order in the file.
        let wait = resources[0].operations.last().unwrap();
        assert_eq!(wait.name, "jobs.wait");
        assert_eq!(
            (wait.constant.as_str(), wait.node.as_str()),
            ("WAIT", "jobs.waitForCompletion")
        );
        assert_eq!(
            (wait.method, wait.path.as_str()),
            (Method::Get, "/jobs/{id}")
        );
        assert_eq!(wait.positional, ["id"]);
        let names: Vec<_> = wait.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["id", "poll_interval", "max_wait"]);
        assert_eq!(
            wait.params[1].shape,
            Shape::Number {
                min: Some(0.0),
                max: None
            }
        );
        assert_eq!(wait.helper.as_ref().unwrap().done, ["success"]);

        let err = |from: &str, to: &str| run(&overlay.replace(from, to)).unwrap_err().join("\n");
        assert!(err("poll: jobs.retrieve", "poll: jobs.nope").contains("jobs.nope is no operation"));
        assert!(err("poll: jobs.retrieve", "poll: jobs.start").contains("is not a GET"));
        assert!(err("done: [success]", "done: []").contains("at least one state"));
        assert!(err(
            "    summary: Wait.\n",
            "    summary: Wait.\n    spec: GET /jobs/{id}\n"
        )
        .contains("a helper takes no spec"));
    }

    #[test]
    fn only_the_api_key_header_is_left_out() {
        // SPEC's GET /keys/{id} has an x-portkey-api-key header parameter, which needs no entry.
        assert!(resolve_one(
            "name: keys.get\nspec: GET /keys/{id}\nsummary: s\nparams: [{name: id, doc: d}, {name: page, doc: d}]\n"
        )
        .is_ok());
        let spec = parse("paths: {/a: {get: {parameters: [{name: x-trace, in: header, schema: {type: string}}]}}}");
        let op: overlay::Operation = serde_yaml::from_str(
            "{name: keys.get, spec: GET /a, summary: s, mock: {action: list, store: keys}}",
        )
        .unwrap();
        let err = operation(&spec, "keys", op, &[], &mut [], &mut Named::default()).unwrap_err();
        assert!(err.contains("x-trace"), "{err}");
    }
}
