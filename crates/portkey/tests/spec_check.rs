//! Proves the operation descriptors match the OpenAPI spec in ../shared (method, path, path
//! and query parameters, body fields with their types, enums, bounds and required lists).
//! The descriptors are generated from that spec (`cargo xtask codegen`); this is a second,
//! independent reading of it, so a mistake in the generator's shape derivation shows here.
//! The spec is not part of this repository; without it the check prints that it skipped, except
//! under `CI=true`, where it fails.

use std::collections::BTreeSet;
use std::path::PathBuf;

use portkey::operation::{Location, Operation, Shape};
use portkey::ops::OPERATIONS;
use serde_json::Value;

/// Parameters we send that the spec lacks (the overlay's `not_in_spec`), by operation and wire
/// name, each with its reason: query parameters and body fields alike.
const OFFICIAL_EXTRAS: &[(&str, &str, &str)] = &[
    (
        "virtual_keys.list",
        "workspace_id",
        "the official SDKs' list(workspace_id) filter",
    ),
    (
        "configs.list",
        "workspace_id",
        "the official SDKs' list(workspace_id) filter",
    ),
    (
        "logs.exports.create",
        "description",
        "the official SDKs' create(description=...)",
    ),
    (
        "feedback.create",
        "feedbacks",
        "a list of feedbacks as the whole body (the official bulk_create)",
    ),
    (
        "feedback.bulk_create",
        "feedbacks",
        "a list of feedbacks as the whole body (the official bulk_create)",
    ),
    // The prompt hyperparameters the spec groups under `hyperparameters` but says to send at
    // the root, as the official SDKs do.
    ("prompts.render", "stream", "root-level hyperparameter"),
    ("prompts.render", "temperature", "root-level hyperparameter"),
    ("prompts.render", "max_tokens", "root-level hyperparameter"),
    ("prompts.render", "top_k", "root-level hyperparameter"),
    ("prompts.render", "top_p", "root-level hyperparameter"),
    (
        "prompts.completions.create",
        "temperature",
        "root-level hyperparameter",
    ),
    (
        "prompts.completions.create",
        "max_tokens",
        "root-level hyperparameter",
    ),
    (
        "prompts.completions.create",
        "top_k",
        "root-level hyperparameter",
    ),
    (
        "prompts.completions.create",
        "top_p",
        "root-level hyperparameter",
    ),
];

/// Required flags the overlay declares different from the spec (`deviates: {required: ..}`),
/// by operation and wire name.
const REQUIRED_DEVIATIONS: &[(&str, &str)] = &[("prompts.create", "virtual_key")];

fn spec_path() -> PathBuf {
    std::env::var_os("PORTKEY_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/spec/portkey-openapi.yaml")
        })
}

/// The spec, or `None` after saying plainly that the check was skipped. CI always has the spec
/// beside the clone, so there (`CI=true`) a missing spec fails instead of passing in silence.
fn spec() -> Option<Value> {
    let path = spec_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "spec_check: the spec is required under CI=true but {} is not readable",
                path.display()
            );
        }
        // Straight to the process's stderr: libtest captures `eprintln!` of passing tests,
        // and this line must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "spec_check: skipped: spec not found at {} (set PORTKEY_SPEC to check)",
            path.display()
        );
        return None;
    };
    Some(serde_yaml::from_str(&text).expect("the spec is valid YAML"))
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            resolve(
                spec,
                spec.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {r}")),
            )
        }
        None => schema,
    }
}

fn one_of(schema: &Value) -> Option<&Vec<Value>> {
    ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|k| schema.get(k).and_then(Value::as_array))
}

/// Compares a spec schema with our shape; returns the differences found.
fn compare(spec: &Value, schema: &Value, shape: &Shape, at: &str, out: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    let nullable = schema
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let shape = match (shape, nullable) {
        (Shape::Nullable(inner), true) => *inner,
        (Shape::Nullable(_), false) => {
            return out.push(format!("{at}: nullable here, not in the spec"))
        }
        (other, true) => {
            return out.push(format!("{at}: the spec allows null, we do not ({other:?})"))
        }
        (other, false) => other,
    };
    // Checking less than the spec is declared in the overlay where the generator has no shape
    // for a schema (`number`, `oneOf`): `Any` refuses nothing, and an object with no known
    // fields refuses nothing that a `oneOf` of objects accepts. Neither can turn valid input
    // away, which is what this check guards against.
    if matches!(shape, Shape::Any) {
        return;
    }
    if let (Shape::Object([]), Some(variants)) = (shape, one_of(schema)) {
        if variants
            .iter()
            .all(|v| resolve(spec, v).get("type").and_then(Value::as_str) == Some("object"))
        {
            return;
        }
    }
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    match (kind, shape) {
        ("string", Shape::Enum(ours)) => {
            let theirs: BTreeSet<&str> = schema["enum"]
                .as_array()
                .map(|e| e.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let ours: BTreeSet<&str> = ours.iter().copied().collect();
            if theirs != ours {
                out.push(format!("{at}: enum {ours:?} != spec {theirs:?}"));
            }
        }
        ("string", Shape::DateTime) if format == "date-time" => {}
        ("string", Shape::Email) if format == "email" => {}
        ("string", Shape::String)
            if format != "date-time" && format != "email" && schema.get("enum").is_none() => {}
        ("integer", Shape::Integer { min, max }) => {
            let theirs = (
                schema.get("minimum").and_then(Value::as_i64),
                schema.get("maximum").and_then(Value::as_i64),
            );
            if theirs != (*min, *max) {
                out.push(format!("{at}: bounds {:?} != spec {theirs:?}", (min, max)));
            }
        }
        ("number", Shape::Number { min, max }) => {
            let theirs = (
                schema.get("minimum").and_then(Value::as_f64),
                schema.get("maximum").and_then(Value::as_f64),
            );
            if theirs != (*min, *max) {
                out.push(format!("{at}: bounds {:?} != spec {theirs:?}", (min, max)));
            }
        }
        ("boolean", Shape::Boolean) => {}
        ("array", Shape::Array(item)) => {
            compare(spec, &schema["items"], item, &format!("{at}[]"), out)
        }
        ("object", Shape::Object(fields)) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for field in fields.iter() {
                let child = format!("{at}.{}", field.name);
                match props.and_then(|p| p.get(field.name)) {
                    Some(s) => compare(spec, s, &field.shape, &child, out),
                    None => out.push(format!("{child}: not in the spec")),
                }
                if field.required != required.contains(field.name) {
                    out.push(format!(
                        "{child}: required={} but the spec says {}",
                        field.required, !field.required
                    ));
                }
            }
            for name in props.into_iter().flat_map(|p| p.keys()) {
                if !fields.iter().any(|f| f.name == name) && !fields.is_empty() {
                    out.push(format!("{at}.{name}: in the spec, not checked by us"));
                }
            }
        }
        (kind, shape) => out.push(format!(
            "{at}: spec type {kind:?} ({format}) vs our {shape:?}"
        )),
    }
}

fn is_official_extra(op: &Operation, wire: &str) -> bool {
    OFFICIAL_EXTRAS
        .iter()
        .any(|(o, p, _)| *o == op.name && *p == wire)
}

fn check_operation(spec: &Value, op: &Operation, out: &mut Vec<String>) {
    let Some(path_item) = spec["paths"].get(op.path) else {
        return out.push(format!("{}: path {} not in the spec", op.name, op.path));
    };
    let method = op.method.as_str().to_ascii_lowercase();
    let Some(operation) = path_item.get(&method) else {
        return out.push(format!(
            "{}: {} {} not in the spec",
            op.name,
            op.method.as_str(),
            op.path
        ));
    };
    // Parameters of the path item apply to each of its operations (OpenAPI 3.0, "Path Item
    // Object"); the /mcp-* paths declare their ids there.
    let spec_params: Vec<&Value> = [path_item, operation]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|v| resolve(spec, v))
        .collect();
    for (location, name) in [(Location::Path, "path"), (Location::Query, "query")] {
        let theirs: BTreeSet<&str> = spec_params
            .iter()
            .filter(|p| p["in"] == name)
            .filter_map(|p| p["name"].as_str())
            .collect();
        let ours: BTreeSet<&str> = op
            .params
            .iter()
            .filter(|p| p.location == location)
            .map(|p| p.wire)
            .collect();
        for missing in theirs.difference(&ours) {
            out.push(format!(
                "{}: {name} parameter {missing} of the spec is missing",
                op.name
            ));
        }
        for extra in ours.difference(&theirs) {
            if !is_official_extra(op, extra) {
                out.push(format!(
                    "{}: {name} parameter {extra} is not in the spec",
                    op.name
                ));
            }
        }
        for p in op.params.iter().filter(|p| p.location == location) {
            if let Some(s) = spec_params
                .iter()
                .find(|s| s["in"] == name && s["name"] == p.wire)
            {
                if location == Location::Path || matches!(p.shape, Shape::Enum(_)) {
                    compare(
                        spec,
                        &s["schema"],
                        &p.shape,
                        &format!("{}.{}", op.name, p.name),
                        out,
                    );
                }
            }
        }
    }
    let body_params: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Body)
        .collect();
    let schema = operation
        .pointer("/requestBody/content/application~1json/schema")
        .map(|s| resolve(spec, s));
    let Some(schema) = schema else {
        if body_params.iter().any(|p| !is_official_extra(op, p.wire)) {
            out.push(format!("{}: the spec has no request body", op.name));
        }
        return;
    };
    // An `allOf` body is its members' properties together; a `oneOf` body (POST /logs: one
    // log or an array of them) is its object variant's fields, and the other variant is the
    // whole-body parameter's shape.
    let mut members: Vec<&Value> = match schema.get("allOf").and_then(Value::as_array) {
        Some(all) => all.iter().map(|m| resolve(spec, m)).collect(),
        None => vec![schema],
    };
    let mut whole_variants: Vec<&Value> = Vec::new();
    if let Some(variants) = one_of(schema).filter(|_| schema.get("properties").is_none()) {
        members.clear();
        for v in variants.iter().map(|v| resolve(spec, v)) {
            if v.get("properties").is_some() {
                members.push(v);
            } else {
                whole_variants.push(v);
            }
        }
    }
    let mut props = serde_json::Map::new();
    let mut required: BTreeSet<&str> = BTreeSet::new();
    for member in &members {
        if let Some(p) = member.get("properties").and_then(Value::as_object) {
            props.extend(p.clone());
        }
        required.extend(
            member
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
    }
    let has_whole = op.params.iter().any(|p| p.location == Location::Whole);
    for p in op.params.iter().filter(|p| p.location == Location::Whole) {
        match whole_variants[..] {
            [variant] => compare(
                spec,
                variant,
                &p.shape,
                &format!("{}.{}", op.name, p.name),
                out,
            ),
            _ if is_official_extra(op, p.wire) => {}
            _ => out.push(format!(
                "{}: {} is the whole body, but the spec's body has no single non-object variant",
                op.name, p.name
            )),
        }
    }
    for p in &body_params {
        match props.get(p.wire) {
            Some(s) => compare(spec, s, &p.shape, &format!("{}.{}", op.name, p.name), out),
            None if is_official_extra(op, p.wire) => continue,
            None => out.push(format!(
                "{}: body field {} is not in the spec",
                op.name, p.wire
            )),
        }
        // With a whole body as the other way to give it, no field is required (by design).
        let deviates = REQUIRED_DEVIATIONS
            .iter()
            .any(|(o, w)| *o == op.name && *w == p.wire);
        let optional_by_design = has_whole && !p.required;
        if p.required != required.contains(p.wire) && !optional_by_design && !deviates {
            out.push(format!(
                "{}: body field {} required={} differs from the spec",
                op.name, p.wire, p.required
            ));
        }
    }
    for name in props.keys() {
        if !body_params.iter().any(|p| p.wire == name) {
            out.push(format!(
                "{}: body field {name} of the spec is missing",
                op.name
            ));
        }
    }
}

#[test]
fn operations_match_the_spec() {
    let Some(spec) = spec() else {
        return;
    };
    let mut differences = Vec::new();
    for op in OPERATIONS {
        check_operation(&spec, op, &mut differences);
    }
    assert!(
        differences.is_empty(),
        "descriptors differ from the spec:\n{}",
        differences.join("\n")
    );
}
