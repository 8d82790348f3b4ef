//! The answers' models: named in the overlay (`models:`), their fields derived from the spec.
//!
//! Where a declared model's fields come from:
//! - `schema: X`: the component schema `#/components/schemas/X`;
//! - `response_of: op`: the 2xx `application/json` schema of an overlay operation (its `$ref`
//!   followed);
//! - `at: a.b` (with either): the schema at that property path inside it, stepping into an
//!   array's items wherever the path meets an array;
//! - `page_of: Item`: a page: `object`, `total`, `data: [Item]`, then the other fields of the
//!   response schema of the first operation whose `response` is this page; `items: records`
//!   names the items' field when it is not `data` (that field is then `[Item]`, and the pagers
//!   of every language read it).
//!
//! Response schemas are messier than request ones, so the derivation is lenient:
//! - `allOf` of one schema is that schema; `allOf` of object schemas merges their properties;
//!   any other `allOf` is `Any`. `oneOf`/`anyOf` with exactly one variant that is not
//!   `type: null` is that variant, else `Any`. No `type` (and no properties, no enum) is `Any`.
//! - An object with properties becomes a model; one without is `Map`.
//! - Nested models are appended to the resource being derived, after its declared ones, in the
//!   order met:
//!   - a component schema that a declared model names (`schema:`, or a `response_of`/`at`
//!     that resolves to it) is that declared model, wherever it appears;
//!   - any other component schema that is an object is a model named after the component in
//!     PascalCase (`workspace-user` -> `WorkspaceUser`); a component that is not an object
//!     (an enum, say) is inlined as its type;
//!   - an inline object is a model named `{Parent}{Field}` (PascalCase of the field's name);
//!     an inline object in an array is named the same way with the field's trailing plural
//!     `s` dropped (`rate_limits` of `APIKey` -> `APIKeyRateLimit`).
//! - A model is emitted once, in the resource that first needs it (resources in file-name
//!   order, models in the order above); other resources refer to it by name (see `owners`).
//!   Two different schemas that would get the same name are an error: declare one of them
//!   under another name.
//!
//! Field docs are the first sentence of the spec's `description`, on one line.

use std::collections::{BTreeMap, HashMap};

use serde_yaml::{Mapping, Value};

use crate::model::{FieldType, Model, ModelField, Resource};
use crate::overlay;
use crate::spec::{ref_of, Spec};

const SCHEMAS: &str = "#/components/schemas/";

/// The field a page holds its items in unless the overlay says `items:`.
pub const DEFAULT_ITEMS: &str = "data";

/// Every model's owning module, by model name: where an emitter imports a model from when a
/// field or an operation of another resource names it.
#[allow(dead_code)] // for the emitters
pub fn owners(resources: &[Resource]) -> BTreeMap<&str, &str> {
    resources
        .iter()
        .flat_map(|r| {
            r.models
                .iter()
                .map(|m| (m.name.as_str(), r.module.as_str()))
        })
        .collect()
}

/// Derives every resource's models. `declared` holds each resource's overlay models, in the
/// order of `resources`; the operations must already be resolved (`response_of` and
/// `page_of` read them). Returns the models per resource, or every problem found.
pub fn derive(
    spec: &Spec,
    resources: &[Resource],
    declared: &[Vec<overlay::Model>],
) -> Result<Vec<Vec<Model>>, Vec<String>> {
    let mut d = Deriver {
        spec,
        resources,
        by_source: HashMap::new(),
        names: HashMap::new(),
        out: vec![Vec::new(); resources.len()],
        errors: Vec::new(),
    };
    // Pass 1: every declared name and source, so that references resolve whatever the order.
    let mut sources: Vec<Vec<Option<Source>>> = Vec::new();
    for (r, models) in declared.iter().enumerate() {
        let module = &resources[r].module;
        let mut resolved = Vec::new();
        for m in models {
            let at = format!("codegen/overlay/{module}.yaml: model {}", m.name);
            let source = d.source(m).map_err(|e| d.errors.push(format!("{at}: {e}")));
            if !is_pascal(&m.name) {
                d.errors
                    .push(format!("{at}: a model name is PascalCase ASCII"));
            }
            let key = match &source {
                Ok(Source::Schema { key, .. }) => key.clone(),
                Ok(Source::Page(_)) | Err(()) => format!("page:{}", m.name),
            };
            if d.names.contains_key(&m.name) {
                d.errors.push(format!("{at}: declared twice"));
            }
            d.names.insert(m.name.clone(), (key.clone(), r));
            if let Ok(Source::Schema { .. }) = &source {
                // The first declaration of a schema is the one its references use.
                d.by_source.entry(key).or_insert_with(|| m.name.clone());
            }
            resolved.push(source.ok());
        }
        sources.push(resolved);
    }
    // Pass 2: fields, declared models first (in order), nested ones appended as met.
    for (r, models) in declared.iter().enumerate() {
        for m in models {
            d.out[r].push(Model {
                name: m.name.clone(),
                doc: m.doc.clone(),
                fields: Vec::new(),
                page_of: m.page_of.clone(),
                items: m.items.clone().unwrap_or_else(|| DEFAULT_ITEMS.to_owned()),
            });
        }
    }
    for (r, models) in declared.iter().enumerate() {
        for (i, m) in models.iter().enumerate() {
            let fields = match &sources[r][i] {
                Some(Source::Schema { key, schema }) => d.fields(schema, &m.name, key, r, None),
                Some(Source::Page(item)) => {
                    let items = d.out[r][i].items.clone();
                    d.page(&m.name, item, &items, r)
                }
                None => continue,
            };
            match fields {
                Ok(fields) => d.out[r][i].fields = fields,
                Err(e) => d.errors.push(format!(
                    "codegen/overlay/{}.yaml: model {}: {e}",
                    resources[r].module, m.name
                )),
            }
        }
    }
    if d.errors.is_empty() {
        Ok(d.out)
    } else {
        Err(d.errors)
    }
}

/// What the operations say about models, once every model is known: `response` names a
/// model, and `paginate` answers with a page.
pub fn check_operations(resources: &[Resource]) -> Vec<String> {
    let models: HashMap<&str, &Model> = resources
        .iter()
        .flat_map(|r| r.models.iter().map(|m| (m.name.as_str(), m)))
        .collect();
    let mut errors = Vec::new();
    for resource in resources {
        for op in &resource.operations {
            let at = format!("codegen/overlay/{}.yaml: {}", resource.module, op.name);
            let model = op.response.as_deref().map(|name| (name, models.get(name)));
            if let Some((name, None)) = model {
                errors.push(format!("{at}: response {name} is no model"));
            }
            if op.paginate && !matches!(model, Some((_, Some(m))) if m.page_of.is_some()) {
                errors.push(format!(
                    "{at}: paginate needs a response model with page_of"
                ));
            }
        }
        for model in &resource.models {
            if let Some(item) = &model.page_of {
                if !models.contains_key(item.as_str()) {
                    errors.push(format!(
                        "codegen/overlay/{}.yaml: model {}: page_of {item} is no model",
                        resource.module, model.name
                    ));
                }
            }
        }
    }
    errors
}

enum Source<'a> {
    /// The schema (its `$ref`s not yet followed) and its identity: the component's `$ref`, or
    /// `response:{op}` plus `/field` (and `[]` for items) per step of `at`.
    Schema {
        key: String,
        schema: &'a Value,
    },
    Page(String),
}

struct Deriver<'a> {
    spec: &'a Spec,
    resources: &'a [Resource],
    /// Declared models by the identity of their schema.
    by_source: HashMap<String, String>,
    /// Every model name so far, with the identity of its schema and its resource.
    names: HashMap<String, (String, usize)>,
    out: Vec<Vec<Model>>,
    errors: Vec<String>,
}

impl<'a> Deriver<'a> {
    fn source(&self, m: &overlay::Model) -> Result<Source<'a>, String> {
        let (key, schema) = match (&m.schema, &m.response_of, &m.page_of) {
            (Some(name), None, None) => {
                let key = format!("{SCHEMAS}{name}");
                let schema = self.spec.root["components"]["schemas"]
                    .get(name.as_str())
                    .ok_or_else(|| format!("the spec has no schema {name}"))?;
                (key, schema)
            }
            (None, Some(op), None) => self.response_schema(op)?,
            (None, None, Some(item)) if m.at.is_none() => {
                return match m.items.as_deref() {
                    Some(items) if !is_field_name(items) => Err(format!(
                        "items: {items} is not a field name (snake_case ASCII)"
                    )),
                    Some(DEFAULT_ITEMS) => Err("items: data is the default; leave it out".into()),
                    Some(other @ ("object" | "total")) => {
                        Err(format!("items: {other} is a page's own field"))
                    }
                    _ => Ok(Source::Page(item.clone())),
                };
            }
            (None, None, Some(_)) => return Err("at: does not go with page_of".into()),
            _ => return Err("give exactly one of schema, response_of, page_of".into()),
        };
        if m.items.is_some() {
            return Err("items: goes only with page_of".into());
        }
        let (key, schema) = match &m.at {
            None => (key, schema),
            Some(path) => self.walk(key, schema, path)?,
        };
        // Identify a component by its name, however it was reached.
        let key = ref_of(schema)
            .filter(|r| r.starts_with(SCHEMAS))
            .map_or(key, str::to_owned);
        if !self.object_like(schema)? {
            return Err("the schema is not an object with properties".into());
        }
        Ok(Source::Schema { key, schema })
    }

    /// The 2xx `application/json` schema of operation `name`, with its identity.
    fn response_schema(&self, name: &str) -> Result<(String, &'a Value), String> {
        let op = self
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.name == name)
            .ok_or_else(|| format!("{name} is no operation of the overlay"))?;
        let (_, operation) = self.spec.operation(op.method.http(), &op.path)?;
        let responses = operation["responses"].as_mapping().into_iter().flatten();
        let mut found: Vec<(&str, &Value)> = responses
            .filter_map(|(code, response)| {
                let code = code.as_str()?;
                code.starts_with('2').then_some((code, response))
            })
            .collect();
        found.sort_by_key(|(code, _)| *code);
        for (_, response) in found {
            let response = self.spec.resolve(response)?;
            if let Some(schema) = response["content"]
                .get("application/json")
                .and_then(|c| c.get("schema"))
            {
                let key = ref_of(schema)
                    .filter(|r| r.starts_with(SCHEMAS))
                    .map_or_else(|| format!("response:{name}"), str::to_owned);
                return Ok((key, schema));
            }
        }
        Err(format!("{name} has no 2xx application/json answer"))
    }

    /// The schema at property path `path` (dotted) inside `schema`.
    fn walk(
        &self,
        mut key: String,
        mut schema: &'a Value,
        path: &str,
    ) -> Result<(String, &'a Value), String> {
        for step in path.split('.') {
            let resolved = self.spec.resolve(schema)?;
            if let Some(r) = ref_of(schema).filter(|r| r.starts_with(SCHEMAS)) {
                key = r.to_owned();
            }
            schema = resolved["properties"]
                .get(step)
                .ok_or_else(|| format!("at: {path}: no property {step}"))?;
            key = format!("{key}/{step}");
            while self.spec.resolve(schema)?["type"].as_str() == Some("array") {
                schema = &self.spec.resolve(schema)?["items"];
                key.push_str("[]");
            }
        }
        Ok((key, schema))
    }

    /// Whether `schema` is an object with properties (or an `allOf` of such).
    fn object_like(&self, schema: &Value) -> Result<bool, String> {
        Ok(self.object_properties(schema)?.is_some())
    }

    /// The properties of an object schema, `allOf`s merged; `None` when it is not an object
    /// with properties.
    fn object_properties(&self, schema: &Value) -> Result<Option<Mapping>, String> {
        let schema = self.spec.resolve(schema)?;
        if let Some(all) = schema.get("allOf").and_then(Value::as_sequence) {
            let mut merged = Mapping::new();
            for part in all {
                match self.object_properties(part)? {
                    Some(properties) => merged.extend(properties),
                    None => return Ok(None),
                }
            }
            if let Some(own) = schema["properties"].as_mapping() {
                merged.extend(own.clone());
            }
            return Ok((!merged.is_empty()).then_some(merged));
        }
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            return Ok(None);
        }
        let typed = matches!(schema["type"].as_str(), None | Some("object"));
        Ok(schema["properties"]
            .as_mapping()
            .filter(|p| typed && !p.is_empty())
            .cloned())
    }

    /// The fields of object schema `schema` of model `parent` (identity `key`), but `skip`.
    fn fields(
        &mut self,
        schema: &Value,
        parent: &str,
        key: &str,
        r: usize,
        skip: Option<&str>,
    ) -> Result<Vec<ModelField>, String> {
        let properties = self
            .object_properties(schema)?
            .ok_or_else(|| format!("{key} is not an object with properties"))?;
        let mut out = Vec::new();
        for (name, property) in &properties {
            let name = name
                .as_str()
                .ok_or_else(|| format!("{key}: a property name is not a string"))?;
            if skip == Some(name) {
                continue;
            }
            let ty = self.ty(property, parent, name, &format!("{key}/{name}"), false, r)?;
            out.push(ModelField {
                name: name.to_owned(),
                ty,
                doc: first_sentence(property["description"].as_str().unwrap_or("")),
            });
        }
        Ok(out)
    }

    /// A page's fields: object, total, the items (`items`, typed `[item]`), then the list
    /// schema's others.
    fn page(
        &mut self,
        name: &str,
        item: &str,
        items: &str,
        r: usize,
    ) -> Result<Vec<ModelField>, String> {
        let list = self
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.response.as_deref() == Some(name))
            .ok_or("a page must be the response of an operation")?
            .name
            .clone();
        let (key, schema) = self.response_schema(&list)?;
        if items != DEFAULT_ITEMS {
            let properties = self.object_properties(schema)?.unwrap_or_default();
            if !properties.contains_key(items) {
                return Err(format!(
                    "items: {items}: the answer of {list} has no field {items}"
                ));
            }
        }
        // The items are typed as the item model, whatever the list schema says about them.
        let mut rest = self.fields(schema, name, &key, r, Some(items))?;
        let mut take = |wire: &str, ty: FieldType, doc: &str| {
            let field = match rest.iter().position(|f| f.name == wire) {
                Some(i) => rest.remove(i),
                None => ModelField {
                    name: wire.to_owned(),
                    ty: ty.clone(),
                    doc: String::new(),
                },
            };
            ModelField {
                ty: if wire == items { ty } else { field.ty },
                doc: if field.doc.is_empty() {
                    doc.to_owned()
                } else {
                    field.doc
                },
                name: field.name,
            }
        };
        let mut out = vec![
            take("object", FieldType::String, "The object type: `list`."),
            take(
                "total",
                FieldType::Integer,
                "How many there are in all, across pages.",
            ),
            take(
                items,
                FieldType::Array(Box::new(FieldType::Model(item.to_owned()))),
                "This page's items.",
            ),
        ];
        out.append(&mut rest);
        Ok(out)
    }

    /// The type of property `field` of model `parent`; `key` identifies its schema, `item`
    /// says it is an array's items.
    fn ty(
        &mut self,
        schema: &Value,
        parent: &str,
        field: &str,
        key: &str,
        item: bool,
        r: usize,
    ) -> Result<FieldType, String> {
        if let Some(reference) = ref_of(schema) {
            let target = self.spec.pointer(reference)?;
            let Some(component) = reference.strip_prefix(SCHEMAS) else {
                return self.ty(target, parent, field, key, item, r);
            };
            if let Some(name) = self.by_source.get(reference) {
                return Ok(FieldType::Model(name.clone()));
            }
            if !self.object_like(target)? {
                return self.ty(target, parent, field, reference, item, r);
            }
            let doc = format!("The spec's `{component}`.");
            return self.model(&pascal(component), reference, target, &doc, r);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_sequence) {
            if let [only] = &all[..] {
                return self.ty(only, parent, field, key, item, r);
            }
        }
        for combinator in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(combinator).and_then(Value::as_sequence) {
                let real: Vec<&Value> = variants
                    .iter()
                    .filter(|v| v["type"].as_str() != Some("null"))
                    .collect();
                return match real[..] {
                    [only] => self.ty(only, parent, field, key, item, r),
                    _ => Ok(FieldType::Any),
                };
            }
        }
        if self.object_like(schema)? {
            let name = format!(
                "{parent}{}",
                if item {
                    singular(&pascal(field))
                } else {
                    pascal(field)
                }
            );
            if let Some(declared) = self.by_source.get(key) {
                return Ok(FieldType::Model(declared.clone()));
            }
            let doc = if item {
                format!("One item of `{parent}.{field}`.")
            } else {
                format!("The `{field}` of `{parent}`.")
            };
            return self.model(&name, key, schema, &doc, r);
        }
        if schema.get("allOf").is_some() {
            return Ok(FieldType::Any);
        }
        let enum_values = schema.get("enum").and_then(Value::as_sequence);
        Ok(match schema["type"].as_str() {
            Some("string") | None if enum_values.is_some() => {
                let mut values: Vec<String> = Vec::new();
                for v in enum_values.into_iter().flatten() {
                    let Some(v) = v.as_str() else {
                        return Ok(match schema["type"].as_str() {
                            Some("string") => FieldType::String,
                            _ => FieldType::Any,
                        });
                    };
                    if !values.iter().any(|seen| seen == v) {
                        values.push(v.to_owned());
                    }
                }
                FieldType::Enum(values)
            }
            Some("string") => FieldType::String,
            Some("integer") => FieldType::Integer,
            Some("number") => FieldType::Number,
            Some("boolean") => FieldType::Boolean,
            Some("array") => match schema.get("items") {
                Some(items) => FieldType::Array(Box::new(self.ty(
                    items,
                    parent,
                    field,
                    &format!("{key}[]"),
                    true,
                    r,
                )?)),
                None => FieldType::Array(Box::new(FieldType::Any)),
            },
            Some("object") => FieldType::Map,
            _ => FieldType::Any,
        })
    }

    /// The model `name` for the object schema identified by `key`: an existing one, or a new
    /// one appended to resource `r`, documented by the schema's description or else
    /// `fallback`.
    fn model(
        &mut self,
        name: &str,
        key: &str,
        schema: &Value,
        fallback: &str,
        r: usize,
    ) -> Result<FieldType, String> {
        match self.names.get(name) {
            Some((seen, _)) if seen == key => return Ok(FieldType::Model(name.to_owned())),
            Some((seen, _)) => {
                return Err(format!(
                    "{key} and {seen} would both be the model {name}: declare one of them under another name"
                ))
            }
            None => {}
        }
        self.names.insert(name.to_owned(), (key.to_owned(), r));
        let resolved = self.spec.resolve(schema)?;
        let doc = match first_sentence(resolved["description"].as_str().unwrap_or("")) {
            doc if !doc.is_empty() => doc,
            _ => fallback.to_owned(),
        };
        // Reserve the slot first: the order is the order met, and a schema that contains
        // itself finds its name registered.
        let index = self.out[r].len();
        self.out[r].push(Model {
            name: name.to_owned(),
            doc,
            fields: Vec::new(),
            page_of: None,
            items: DEFAULT_ITEMS.to_owned(),
        });
        let fields = self.fields(schema, name, key, r, None)?;
        self.out[r][index].fields = fields;
        Ok(FieldType::Model(name.to_owned()))
    }
}

/// `workspace-user` -> `WorkspaceUser`, `rate_limits` -> `RateLimits`, `inviteLink` ->
/// `InviteLink`.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name of one item of a plural: `Targets` -> `Target`, `Policies` -> `Policy`; `Status`
/// and `Address` stay.
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if ["ss", "us", "is"].iter().any(|end| name.ends_with(end)) {
        return name.to_owned();
    }
    name.strip_suffix('s').unwrap_or(name).to_owned()
}

fn is_field_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_pascal(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The first sentence of a description, on one line: up to the first `. ` followed by a
/// capital letter, or the first line ending in `.` or `:` (a list follows), whitespace
/// collapsed.
pub fn first_sentence(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() && !lines.is_empty() {
            break;
        }
        lines.push(line);
        if line.ends_with('.') || line.ends_with(':') {
            break;
        }
    }
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        let next = words.get(i + 1);
        if word.ends_with('.') && next.is_some_and(|n| n.starts_with(|c: char| c.is_uppercase())) {
            break;
        }
    }
    if out.ends_with(':') {
        out.pop();
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{resolve, FieldType as T};
    use crate::shape::Named;
    use crate::spec::parse;

    const SPEC: &str = "
paths:
  /things:
    get:
      parameters:
        - {name: current_page, in: query, schema: {type: integer}}
        - {name: page_size, in: query, schema: {type: integer}}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  object: {type: string, enum: [list]}
                  total: {type: integer}
                  data: {type: array, items: {$ref: '#/components/schemas/Thing'}}
                  has_more: {type: boolean, description: 'More to come. Ask again.'}
    post:
      responses:
        '400': {content: {application/json: {schema: {type: object, properties: {error: {type: string}}}}}}
        '201':
          content:
            application/json:
              schema:
                type: object
                properties:
                  success: {type: boolean}
                  data:
                    type: object
                    properties:
                      id: {type: string}
                      tags: {type: array, items: {type: object, properties: {v: {type: string}}}}
  /logs:
    get:
      parameters:
        - {name: current_page, in: query, schema: {type: integer}}
        - {name: page_size, in: query, schema: {type: integer}}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  records: {type: array, items: {type: object, properties: {id: {type: string}}}}
                  total: {type: integer, description: All matching records.}
                  object: {type: string, enum: [analytics-graph]}
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    delete:
      responses:
        '200': {description: OK}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string, format: uuid, description: 'The id, e.g. th-1. Never changes.'}
        kind: {$ref: '#/components/schemas/Kind'}
        limits: {type: array, items: {$ref: '#/components/schemas/rate-limit'}}
        owner: {allOf: [{$ref: '#/components/schemas/Owner'}]}
        merged: {allOf: [{type: object, properties: {a: {type: integer}}}, {properties: {b: {type: number}}}]}
        either: {oneOf: [{type: string}, {type: integer}]}
        maybe: {anyOf: [{type: string}, {type: 'null'}]}
        meta: {type: object, additionalProperties: true}
        untyped: {}
        parent: {$ref: '#/components/schemas/Thing'}
    Kind: {type: string, enum: [a, b, a]}
    rate-limit: {type: object, description: A limit., properties: {value: {type: integer}}}
    Owner: {type: object, properties: {name: {type: string}}}
";

    fn run(overlay: &str) -> Result<Vec<Resource>, Vec<String>> {
        let spec = parse(SPEC);
        let resource: overlay::Resource =
            serde_yaml::from_str(overlay).map_err(|e| vec![e.to_string()])?;
        resolve(
            &spec,
            vec![("things".into(), resource)],
            &mut Named::default(),
        )
    }

    const OPS: &str = "
operations:
  - name: things.list
    spec: GET /things
    summary: s
    response: ThingList
    paginate: true
    mock: {action: list, store: things}
    params: [{name: current_page, doc: d}, {name: page_size, doc: d}]
  - name: things.create
    spec: POST /things
    summary: s
    response: CreatedThing
    mock: {action: create, store: things}
  - name: things.retrieve
    spec: GET /things/{id}
    summary: s
    response: Thing
    positional: id
    mock: {action: retrieve, store: things}
    params: [{name: id, doc: d}]
";

    const MODELS: &str = "doc: d
models:
  - {name: Thing, doc: A thing., schema: Thing}
  - {name: ThingList, doc: A page., page_of: Thing}
  - {name: CreatedThing, doc: Made., response_of: things.create}
  - {name: Tag, doc: A tag., response_of: things.create, at: data.tags}
";

    fn field<'a>(model: &'a Model, name: &str) -> &'a ModelField {
        model.fields.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn fields_come_from_the_spec() {
        let resources = run(&format!("{MODELS}{OPS}")).unwrap();
        let models = &resources[0].models;
        let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        // Declared ones in overlay order, then nested ones as met.
        assert_eq!(
            names,
            [
                "Thing",
                "ThingList",
                "CreatedThing",
                "Tag",
                "RateLimit",
                "Owner",
                "ThingMerged",
                "CreatedThingData"
            ]
        );
        let thing = &models[0];
        let ty = |name| field(thing, name).ty.clone();
        assert_eq!(ty("id"), T::String);
        assert_eq!(field(thing, "id").doc, "The id, e.g. th-1.");
        // A component that is not an object is inlined; enum values once each.
        assert_eq!(ty("kind"), T::Enum(vec!["a".into(), "b".into()]));
        // Components keep their name (PascalCase).
        assert_eq!(
            ty("limits"),
            T::Array(Box::new(T::Model("RateLimit".into())))
        );
        assert_eq!(models[4].doc, "A limit.");
        assert_eq!(ty("owner"), T::Model("Owner".into()));
        assert_eq!(ty("merged"), T::Model("ThingMerged".into()));
        assert_eq!(
            models[6]
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.ty.clone()))
                .collect::<Vec<_>>(),
            [("a", T::Integer), ("b", T::Number)]
        );
        assert_eq!(ty("either"), T::Any);
        assert_eq!(ty("maybe"), T::String);
        assert_eq!(ty("meta"), T::Map);
        assert_eq!(ty("untyped"), T::Any);
        // A declared component is that model everywhere, itself included.
        assert_eq!(ty("parent"), T::Model("Thing".into()));

        // A page: object, total, data typed as the item, then the rest of the list schema.
        let page = &models[1];
        assert_eq!(page.page_of.as_deref(), Some("Thing"));
        let got: Vec<(&str, T)> = page
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("object", T::Enum(vec!["list".into()])),
                ("total", T::Integer),
                ("data", T::Array(Box::new(T::Model("Thing".into())))),
                ("has_more", T::Boolean)
            ]
        );
        assert_eq!(field(page, "has_more").doc, "More to come.");

        // response_of takes the 2xx answer; `at` names an inner schema, which is then that
        // model inside the answer.
        let created = &models[2];
        assert_eq!(
            field(created, "data").ty,
            T::Model("CreatedThingData".into())
        );
        let data = &models[7];
        assert_eq!(
            field(data, "tags").ty,
            T::Array(Box::new(T::Model("Tag".into())))
        );
        assert_eq!(models[3].fields[0].name, "v");

        let op = &resources[0].operations[2];
        assert_eq!(
            (
                op.response.as_deref(),
                op.positional.first().map(String::as_str),
                op.mock.store.as_str()
            ),
            (Some("Thing"), Some("id"), "things")
        );
        assert_eq!(owners(&resources)["CreatedThingData"], "things");
    }

    #[test]
    fn inline_items_are_named_singular_and_names_must_not_collide() {
        let ops = OPS
            .replace("    response: ThingList\n    paginate: true\n", "")
            .replace("    response: Thing\n", "");
        let resources = run(&format!(
            "doc: d\nmodels:\n  - {{name: CreatedThing, doc: d, response_of: things.create}}\n{ops}"
        ))
        .unwrap();
        let names: Vec<&str> = resources[0]
            .models
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["CreatedThing", "CreatedThingData", "CreatedThingDataTag"]
        );

        // A declared name that a derived model would also take.
        let clash = "doc: d
models:
  - {name: CreatedThing, doc: d, response_of: things.create}
  - {name: CreatedThingData, doc: d, schema: Owner}
operations:
  - {name: things.create, spec: POST /things, summary: s, response: CreatedThing, mock: {action: create, store: things}}
";
        let err = run(clash).unwrap_err().join("\n");
        assert!(
            err.contains("would both be the model CreatedThingData"),
            "{err}"
        );
    }

    fn errors(overlay: &str) -> String {
        run(overlay).unwrap_err().join("\n")
    }

    #[test]
    fn model_declarations_are_checked() {
        let ops = "operations:\n  - {name: things.delete, spec: 'DELETE /things/{id}', summary: s, mock: {action: delete, store: things}, params: [{name: id, doc: d}]}\n";
        let with = |models: &str| errors(&format!("doc: d\nmodels:\n{models}{ops}"));
        assert!(with("  - {name: A, doc: d, schema: Nope}\n").contains("no schema Nope"));
        assert!(
            with("  - {name: A, doc: d, schema: Thing, page_of: Thing}\n").contains("exactly one")
        );
        assert!(with("  - {name: A, doc: d}\n").contains("exactly one"));
        assert!(with("  - {name: a_b, doc: d, schema: Thing}\n").contains("PascalCase"));
        assert!(with("  - {name: A, doc: d, schema: Kind}\n").contains("not an object"));
        assert!(with(
            "  - {name: A, doc: d, schema: Thing}\n  - {name: A, doc: d, schema: Owner}\n"
        )
        .contains("declared twice"));
        assert!(with("  - {name: A, doc: d, response_of: things.nope}\n").contains("no operation"));
        assert!(with("  - {name: A, doc: d, response_of: things.delete}\n").contains("no 2xx"));
        assert!(
            with("  - {name: A, doc: d, schema: Thing, at: nope}\n").contains("no property nope")
        );
        assert!(
            with("  - {name: A, doc: d, page_of: Thing}\n").contains("response of an operation")
        );
        assert!(
            with("  - {name: A, doc: d, schema: Thing, colour: red}\n").contains("unknown field")
        );
    }

    #[test]
    fn operations_are_checked_against_models_and_params() {
        let base = |extra: &str| {
            format!("doc: d\nmodels:\n  - {{name: Thing, doc: d, schema: Thing}}\n  - {{name: ThingList, doc: d, page_of: Thing}}\noperations:\n  - name: things.retrieve\n    spec: GET /things/{{id}}\n    summary: s\n    params: [{{name: id, doc: d}}]\n{extra}")
        };
        let err = |extra: &str| errors(&base(extra));
        let mock = "    mock: {action: retrieve, store: things}\n";
        // The page model is no operation's response here.
        assert!(err(mock).contains("response of an operation"));
        let list = "  - {name: things.list, spec: GET /things, summary: s, response: ThingList, mock: {action: list, store: things}, params: [{name: current_page, doc: d}, {name: page_size, doc: d}]}\n";
        assert!(run(&base(&format!("{mock}{list}"))).is_ok());
        assert!(
            err(&format!("    response: Nope\n{mock}{list}")).contains("response Nope is no model")
        );
        assert!(err(&format!(
            "    response: Thing\n    paginate: true\n{mock}{list}"
        ))
        .contains("paginate needs a GET"));
        assert!(err(&format!("    positional: nope\n{mock}{list}"))
            .contains("positional nope is no path parameter"));
        assert!(err(list).contains("no mock entry"));
        assert!(err(&format!(
            "    mock: {{action: custom, store: things}}\n{list}"
        ))
        .contains("custom needs a hook"));
        assert!(err(&format!(
            "    mock: {{action: list, store: Things}}\n{list}"
        ))
        .contains("store Things is not snake_case"));
        assert!(err(&format!(
            "    mock: {{action: list, store: t, hook: Hook}}\n{list}"
        ))
        .contains("hook Hook is not snake_case"));
        assert!(err(&format!(
            "    mock: {{action: fetch, store: things}}\n{list}"
        ))
        .contains("fetch"));
        assert!(err(&format!("{mock}    colour: red\n{list}")).contains("unknown field"));
    }

    #[test]
    fn paginate_needs_a_page_answer() {
        let ops = OPS.replace("response: ThingList", "response: Thing");
        let models = MODELS.replace("  - {name: ThingList, doc: A page., page_of: Thing}\n", "");
        let err = errors(&format!("{models}{ops}"));
        assert!(
            err.contains("paginate needs a response model with page_of"),
            "{err}"
        );
    }

    const LOGS: &str = "doc: d
models:
  - {name: Thing, doc: A thing., schema: Thing}
  - {name: LogList, doc: A page of logs., page_of: Thing, items: records}
operations:
  - name: things.logs.list
    spec: GET /logs
    summary: s
    response: LogList
    paginate: true
    mock: {action: list, store: logs}
    params: [{name: current_page, doc: d}, {name: page_size, doc: d}]
";

    #[test]
    fn a_page_names_its_items_field() {
        let resources = run(LOGS).unwrap();
        let page = resources[0]
            .models
            .iter()
            .find(|m| m.name == "LogList")
            .unwrap();
        assert_eq!(
            (page.page_of.as_deref(), page.items.as_str()),
            (Some("Thing"), "records")
        );
        // object, total, the items (typed as the item model, not the spec's inline object),
        // then the others; the spec's docs kept.
        let got: Vec<(&str, T)> = page
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("object", T::Enum(vec!["analytics-graph".into()])),
                ("total", T::Integer),
                ("records", T::Array(Box::new(T::Model("Thing".into())))),
            ]
        );
        assert_eq!(field(page, "total").doc, "All matching records.");
        assert!(!page.fields.iter().any(|f| f.name == "data"));
        assert!(resources[0].operations[0].paginate);
        // Without `items:`, a page's items are in `data`; other models say `data` too.
        let resources = run(&format!("{MODELS}{OPS}")).unwrap();
        assert!(resources[0].models.iter().all(|m| m.items == "data"));
    }

    #[test]
    fn the_items_key_is_checked() {
        let with = |from: &str, to: &str| errors(&LOGS.replace(from, to));
        let items = "page_of: Thing, items: records";
        assert!(with(items, "page_of: Thing, items: data").contains("data is the default"));
        assert!(with(items, "page_of: Thing, items: Records").contains("not a field name"));
        assert!(with(items, "page_of: Thing, items: total").contains("a page's own field"));
        let err = with(items, "page_of: Thing, items: rows");
        assert!(
            err.contains("items: rows: the answer of things.logs.list has no field rows"),
            "{err}"
        );
        assert!(with(items, "schema: Thing, items: records").contains("only with page_of"));
        // paginate still needs a page model.
        assert!(
            with(items, "schema: Thing").contains("paginate needs a response model with page_of")
        );
    }

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal("workspace-user"), "WorkspaceUser");
        assert_eq!(pascal("rate_limits"), "RateLimits");
        assert_eq!(pascal("inviteLink"), "InviteLink");
        assert_eq!(singular("Targets"), "Target");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("Status"), "Status");
        assert_eq!(singular("Data"), "Data");
        assert_eq!(
            first_sentence("Credit Limit. Used for tracking"),
            "Credit Limit."
        );
        assert_eq!(
            first_sentence("The provider, e.g. openai.\n More."),
            "The provider, e.g. openai."
        );
        assert_eq!(
            first_sentence("Format of the value.\n\n- `string`: plain"),
            "Format of the value."
        );
        assert_eq!(
            first_sentence("The field. Must be unique.\n- **A**: `key`"),
            "The field."
        );
        assert_eq!(first_sentence("Pick one:\n - a\n - b"), "Pick one.");
        assert_eq!(
            first_sentence("Format of the value.\n- `json`: parsed. Use it"),
            "Format of the value."
        );
        assert_eq!(first_sentence("Spans\ntwo lines. Then"), "Spans two lines.");
    }
}
