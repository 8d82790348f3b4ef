//! A request's parameters, validated against its route's generated schemas. Path and query
//! values are text on the wire and become the JSON type their schema expects first. Unknown
//! query parameters and unknown top-level body fields are tolerated and dropped (the official
//! SDKs send extras the spec does not list, such as `id` in an update body, and the real API
//! accepts them); fields inside a known object are kept as sent.

use crate::errors::ApiError;
use crate::schema::{check, from_text, missing, In, Route, Rule};
use crate::uri;
use serde_json::{Map, Value};

/// The validated parameters, by wire name.
#[derive(Debug, Default)]
pub struct Input {
    /// Path placeholders, decoded, in template order.
    pub path: Vec<(&'static str, String)>,
    /// The declared query parameters that were sent.
    pub query: Map<String, Value>,
    /// The declared body fields that were sent.
    pub body: Map<String, Value>,
}

impl Input {
    /// The value of a parameter wherever it travels (path first, then query, then body).
    pub fn get(&self, wire: &str) -> Option<Value> {
        self.path
            .iter()
            .find(|(name, _)| *name == wire)
            .map(|(_, v)| Value::from(v.as_str()))
            .or_else(|| self.query.get(wire).cloned())
            .or_else(|| self.body.get(wire).cloned())
    }
}

pub fn read(
    route: &Route,
    path: Vec<(&'static str, String)>,
    query: &str,
    body: &[u8],
) -> Result<Input, ApiError> {
    for param in route.params.iter().filter(|p| p.location == In::Path) {
        if let Some((_, value)) = path.iter().find(|(wire, _)| *wire == param.wire) {
            check(&param.schema, &from_text(&param.schema, value), param.wire)?;
        }
    }
    let pairs = uri::parse_query(query);
    let mut query = Map::new();
    for param in route.params.iter().filter(|p| p.location == In::Query) {
        // The first occurrence wins when a parameter is repeated.
        match pairs.iter().find(|(name, _)| name == param.wire) {
            Some((_, text)) => {
                let value = from_text(&param.schema, text);
                check(&param.schema, &value, param.wire)?;
                query.insert(param.wire.to_owned(), value);
            }
            None if param.required => return Err(missing(param.wire)),
            None => {}
        }
    }
    let body = read_body(route, body)?;
    let input = Input { path, query, body };
    for rule in route.rules {
        let Rule::RequiredWhen {
            param,
            when,
            equals,
        } = rule;
        if input.get(when).as_ref().and_then(Value::as_str) == Some(equals)
            && input.get(param).is_none()
        {
            return Err(ApiError::bad_request(format!(
                "\"{param}\" is required when {when} is {equals}"
            )));
        }
    }
    Ok(input)
}

/// The declared body fields. A route without body parameters ignores whatever body comes
/// (the official SDKs send one on some deletes); otherwise a body that is sent must be a JSON
/// object, and an empty one counts as `{}` unless a field is required.
fn read_body(route: &Route, raw: &[u8]) -> Result<Map<String, Value>, ApiError> {
    // A body that is not an object, where the route takes a whole-body parameter (POST /logs:
    // an array of logs), is that parameter.
    if let Some(whole) = route.params.iter().find(|p| p.location == In::Whole) {
        if let Ok(value) = serde_json::from_slice::<Value>(raw) {
            if !value.is_object() {
                check(&whole.schema, &value, "body")?;
                return Ok(Map::from_iter([(whole.wire.to_owned(), value)]));
            }
        }
    }
    let mut params = route
        .params
        .iter()
        .filter(|p| p.location == In::Body)
        .peekable();
    if params.peek().is_none() {
        return Ok(Map::new());
    }
    let any_required = route
        .params
        .iter()
        .any(|p| p.location == In::Body && p.required);
    let mut sent = if raw.trim_ascii().is_empty() && !any_required {
        Map::new()
    } else {
        parse_object(raw)?
    };
    let mut out = Map::new();
    for param in params {
        match sent.remove(param.wire) {
            Some(value) => {
                check(&param.schema, &value, param.wire)?;
                out.insert(param.wire.to_owned(), value);
            }
            None if param.required => return Err(missing(param.wire)),
            None => {}
        }
    }
    Ok(out)
}

/// A request body that must be a JSON object.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("request body must be a JSON object")),
        Err(e) if body.trim_ascii().is_empty() => Err(ApiError::bad_request(format!(
            "request body must be a JSON object (got an empty body: {e})"
        ))),
        Err(e) => Err(ApiError::bad_request(format!(
            "request body is not valid JSON: {e}"
        ))),
    }
}
