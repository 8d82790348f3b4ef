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
    /// The parameter Node also accepts positionally: `method(id, params?, options?)`.
    pub positional: Option<String>,
    /// How the local control plane (crates/portkey-mock) serves the operation.
    pub mock: Mock,
    /// Whether the spec serves it from the API's origin (`https://api.portkey.ai`, its public
    /// endpoints) rather than under `/v1` like the rest of the control plane.
    pub at_origin: bool,
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

#[derive(Debug)]
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
    for (module, resource) in overlay {
        let mut operations = Vec::new();
        for op in resource.operations {
            let name = op.name.clone();
            match operation(spec, &module, op, named) {
                Ok(op) => operations.push(op),
                Err(e) => errors.push(format!("codegen/overlay/{module}.yaml: {name}: {e}")),
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
    let missing: Vec<&str> = spec_params
        .iter()
        .zip(&claimed)
        .filter(|(_, claimed)| !**claimed)
        .map(|(p, _)| p.wire)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the spec's parameters {} have no overlay entry (each needs at least its doc)",
            missing.join(", ")
        ));
    }
    check_names(path, &params, &op.rules)?;
    let node = op
        .node
        .unwrap_or_else(|| op.name.split('.').map(camel).collect::<Vec<_>>().join("."));
    let mock = mock(op.mock)?;
    if let Some(name) = &op.positional {
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
    Ok(Operation {
        constant,
        name: op.name,
        node,
        method,
        path: path.to_owned(),
        params,
        rules: op.rules,
        extra_body: op.extra_body,
        summary: op.summary,
        response: op.response,
        paginate: op.paginate,
        positional: op.positional,
        mock,
        at_origin: served_at_origin(item, operation),
    })
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
    let properties = schema["properties"]
        .as_mapping()
        .ok_or("the request body schema has no properties")?;
    let required = required_names(schema);
    for (name, schema) in properties {
        let wire = name
            .as_str()
            .ok_or("a body property name is not a string")?;
        out.push(SpecParam {
            wire,
            location: Location::Body,
            required: required.contains(&wire),
            schema,
        });
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
    let wire = p.wire.unwrap_or_else(|| p.name.clone());
    let found: Vec<usize> = (0..spec_params.len())
        .filter(|&i| spec_params[i].wire == wire)
        .collect();
    if let Some(extra) = p.not_in_spec {
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
        let Rule::RequiredWhen { param, when, .. } = rule;
        for name in [param, when] {
            if !params.iter().any(|p| &p.name == name) {
                return Err(format!("a rule names {name}, which is no parameter"));
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
        operation(&spec, "keys", op, &mut Named::default())
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
        let err = operation(&spec, "keys", op, &mut Named::default()).unwrap_err();
        assert!(err.contains("x-trace"), "{err}");
    }
}
