//! Shapes derived from the spec's JSON Schemas: the subset the core validates before sending
//! (`Shape` in crates/portkey/src/operation.rs), which this mirrors with owned values.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::spec::{ref_of, Spec};

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Any,
    String,
    Email,
    DateTime,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// The spec's `type: number`: any JSON number, within the bounds if given.
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    Enum(Vec<String>),
    Array(Box<Shape>),
    Object(Vec<Field>),
    Nullable(Box<Shape>),
    /// A schema of `components/schemas`, emitted once as a constant and named where used,
    /// as the spec itself names it.
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub required: bool,
    pub shape: Shape,
}

/// The component schemas met while deriving, by constant name.
#[derive(Debug, Default)]
pub struct Named {
    pub shapes: BTreeMap<String, NamedShape>,
}

#[derive(Debug)]
pub struct NamedShape {
    /// The schema's name in the spec, e.g. `UsageLimits`.
    pub schema: String,
    /// `None` while the schema is being derived, so a schema that contains itself is caught.
    pub shape: Option<Shape>,
}

const SCHEMAS: &str = "#/components/schemas/";

/// The shape of `schema`; `at` names the place for error messages.
pub fn derive(spec: &Spec, schema: &Value, at: &str, named: &mut Named) -> Result<Shape, String> {
    if let Some(reference) = ref_of(schema) {
        let Some(schema_name) = reference.strip_prefix(SCHEMAS) else {
            return derive(spec, spec.resolve(schema)?, at, named);
        };
        let constant = const_name(schema_name);
        match named.shapes.get(&constant) {
            Some(seen) if seen.schema != schema_name => {
                return Err(format!(
                    "schemas {} and {schema_name} would both be the constant {constant}",
                    seen.schema
                ))
            }
            Some(NamedShape { shape: None, .. }) => {
                return Err(format!(
                    "{at}: schema {schema_name} contains itself, which Shape cannot express"
                ))
            }
            Some(_) => return Ok(Shape::Named(constant)),
            None => {}
        }
        named.shapes.insert(
            constant.clone(),
            NamedShape {
                schema: schema_name.to_owned(),
                shape: None,
            },
        );
        let shape = derive(spec, spec.pointer(reference)?, schema_name, named)?;
        if let Some(entry) = named.shapes.get_mut(&constant) {
            entry.shape = Some(shape);
        }
        return Ok(Shape::Named(constant));
    }
    // Combinators would need shapes the core does not have; refusing keeps a new operation
    // from silently validating less than its spec says.
    for combinator in ["allOf", "oneOf", "anyOf", "not"] {
        if schema.get(combinator).is_some() {
            return Err(format!("{at}: {combinator} has no Shape yet"));
        }
    }
    let shape = match schema["type"].as_str() {
        None => Shape::Any,
        Some("string") => string(schema, at)?,
        Some("integer") => Shape::Integer {
            min: bound(schema, "minimum", at)?,
            max: bound(schema, "maximum", at)?,
        },
        Some("number") => Shape::Number {
            min: number_bound(schema, "minimum", at)?,
            max: number_bound(schema, "maximum", at)?,
        },
        Some("boolean") => Shape::Boolean,
        Some("array") => Shape::Array(Box::new(derive(
            spec,
            &schema["items"],
            &format!("{at}[]"),
            named,
        )?)),
        Some("object") => Shape::Object(fields(spec, schema, at, named)?),
        Some(other) => return Err(format!("{at}: type {other} has no Shape yet")),
    };
    Ok(if schema["nullable"].as_bool() == Some(true) {
        Shape::Nullable(Box::new(shape))
    } else {
        shape
    })
}

/// The fields of an object schema: required ones first, so a missing one is reported before
/// a malformed optional one (validation stops at the first problem); each group in the
/// spec's order.
pub fn fields(
    spec: &Spec,
    schema: &Value,
    at: &str,
    named: &mut Named,
) -> Result<Vec<Field>, String> {
    let required = required_names(schema);
    let properties = schema["properties"].as_mapping();
    for name in &required {
        if !properties.is_some_and(|p| p.contains_key(*name)) {
            return Err(format!("{at}: required field {name} has no schema"));
        }
    }
    let mut out = Vec::new();
    for (name, property) in properties.into_iter().flatten() {
        let name = name
            .as_str()
            .ok_or_else(|| format!("{at}: a property name is not a string"))?;
        out.push(Field {
            name: name.to_owned(),
            required: required.contains(&name),
            shape: derive(spec, property, &format!("{at}.{name}"), named)?,
        });
    }
    out.sort_by_key(|f| !f.required);
    Ok(out)
}

pub fn required_names(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn string(schema: &Value, at: &str) -> Result<Shape, String> {
    if let Some(values) = schema.get("enum") {
        let mut out: Vec<String> = Vec::new();
        for value in values.as_sequence().into_iter().flatten() {
            let value = value
                .as_str()
                .ok_or_else(|| format!("{at}: enum value {value:?} is not a string"))?;
            // The spec lists some values twice (`azure-openai` among the providers).
            if !out.iter().any(|v| v == value) {
                out.push(value.to_owned());
            }
        }
        return Ok(Shape::Enum(out));
    }
    Ok(match schema["format"].as_str() {
        Some("email") => Shape::Email,
        Some("date-time") => Shape::DateTime,
        // uuid and the rest: the server is the judge; the core checks only the type.
        _ => Shape::String,
    })
}

fn bound(schema: &Value, key: &str, at: &str) -> Result<Option<i64>, String> {
    match schema.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{at}: {key} {v:?} is not an integer")),
    }
}

fn number_bound(schema: &Value, key: &str, at: &str) -> Result<Option<f64>, String> {
    match schema.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{at}: {key} {v:?} is not a number")),
    }
}

/// `UsageLimits` -> `USAGE_LIMITS`, `APIKey` -> `API_KEY`.
pub fn const_name(schema: &str) -> String {
    let chars: Vec<char> = schema.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            out.push('_');
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse;

    fn shape_of(components: &str, schema: &str) -> Result<(Shape, Named), String> {
        let spec = parse(components);
        let schema: Value = serde_yaml::from_str(schema).unwrap();
        let mut named = Named::default();
        let shape = derive(&spec, &schema, "p", &mut named)?;
        Ok((shape, named))
    }

    #[test]
    fn json_schema_maps_onto_shapes() {
        let (shape, _) = shape_of(
            "{}",
            "type: object
required: [unit]
properties:
  note: {type: string, nullable: true}
  at: {type: string, format: date-time}
  to: {type: array, items: {type: string, format: email}}
  id: {type: string, format: uuid}
  unit: {type: string, enum: [rpm, rpd, rpm]}
  n: {type: integer, minimum: 1, maximum: 365}
  on: {type: boolean}
  cost: {type: number, minimum: 0, maximum: 2.5}
  ratio: {type: number}
  meta: {type: object, additionalProperties: true}
  any: {}",
        )
        .unwrap();
        let field = |name: &str, required, shape| Field {
            name: name.into(),
            required,
            shape,
        };
        assert_eq!(
            shape,
            Shape::Object(vec![
                field("unit", true, Shape::Enum(vec!["rpm".into(), "rpd".into()])),
                field("note", false, Shape::Nullable(Box::new(Shape::String))),
                field("at", false, Shape::DateTime),
                field("to", false, Shape::Array(Box::new(Shape::Email))),
                field("id", false, Shape::String),
                field(
                    "n",
                    false,
                    Shape::Integer {
                        min: Some(1),
                        max: Some(365)
                    }
                ),
                field("on", false, Shape::Boolean),
                field(
                    "cost",
                    false,
                    Shape::Number {
                        min: Some(0.0),
                        max: Some(2.5)
                    }
                ),
                field(
                    "ratio",
                    false,
                    Shape::Number {
                        min: None,
                        max: None
                    }
                ),
                field("meta", false, Shape::Object(vec![])),
                field("any", false, Shape::Any),
            ])
        );
    }

    #[test]
    fn component_schemas_become_named_shapes_once() {
        let (shape, named) = shape_of(
            "components: {schemas: {Limit: {type: integer}, Limits: {type: array, items: {$ref: '#/components/schemas/Limit'}}}}",
            "type: array\nitems: {$ref: '#/components/schemas/Limits'}",
        )
        .unwrap();
        assert_eq!(shape, Shape::Array(Box::new(Shape::Named("LIMITS".into()))));
        let names: Vec<_> = named.shapes.keys().collect();
        assert_eq!(names, ["LIMIT", "LIMITS"]);
        assert_eq!(
            named.shapes["LIMITS"].shape,
            Some(Shape::Array(Box::new(Shape::Named("LIMIT".into()))))
        );
    }

    #[test]
    fn what_shape_cannot_say_is_refused() {
        let loop_ = "components: {schemas: {Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}}}";
        let err = shape_of(loop_, "$ref: '#/components/schemas/Node'").unwrap_err();
        assert!(err.contains("contains itself"), "{err}");
        assert!(shape_of("{}", "oneOf: [{type: string}]").is_err());
        assert!(shape_of("{}", "type: number\nminimum: x").is_err());
        assert!(shape_of("{}", "type: integer\nminimum: 0.5").is_err());
        assert!(shape_of("{}", "type: object\nrequired: [x]").is_err());
    }

    #[test]
    fn constant_names() {
        assert_eq!(const_name("UsageLimits"), "USAGE_LIMITS");
        assert_eq!(const_name("APIKeyV2"), "API_KEY_V2");
        assert_eq!(const_name("Secret-Mapping"), "SECRET_MAPPING");
    }
}
