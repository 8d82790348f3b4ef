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
        (Shape::Number { min, max }, Value::Number(n)) => {
            let f = n.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                Error::invalid(
                    name,
                    format!("'{name}' must be a finite number, got {}", show(value)),
                )
            })?;
            if let Some(min) = min.filter(|m| f < *m) {
                return Err(Error::invalid(
                    name,
                    format!("'{name}' must be >= {min}, got {f}"),
                ));
            }
            if let Some(max) = max.filter(|m| f > *m) {
                return Err(Error::invalid(
                    name,
                    format!("'{name}' must be <= {max}, got {f}"),
                ));
            }
            // A whole number travels as one (`100`, not `100.0`) whichever language sent it:
            // JavaScript has no integers, Python has both.
            if let Some(whole) = as_integer(value) {
                *value = Value::from(whole);
            }
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
        Shape::Number { .. } => "a number",
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

/// Whether `low` comes after `high`, both valid for `shape` (the `min` parameter's): date-times
/// compared as instants (offsets applied), numbers as numbers, a query number as its text.
/// Values that cannot be compared are never reported reversed: the server is the judge.
pub(crate) fn reversed(shape: &Shape, low: &Value, high: &Value) -> bool {
    match shape {
        Shape::Nullable(inner) => reversed(inner, low, high),
        Shape::DateTime => match (
            low.as_str().and_then(instant),
            high.as_str().and_then(instant),
        ) {
            (Some(a), Some(b)) => a > b,
            _ => false,
        },
        Shape::Integer { .. } | Shape::Number { .. } => {
            let number = |v: &Value| match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            match (number(low), number(high)) {
                (Some(a), Some(b)) => a > b,
                _ => false,
            }
        }
        _ => false,
    }
}

/// An RFC 3339 date-time (as `is_date_time` accepts it) as (seconds since the Unix epoch in
/// UTC, nanoseconds), so `2030-01-01T02:00:00+02:00` and `2030-01-01T00:00:00Z` are equal.
pub(crate) fn instant(s: &str) -> Option<(i64, u32)> {
    if !is_date_time(s) {
        return None;
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> i64 {
        b[r].iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'))
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let (hour, minute, second) = (num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // A leap second (:60) is the next second's start for ordering.
    if second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b[i] == b'.' {
        i += 1;
        let mut scale = 100_000_000u32;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            nanos += u32::from(b[i] - b'0') * scale;
            scale /= 10;
            i += 1;
        }
    }
    let offset = match b[i] {
        b'Z' | b'z' => 0,
        sign => {
            let minutes = num(i + 1..i + 3) * 60 + num(i + 4..i + 6);
            if sign == b'-' {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((
        days * 86_400 + hour * 3_600 + minute * 60 + second - offset,
        nanos,
    ))
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
    fn numbers_take_any_json_number_within_bounds() {
        let shape = Shape::Number {
            min: Some(0.0),
            max: Some(2.5),
        };
        let mut v = json!(1.25);
        check(&mut v, &shape, "cost").unwrap();
        assert_eq!(v.to_string(), "1.25");
        // Whole numbers go out as integers whichever language sent them.
        let mut v = json!(2.0);
        check(&mut v, &shape, "cost").unwrap();
        assert_eq!(v.to_string(), "2");
        let mut v = json!(0);
        check(&mut v, &shape, "cost").unwrap();
        assert_eq!(v.to_string(), "0");
        let (_, message) = err(json!(-0.5), &shape);
        assert_eq!(message, "'limits' must be >= 0, got -0.5");
        let (_, message) = err(json!(2.75), &shape);
        assert_eq!(message, "'limits' must be <= 2.5, got 2.75");
        let (param, message) = err(json!("1.5"), &shape);
        assert_eq!(param, "limits");
        assert_eq!(message, "'limits' must be a number, got \"1.5\"");
        let (_, message) = err(json!(true), &shape);
        assert_eq!(message, "'limits' must be a number, got true");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let (_, message) = err(json!("ten"), &Shape::Array(&Shape::String));
        assert_eq!(message, "'limits' must be a list, got \"ten\"");
    }

    #[test]
    fn instants_apply_offsets_and_fractions() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(instant("2000-03-01T00:00:00Z"), Some((951_868_800, 0)));
        assert_eq!(
            instant("2030-01-01T02:00:00+02:00"),
            instant("2030-01-01T00:00:00Z")
        );
        assert_eq!(
            instant("2029-12-31T23:30:00-00:30"),
            instant("2030-01-01T00:00:00z")
        );
        assert_eq!(
            instant("2030-01-01T00:00:00.25Z"),
            Some((1_893_456_000, 250_000_000))
        );
        assert_eq!(instant("2030-13-01T00:00:00Z"), None);
        assert_eq!(instant("tomorrow"), None);
    }

    #[test]
    fn reversed_ranges() {
        let dt = Shape::DateTime;
        let s = |v: &str| json!(v);
        assert!(reversed(
            &dt,
            &s("2030-01-02T00:00:00Z"),
            &s("2030-01-01T00:00:00Z")
        ));
        // The same instant, or a later one, written with another offset: in order.
        assert!(!reversed(
            &dt,
            &s("2030-01-01T02:00:00+02:00"),
            &s("2030-01-01T00:00:00Z")
        ));
        assert!(!reversed(
            &dt,
            &s("2030-01-01T02:00:00+02:00"),
            &s("2030-01-01T00:30:00Z")
        ));
        assert!(reversed(
            &dt,
            &s("2030-01-01T03:00:00+02:00"),
            &s("2030-01-01T00:30:00Z")
        ));
        // Compared as instants, not as text: "10:00+05:00" is before "06:00Z".
        assert!(!reversed(
            &dt,
            &s("2030-01-01T10:00:00+05:00"),
            &s("2030-01-01T06:00:00Z")
        ));
        let num = Shape::Nullable(&Shape::Number {
            min: None,
            max: None,
        });
        assert!(reversed(&num, &json!(10), &json!(9.5)));
        assert!(!reversed(&num, &json!(9.5), &json!(10)));
        assert!(!reversed(&num, &json!(2), &json!(2)));
        // Query values arrive as their text: "10" > "9" as numbers, not as text.
        assert!(!reversed(&num, &s("9"), &s("10")));
        assert!(reversed(&num, &s("10"), &s("9")));
        let int = Shape::Integer {
            min: None,
            max: None,
        };
        assert!(reversed(&int, &json!(3), &json!(1)));
        assert!(!reversed(&Shape::String, &s("b"), &s("a")));
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
