//! Python values -> JSON parameters, and the answer -> Python values.
//!
//! Parameters are read by walking the dict with pyo3 rather than `json.dumps` + `serde_json`:
//! for the typical call (a handful of keys) the walk measured several times faster (see
//! python/bench/README.md), and it needs no Python-side encoder on the hot path.
//! Values JSON does not know (datetime, Enum, response objects) go through one Python
//! function, `portkey_ai._encode.default`, so their meaning is decided in Python.

use pyo3::exceptions::PyTypeError;
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
