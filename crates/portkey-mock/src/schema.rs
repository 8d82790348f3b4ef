//! The types of the generated route table (src/generated/, written by `cargo xtask codegen`
//! from the spec and codegen/overlay) and the request validation that walks them. The mock keeps
//! no shapes or enums of its own: every schema checked here comes from the spec.

use crate::errors::ApiError;
use crate::time;
use serde_json::{Map, Value};

/// One operation the mock serves.
#[derive(Debug)]
pub struct Route {
    /// The SDK's dotted name, e.g. `admin.users.invites.resend`.
    pub op: &'static str,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The spec's path under `/v1` (at the origin when `at_origin`), with `{wire}`
    /// placeholders: `/api-keys/{id}/rotate`.
    pub path: &'static str,
    /// What the generic engine does when no hook is named.
    pub action: Action,
    /// The collection the route works on, e.g. `api_keys`.
    pub store: &'static str,
    /// Served at the origin rather than under `/v1`: the spec's public endpoints (model
    /// pricing), which also need no API key.
    pub at_origin: bool,
    /// A hand-written function (src/hooks) that serves the route instead of the generic action.
    pub hook: Option<&'static str>,
    pub params: &'static [Param],
    pub rules: &'static [Rule],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Retrieve,
    List,
    Update,
    Delete,
    Custom,
}

/// A path, query or body parameter, by its wire name.
#[derive(Debug)]
pub struct Param {
    pub wire: &'static str,
    pub location: In,
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
    Body,
    /// The whole body when it is not an object (POST /logs' array of logs): checked against
    /// this schema and handed to the hook as `body[wire]` (the SDK's parameter name).
    #[allow(dead_code)]
    Whole,
}

/// What one parameter's schema cannot say; names are wire names.
#[derive(Debug)]
pub enum Rule {
    /// `param` is required when `when` has the value `equals`.
    RequiredWhen {
        param: &'static str,
        when: &'static str,
        equals: &'static str,
    },
}

/// The subset of JSON Schema the spec's requests use.
#[derive(Debug)]
pub enum Schema {
    /// Anything (an untyped schema); no request of today's spec has one.
    #[allow(dead_code)]
    Any,
    String,
    Email,
    DateTime,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// Any JSON number (the spec's `type: number`), within the bounds if given.
    #[allow(dead_code)]
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    Enum(&'static [&'static str]),
    Array(&'static Schema),
    /// An object with known fields; other fields are kept as sent. No fields: free-form.
    Object(&'static [Field]),
    Nullable(&'static Schema),
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub schema: Schema,
}

/// Checks `value` against `schema`; `path` names it in messages (`rate_limits[0].unit`).
pub fn check(schema: &Schema, value: &Value, path: &str) -> Result<(), ApiError> {
    let invalid = |expected: &str| {
        ApiError::bad_request(format!(
            "\"{path}\" must be {expected} (got {})",
            describe(value)
        ))
    };
    let ok = |valid: bool, expected: &str| {
        if valid {
            Ok(())
        } else {
            Err(invalid(expected))
        }
    };
    match schema {
        Schema::Any => Ok(()),
        Schema::Nullable(_) if value.is_null() => Ok(()),
        Schema::Nullable(inner) => check(inner, value, path),
        Schema::String => ok(value.is_string(), "a string"),
        Schema::Boolean => ok(value.is_boolean(), "a boolean"),
        Schema::Email => ok(value.as_str().is_some_and(is_email), "an email address"),
        Schema::DateTime => ok(
            value.as_str().is_some_and(time::is_date_time),
            "an RFC 3339 date-time such as 2026-12-31T23:59:59Z",
        ),
        Schema::Integer { min, max } => {
            if value.as_i64().is_none() && value.as_u64().is_some() {
                // Above i64::MAX: too big for any bound the spec sets.
                return max.map_or(Ok(()), |max| Err(invalid(&format!("<= {max}"))));
            }
            let Some(n) = value.as_i64() else {
                return Err(invalid("an integer"));
            };
            if let Some(min) = min.filter(|min| n < *min) {
                return Err(invalid(&format!(">= {min}")));
            }
            if let Some(max) = max.filter(|max| n > *max) {
                return Err(invalid(&format!("<= {max}")));
            }
            Ok(())
        }
        Schema::Number { min, max } => {
            let Some(n) = value.as_f64() else {
                return Err(invalid("a number"));
            };
            if let Some(min) = min.filter(|min| n < *min) {
                return Err(invalid(&format!(">= {min}")));
            }
            if let Some(max) = max.filter(|max| n > *max) {
                return Err(invalid(&format!("<= {max}")));
            }
            Ok(())
        }
        Schema::Enum(allowed) => ok(
            value.as_str().is_some_and(|s| allowed.contains(&s)),
            &format!("one of {}", allowed.join(", ")),
        ),
        Schema::Array(item) => {
            let items = value.as_array().ok_or_else(|| invalid("an array"))?;
            for (i, v) in items.iter().enumerate() {
                check(item, v, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Schema::Object(fields) => {
            let map = value.as_object().ok_or_else(|| invalid("an object"))?;
            check_fields(fields, map, path)
        }
    }
}

/// Checks the known fields of an object (`prefix` is its own path, "" at the top level):
/// required ones first, then each present one, in schema order.
pub fn check_fields(
    fields: &[Field],
    map: &Map<String, Value>,
    prefix: &str,
) -> Result<(), ApiError> {
    let path = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for field in fields {
        match map.get(field.name) {
            Some(value) => check(&field.schema, value, &path(field.name))?,
            None if field.required => return Err(missing(&path(field.name))),
            None => {}
        }
    }
    Ok(())
}

pub fn missing(path: &str) -> ApiError {
    ApiError::bad_request(format!("\"{path}\" is required"))
}

/// A query or path value (always text on the wire) as the JSON value its schema expects:
/// `"2"` is the integer 2 for an integer parameter. Text that does not parse stays text, so
/// the check reports it as sent (`"page_size" must be an integer (got "abc")`).
pub fn from_text(schema: &Schema, text: &str) -> Value {
    match schema {
        Schema::Nullable(inner) => from_text(inner, text),
        Schema::Integer { .. } => text.parse::<i64>().map_or_else(
            |_| {
                text.parse::<u64>()
                    .map_or_else(|_| Value::from(text), Value::from)
            },
            Value::from,
        ),
        Schema::Number { .. } => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            })
            .unwrap_or_else(|| Value::from(text)),
        Schema::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::from(text),
        },
        _ => Value::from(text),
    }
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
        Field {
            name: "unit",
            required: true,
            schema: Schema::Enum(&["rpm", "rps"]),
        },
        Field {
            name: "value",
            required: true,
            schema: Schema::Integer {
                min: Some(0),
                max: None,
            },
        },
    ]);
    const BODY: &[Field] = &[
        Field {
            name: "name",
            required: true,
            schema: Schema::String,
        },
        Field {
            name: "items",
            required: false,
            schema: Schema::Nullable(&Schema::Array(&ITEM)),
        },
        Field {
            name: "days",
            required: false,
            schema: Schema::Integer {
                min: Some(1),
                max: Some(365),
            },
        },
        Field {
            name: "to",
            required: false,
            schema: Schema::Array(&Schema::Email),
        },
    ];

    fn message(body: Value) -> String {
        check_fields(BODY, body.as_object().unwrap(), "")
            .unwrap_err()
            .message
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(message(json!({})), "\"name\" is required");
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
        assert_eq!(
            message(json!({"name": "a", "days": u64::MAX})),
            "\"days\" must be <= 365 (got 18446744073709551615)"
        );
        assert_eq!(
            message(json!({"name": "a", "to": ["a.b"]})),
            "\"to[0]\" must be an email address (got \"a.b\")"
        );
    }

    #[test]
    fn unknown_fields_and_null_where_nullable_pass() {
        let body = json!({"name": "a", "items": null, "extra": 1, "id": "x"});
        assert!(check_fields(BODY, body.as_object().unwrap(), "").is_ok());
        let nested = json!([{"unit": "rpm", "value": 0, "note": "kept"}]);
        assert!(check(&Schema::Array(&ITEM), &nested, "items").is_ok());
    }

    #[test]
    fn text_becomes_the_expected_type() {
        let int = Schema::Integer {
            min: None,
            max: None,
        };
        assert_eq!(from_text(&int, "2"), json!(2));
        assert_eq!(from_text(&int, "1.5"), json!("1.5"));
        assert_eq!(from_text(&Schema::Boolean, "true"), json!(true));
        let number = Schema::Number {
            min: Some(0.0),
            max: Some(10.0),
        };
        assert_eq!(from_text(&number, "2"), json!(2));
        assert_eq!(from_text(&number, "1.5"), json!(1.5));
        assert_eq!(from_text(&number, "abc"), json!("abc"));
        assert!(check(&number, &json!(2.5), "cost").is_ok());
        assert!(check(&number, &json!(3), "cost").is_ok());
        let err = |v: Value| check(&number, &v, "cost").unwrap_err().message;
        assert_eq!(err(json!(-0.5)), "\"cost\" must be >= 0 (got -0.5)");
        assert_eq!(err(json!(10.5)), "\"cost\" must be <= 10 (got 10.5)");
        assert_eq!(err(json!("1.5")), "\"cost\" must be a number (got \"1.5\")");
        assert_eq!(from_text(&Schema::String, "2"), json!("2"));
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.c"));
        assert!(!is_email("a.b.c"));
        assert!(!is_email("@b"));
        assert!(!is_email("a@"));
    }
}
