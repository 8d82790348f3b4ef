//! A tiny declarative schema checker. Resources describe their request bodies as
//! `Schema` constants; `check` walks a JSON value against one, returning the value with
//! unknown object properties dropped (the real API ignores them) or a 400 whose message
//! names the offending field by its full path, e.g. `"rate_limits[0].unit"`.

use crate::errors::ApiError;
use crate::time;
use serde_json::{Map, Value};

pub enum Schema {
    Str,
    NonEmptyStr,
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    OneOf(&'static [&'static str]),
    DateTime,
    Email,
    /// Any JSON object, kept verbatim (free-form metadata).
    AnyObject,
    ArrayOf(&'static Schema),
    Object(&'static [Field]),
    Nullable(&'static Schema),
}

pub struct Field {
    name: &'static str,
    schema: Schema,
    required: bool,
}

pub const fn required(name: &'static str, schema: Schema) -> Field {
    Field {
        name,
        schema,
        required: true,
    }
}

pub const fn optional(name: &'static str, schema: Schema) -> Field {
    Field {
        name,
        schema,
        required: false,
    }
}

/// An integer with a lower bound only.
pub const fn int_min(min: i64) -> Schema {
    Schema::Int { min, max: i64::MAX }
}

pub fn check(schema: &Schema, value: &Value, path: &str) -> Result<Value, ApiError> {
    let invalid = |expected: &str| {
        ApiError::bad_request(format!(
            "\"{path}\" must be {expected} (got {})",
            describe(value)
        ))
    };
    match schema {
        Schema::Nullable(_) if value.is_null() => Ok(Value::Null),
        Schema::Nullable(inner) => check(inner, value, path),
        Schema::Str => value
            .as_str()
            .map(|_| value.clone())
            .ok_or_else(|| invalid("a string")),
        Schema::NonEmptyStr => match value.as_str() {
            Some(s) if s.trim().is_empty() => Err(ApiError::bad_request(format!(
                "\"{path}\" must not be empty"
            ))),
            Some(_) => Ok(value.clone()),
            None => Err(invalid("a string")),
        },
        Schema::Bool => value
            .as_bool()
            .map(|_| value.clone())
            .ok_or_else(|| invalid("a boolean")),
        Schema::Int { min, max } => {
            let Some(n) = value.as_i64() else {
                return Err(if value.as_u64().is_some() {
                    invalid(&format!("<= {max}"))
                } else {
                    invalid("an integer")
                });
            };
            if n < *min {
                Err(invalid(&format!(">= {min}")))
            } else if n > *max {
                Err(invalid(&format!("<= {max}")))
            } else {
                Ok(value.clone())
            }
        }
        Schema::OneOf(allowed) => match value.as_str() {
            Some(s) if allowed.contains(&s) => Ok(value.clone()),
            _ => Err(invalid(&format!("one of {}", allowed.join(", ")))),
        },
        Schema::DateTime => match value.as_str() {
            Some(s) if time::is_date_time(s) => Ok(value.clone()),
            _ => Err(invalid(
                "an RFC 3339 date-time such as 2026-12-31T23:59:59Z",
            )),
        },
        Schema::Email => match value.as_str() {
            Some(s) if is_email(s) => Ok(value.clone()),
            _ => Err(invalid("an email address")),
        },
        Schema::AnyObject => value
            .as_object()
            .map(|_| value.clone())
            .ok_or_else(|| invalid("an object")),
        Schema::ArrayOf(item) => {
            let items = value.as_array().ok_or_else(|| invalid("an array"))?;
            items
                .iter()
                .enumerate()
                .map(|(i, v)| check(item, v, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        Schema::Object(fields) => {
            let map = value.as_object().ok_or_else(|| invalid("an object"))?;
            check_fields(fields, map, path).map(Value::Object)
        }
    }
}

/// Checks the properties of an object (`prefix` is its own path, "" at the top level)
/// and keeps only the known ones, in schema order.
pub fn check_fields(
    fields: &[Field],
    map: &Map<String, Value>,
    prefix: &str,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.to_owned()
        } else {
            format!("{prefix}.{}", field.name)
        };
        match map.get(field.name) {
            Some(value) => {
                out.insert(field.name.to_owned(), check(&field.schema, value, &path)?);
            }
            None if field.required => {
                return Err(ApiError::bad_request(format!("\"{path}\" is required")))
            }
            None => {}
        }
    }
    Ok(out)
}

fn is_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

/// A short rendering of the offending value for error messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::String(s) if s.chars().count() > 60 => {
            let head: String = s.chars().take(60).collect();
            format!("\"{head}...\"")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ITEM: Schema = Schema::Object(&[
        required("unit", Schema::OneOf(&["rpm", "rps"])),
        required("value", int_min(0)),
    ]);
    const BODY: &[Field] = &[
        required("name", Schema::NonEmptyStr),
        optional("items", Schema::Nullable(&Schema::ArrayOf(&ITEM))),
        optional("days", Schema::Int { min: 1, max: 365 }),
    ];

    fn message(body: Value) -> String {
        check_fields(BODY, body.as_object().unwrap(), "")
            .unwrap_err()
            .message
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(message(json!({})), "\"name\" is required");
        assert_eq!(message(json!({"name": " "})), "\"name\" must not be empty");
        assert_eq!(
            message(json!({"name": 3})),
            "\"name\" must be a string (got 3)"
        );
        assert_eq!(
            message(
                json!({"name": "a", "items": [{"unit": "rpm", "value": 1}, {"unit": "x", "value": 1}]})
            ),
            "\"items[1].unit\" must be one of rpm, rps (got \"x\")"
        );
        assert_eq!(
            message(json!({"name": "a", "items": [{"unit": "rpm"}]})),
            "\"items[0].value\" is required"
        );
        assert_eq!(
            message(json!({"name": "a", "days": 366})),
            "\"days\" must be <= 365 (got 366)"
        );
        assert_eq!(
            message(json!({"name": "a", "days": 1.5})),
            "\"days\" must be an integer (got 1.5)"
        );
    }

    #[test]
    fn drops_unknown_fields_and_accepts_null_where_nullable() {
        let body = json!({"name": "a", "items": null, "extra": 1});
        let out = check_fields(BODY, body.as_object().unwrap(), "").unwrap();
        assert_eq!(Value::Object(out), json!({"name": "a", "items": null}));
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.c"));
        assert!(!is_email("a.b.c"));
        assert!(!is_email("@b"));
        assert!(!is_email("a@"));
    }
}
