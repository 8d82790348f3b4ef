//! Checks a parameter value against its `Shape` before anything is sent, so bad input fails
//! fast with the parameter named, in every language the same way.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::operation::Shape;

/// Validates `value` in place. Whole floats (what JavaScript numbers arrive as) are rewritten
/// as integers where the shape wants an integer, so the wire shows `100`, not `100.0`.
pub(crate) fn check(value: &mut Value, shape: &Shape, name: &str) -> Result<()> {
    match (shape, &mut *value) {
        (Shape::Any, _) => Ok(()),
        (Shape::Nullable(_), Value::Null) => Ok(()),
        (Shape::Nullable(inner), _) => check(value, inner, name),
        (Shape::String, Value::String(_)) => Ok(()),
        (Shape::Email, Value::String(s)) if s.contains('@') => Ok(()),
        (Shape::Email, _) => Err(Error::invalid(
            name,
            format!("'{name}' must be an email address, got {}", show(value)),
        )),
        (Shape::DateTime, Value::String(s)) if is_date_time(s) => Ok(()),
        (Shape::DateTime, _) => Err(Error::invalid(
            name,
            format!(
                "'{name}' must be an RFC 3339 date-time like 2026-12-31T23:59:59Z, got {}",
                show(value)
            ),
        )),
        (Shape::Boolean, Value::Bool(_)) => Ok(()),
        (Shape::Integer { min, max }, Value::Number(_)) => {
            let n = as_integer(value).ok_or_else(|| {
                Error::invalid(
                    name,
                    format!("'{name}' must be an integer, got {}", show(value)),
                )
            })?;
            if let Some(min) = min.filter(|m| n < *m) {
                return Err(Error::invalid(
                    name,
                    format!("'{name}' must be >= {min}, got {n}"),
                ));
            }
            if let Some(max) = max.filter(|m| n > *m) {
                return Err(Error::invalid(
                    name,
                    format!("'{name}' must be <= {max}, got {n}"),
                ));
            }
            *value = Value::from(n);
            Ok(())
        }
        (Shape::Enum(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        (Shape::Enum(allowed), _) => Err(Error::invalid(
            name,
            format!(
                "'{name}' must be one of {}, got {}",
                allowed.join(", "),
                show(value)
            ),
        )),
        (Shape::Array(item), Value::Array(items)) => {
            for (i, v) in items.iter_mut().enumerate() {
                check(v, item, &format!("{name}[{i}]"))?;
            }
            Ok(())
        }
        (Shape::Object(fields), Value::Object(map)) => {
            for field in fields.iter() {
                let child = format!("{name}.{}", field.name);
                match map.get_mut(field.name) {
                    Some(v) => check(v, &field.shape, &child)?,
                    None if field.required => {
                        return Err(Error::invalid(&child, format!("'{child}' is required")))
                    }
                    None => {}
                }
            }
            Ok(())
        }
        _ => Err(Error::invalid(
            name,
            format!("'{name}' must be {}, got {}", expected(shape), show(value)),
        )),
    }
}

fn as_integer(value: &Value) -> Option<i64> {
    let n = value.as_number()?;
    n.as_i64().or_else(|| {
        let f = n.as_f64()?;
        (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
    })
}

fn expected(shape: &Shape) -> &'static str {
    match shape {
        Shape::String | Shape::Email | Shape::DateTime | Shape::Enum(_) => "a string",
        Shape::Integer { .. } => "an integer",
        Shape::Boolean => "a boolean",
        Shape::Array(_) => "a list",
        Shape::Object(_) => "an object",
        Shape::Nullable(inner) => expected(inner),
        Shape::Any => "a JSON value",
    }
}

/// A short rendering of the offending value for the message (never a secret: only request
/// parameters reach here, and the client's own API key is not one of them).
fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        format!("{}...", &text[..text.floor_char_boundary(57)])
    } else {
        text
    }
}

/// `YYYY-MM-DDTHH:MM:SS` with optional fraction and a `Z` or `+HH:MM` offset.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10)) {
        return false;
    }
    if !(matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6) && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Field;
    use serde_json::json;

    const LIMIT: Shape = Shape::Object(&[
        Field {
            name: "unit",
            required: true,
            shape: Shape::Enum(&["rpm", "rpd"]),
        },
        Field {
            name: "value",
            required: false,
            shape: Shape::Integer {
                min: Some(1),
                max: Some(10),
            },
        },
    ]);

    fn err(mut v: Value, shape: &Shape) -> (String, String) {
        match check(&mut v, shape, "limits").unwrap_err() {
            Error::InvalidParam { param, message } => (param, message),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn nested_errors_name_the_field_path() {
        let shape = Shape::Array(&LIMIT);
        let (param, message) = err(json!([{"unit": "rpm"}, {"unit": "rpx"}]), &shape);
        assert_eq!(param, "limits[1].unit");
        assert_eq!(
            message,
            "'limits[1].unit' must be one of rpm, rpd, got \"rpx\""
        );
        let (param, _) = err(json!([{"value": 3}]), &shape);
        assert_eq!(param, "limits[0].unit");
        let (_, message) = err(json!([{"unit": "rpm", "value": 0}]), &shape);
        assert_eq!(message, "'limits[0].value' must be >= 1, got 0");
    }

    #[test]
    fn whole_floats_become_integers_and_fractions_are_refused() {
        let shape = Shape::Integer {
            min: None,
            max: None,
        };
        let mut v = json!(100.0);
        check(&mut v, &shape, "n").unwrap();
        assert_eq!(v.to_string(), "100");
        let (_, message) = err(json!(1.5), &shape);
        assert_eq!(message, "'limits' must be an integer, got 1.5");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let (_, message) = err(json!("ten"), &Shape::Array(&Shape::String));
        assert_eq!(message, "'limits' must be a list, got \"ten\"");
    }

    #[test]
    fn date_times() {
        for ok in [
            "2026-12-31T23:59:59Z",
            "2026-12-31T23:59:59.123+02:00",
            "2026-01-01 00:00:00Z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2026-12-31",
            "tomorrow",
            "2026-12-31T23:59:59",
            "2026-12-31T23:59:59+0200",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
