//! Python values -> JSON parameters, and the answer -> Python values.
//!
//! Parameters are read by walking the dict with pyo3 rather than `json.dumps` + `serde_json`:
//! for the typical call (a handful of keys) the walk measured several times faster (see
//! python/bench/README.md), and it needs no Python-side encoder on the hot path.
//! Values JSON does not know (datetime, Enum, response objects) go through one Python
//! function, `portkey_ai._encode.default`, so their meaning is decided in Python.
//!
//! Settings (`timeout`, `max_retries`, `api_key`, `base_url`, `extra_headers`) are taken as
//! any Python object and converted here, so a wrong type is an `InvalidParameterError` naming
//! the parameter rather than pyo3's `TypeError` or `OverflowError`. Only the types are judged
//! here: the ranges are the core's (`portkey::limits`), the same in every language.

use std::time::Duration;

use portkey::{limits, Error};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused (a self-referencing list would otherwise recurse
/// until the stack overflows).
const MAX_DEPTH: usize = 64;

static DEFAULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Why a parameter could not be converted; becomes `InvalidParameterError(param)`.
pub struct Unconvertible {
    pub param: String,
    pub message: String,
}

pub fn params(dict: &Bound<'_, PyDict>) -> Result<Map<String, Value>, Unconvertible> {
    let mut map = Map::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let key = key_string(&key, "params")?;
        let value = to_json(&value, &key, 0)?;
        map.insert(key, value);
    }
    Ok(map)
}

fn key_string(key: &Bound<'_, PyAny>, param: &str) -> Result<String, Unconvertible> {
    key.cast::<PyString>()
        .ok()
        .and_then(|s| s.to_str().ok().map(str::to_owned))
        .ok_or_else(|| Unconvertible {
            param: param.to_owned(),
            message: format!("'{param}' has a key that is not a string: {}", show(key)),
        })
}

fn to_json(value: &Bound<'_, PyAny>, param: &str, depth: usize) -> Result<Value, Unconvertible> {
    if depth > MAX_DEPTH {
        return Err(Unconvertible {
            param: param.to_owned(),
            message: format!("'{param}' is nested more than {MAX_DEPTH} levels deep"),
        });
    }
    // Exact type checks first: they are pointer compares, and `bool` must be tested before
    // `int` (it is a subclass).
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(s) = value.cast_exact::<PyString>() {
        s.to_str()
            .map(|s| Value::String(s.to_owned()))
            .map_err(|_| Unconvertible {
                param: param.to_owned(),
                message: format!("'{param}' is not valid UTF-8 text"),
            })
    } else if let Ok(b) = value.cast_exact::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if value.is_exact_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            Ok(Value::from(i))
        } else if let Ok(u) = value.extract::<u64>() {
            Ok(Value::from(u))
        } else {
            Err(Unconvertible {
                param: param.to_owned(),
                message: format!("'{param}' is too large an integer: {}", show(value)),
            })
        }
    } else if let Ok(f) = value.cast_exact::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| Unconvertible {
                param: param.to_owned(),
                message: format!("'{param}' must be a finite number, got {}", f.value()),
            })
    } else if let Ok(d) = value.cast_exact::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let k = key_string(&k, param)?;
            let child = format!("{param}.{k}");
            map.insert(k, to_json(&v, &child, depth + 1)?);
        }
        Ok(Value::Object(map))
    } else if let Ok(l) = value.cast_exact::<PyList>() {
        let mut items = Vec::with_capacity(l.len());
        for (i, v) in l.iter().enumerate() {
            items.push(to_json(&v, &format!("{param}[{i}]"), depth + 1)?);
        }
        Ok(Value::Array(items))
    } else if let Ok(t) = value.cast_exact::<PyTuple>() {
        let mut items = Vec::with_capacity(t.len());
        for (i, v) in t.iter().enumerate() {
            items.push(to_json(&v, &format!("{param}[{i}]"), depth + 1)?);
        }
        Ok(Value::Array(items))
    } else {
        // Anything else (datetime, Enum, subclasses of the above, our response objects):
        // ask Python for a plain value, then convert that.
        let py = value.py();
        let converted = DEFAULT
            .import(py, "portkey_ai._encode", "default")
            .and_then(|f| f.call1((value,)))
            .map_err(|e| Unconvertible {
                param: param.to_owned(),
                message: if e.is_instance_of::<PyTypeError>(py) {
                    format!("'{param}' cannot be sent as JSON: {}", e.value(py))
                } else if e.is_instance_of::<PyValueError>(py) {
                    // `_encode` refusing a value it understands (a naive datetime).
                    format!("'{param}' {}", e.value(py))
                } else {
                    format!("'{param}' could not be converted: {e}")
                },
            })?;
        to_json(&converted, param, depth + 1)
    }
}

fn show(value: &Bound<'_, PyAny>) -> String {
    value
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".to_owned())
}

fn invalid(param: &str, message: String) -> Error {
    Error::InvalidParam {
        param: param.to_owned(),
        message,
    }
}

/// The name of a value's type, for messages that must not show the value itself.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// A timeout in seconds: an int or a float (anything with `__float__`, so NumPy and `Decimal`
/// too), but not a bool and not a string. The range is `portkey::limits`'.
pub fn timeout(value: &Bound<'_, PyAny>, param: &str) -> Result<Duration, Error> {
    if value.is_instance_of::<PyBool>() || value.is_instance_of::<PyString>() {
        return Err(not_a_number(value, param));
    }
    let seconds = match value.extract::<f64>() {
        Ok(seconds) => seconds,
        // An int beyond the float range: out of range, whatever its sign.
        Err(e) if e.is_instance_of::<PyOverflowError>(value.py()) => {
            if value.lt(0).unwrap_or(false) {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        Err(_) => return Err(not_a_number(value, param)),
    };
    limits::timeout_from_secs(seconds, param)
}

fn not_a_number(value: &Bound<'_, PyAny>, param: &str) -> Error {
    invalid(
        param,
        format!(
            "'{param}' must be a number of seconds (int or float), got {}",
            type_name(value)
        ),
    )
}

/// A retry count: an int (anything with `__index__`), not a bool or a float. The range is
/// `portkey::limits`'; an int too large for 64 bits is out of range, not an `OverflowError`.
pub fn max_retries(value: &Bound<'_, PyAny>, param: &str) -> Result<u32, Error> {
    let not_an_int = || {
        invalid(
            param,
            format!(
                "'{param}' must be a whole number (int), got {}",
                type_name(value)
            ),
        )
    };
    if value.is_instance_of::<PyBool>() {
        return Err(not_an_int());
    }
    let count = match value.extract::<i64>() {
        // Beyond i64 the exact value no longer matters: it is out of range.
        Ok(n) => n as f64,
        Err(e) if e.is_instance_of::<PyOverflowError>(value.py()) => {
            let huge = value.extract::<f64>().unwrap_or(f64::INFINITY);
            if value.lt(0).unwrap_or(false) {
                -huge.abs()
            } else {
                huge.abs()
            }
        }
        Err(_) => return Err(not_an_int()),
    };
    limits::max_retries_from(count, param)
}

/// A text setting (`api_key`, `base_url`): a str that is valid Unicode. The value is never
/// shown in the message (an API key is a secret).
pub fn text(value: &Bound<'_, PyAny>, param: &str) -> Result<String, Error> {
    let s = value.cast::<PyString>().map_err(|_| {
        invalid(
            param,
            format!("'{param}' must be a string, got {}", type_name(value)),
        )
    })?;
    s.to_str().map(str::to_owned).map_err(|_| {
        invalid(
            param,
            format!("'{param}' is not valid text (it contains a lone surrogate)"),
        )
    })
}

/// Per-call headers: names and values must be str. A message names the header, never its
/// value (values are often secrets).
pub fn headers(dict: &Bound<'_, PyDict>, param: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::with_capacity(dict.len());
    for (k, v) in dict.iter() {
        let name = match k.cast::<PyString>() {
            Ok(s) => s.to_str().map(str::to_owned).map_err(|_| {
                invalid(
                    param,
                    format!(
                        "'{param}' has a header name that is not valid text: {}",
                        show(&k)
                    ),
                )
            })?,
            Err(_) => {
                return Err(invalid(
                    param,
                    format!(
                        "'{param}' header names must be strings, got {}",
                        type_name(&k)
                    ),
                ))
            }
        };
        let value = match v.cast::<PyString>() {
            Ok(s) => s.to_str().map(str::to_owned).map_err(|_| {
                invalid(
                    param,
                    format!(
                        "'{param}' header {name:?} has a value that is not valid text (it contains a lone surrogate)"
                    ),
                )
            })?,
            Err(_) => {
                return Err(invalid(
                    param,
                    format!(
                        "'{param}' header {name:?} must have a string value, got {}",
                        type_name(&v)
                    ),
                ))
            }
        };
        out.push((name, value));
    }
    Ok(out)
}
