//! Turns an operation and its parameters (as the caller spelled them) into the exact request
//! that goes over the wire. Everything here happens before any byte is sent, so every
//! mistake found here means nothing reached the server.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::limits::{MAX_NESTING, MAX_PATH_AND_QUERY};
use crate::operation::{Location, Method, Operation, Param, Rule, Shape};
use crate::validate;

/// RFC 3986 unreserved characters stay as they are; everything else is escaped, so an id of
/// `a/b?x=1#f` stays one path segment and cannot reach another route.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub method: Method,
    /// Path and query, already encoded, to append to the base URL.
    pub path_and_query: String,
    pub body: Option<Vec<u8>>,
}

/// Parameters as given by the caller: a JSON object.
pub type Params = Map<String, Value>;

pub fn prepare(op: &Operation, given: Params) -> Result<Prepared> {
    let mut path_values: Vec<(&Param, String)> = Vec::new();
    let mut query: Vec<(&Param, String)> = Vec::new();
    let mut body = Map::new();
    let mut whole: Option<(&Param, Value)> = None;
    let mut seen: Vec<(&'static str, String)> = Vec::new();

    for (key, mut value) in given {
        let param = op.params.iter().find(|p| names(p, &key));
        check_nesting(&value, param.map_or(key.as_str(), |p| p.name))?;
        let Some(param) = param else {
            if op.extra_body {
                body.insert(key, value);
                continue;
            }
            return Err(unknown(op, &key));
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == param.name) {
            return Err(Error::invalid(
                param.name,
                format!("'{first}' and '{key}' name the same parameter; pass one of them"),
            ));
        }
        seen.push((param.name, key));
        // `None` in Python and `null` in JSON mean "not given" unless the API gives null a
        // meaning (clearing a nullable field), which the shape says.
        if value.is_null() && !matches!(param.shape, Shape::Nullable(_)) {
            seen.pop();
            continue;
        }
        validate::check(&mut value, &param.shape, param.name)?;
        match param.location {
            Location::Path => path_values.push((param, path_segment(param, value)?)),
            Location::Query => query.push((param, query_value(param, value)?)),
            Location::Body => {
                body.insert(param.wire.to_owned(), value);
            }
            Location::Whole => whole = Some((param, value)),
        }
    }

    if let Some((param, _)) = &whole {
        if !body.is_empty() {
            let fields: Vec<&str> = op
                .params
                .iter()
                .filter(|p| p.location == Location::Body)
                .map(|p| p.name)
                .collect();
            return Err(Error::invalid(
                param.name,
                format!(
                    "{}: '{}' is the whole body: pass it alone, or the body's fields ({}), \
                     not both",
                    op.name,
                    param.name,
                    fields.join(", ")
                ),
            ));
        }
    }
    for param in op.params.iter().filter(|p| p.required) {
        if !seen.iter().any(|(n, _)| *n == param.name) {
            return Err(Error::invalid(
                param.name,
                format!("{}: missing required parameter '{}'", op.name, param.name),
            ));
        }
    }
    for rule in op.rules {
        check_rule(op, rule, &path_values, &query, &body, whole.is_some())?;
    }

    let mut path_and_query = String::with_capacity(op.path.len() + 48);
    let mut rest = op.path;
    while let Some(open) = rest.find('{') {
        let close = open
            + rest[open..]
                .find('}')
                .expect("descriptor path templates are balanced");
        path_and_query.push_str(&rest[..open]);
        let wire = &rest[open + 1..close];
        let (_, segment) = path_values
            .iter()
            .find(|(p, _)| p.wire == wire)
            .expect("every path placeholder is a required parameter");
        path_and_query.push_str(segment);
        rest = &rest[close + 1..];
    }
    path_and_query.push_str(rest);
    for (i, (param, value)) in query.iter().enumerate() {
        path_and_query.push(if i == 0 { '?' } else { '&' });
        path_and_query.extend(utf8_percent_encode(param.wire, COMPONENT));
        path_and_query.push('=');
        path_and_query.extend(utf8_percent_encode(value, COMPONENT));
    }
    if path_and_query.len() > MAX_PATH_AND_QUERY {
        return Err(too_long(op, &path_values, &query, path_and_query.len()));
    }

    let body = matches!(op.method, Method::Post | Method::Put).then(|| match whole {
        Some((_, value)) => serde_json::to_vec(&value).expect("a JSON value always serialises"),
        None => serde_json::to_vec(&body).expect("a JSON map always serialises"),
    });
    Ok(Prepared {
        method: op.method,
        path_and_query,
        body,
    })
}

/// Whether `key` is a spelling of `param`: its Python name, its wire name, a documented alias,
/// or the camelCase form of its Python name (the Node habit).
fn names(param: &Param, key: &str) -> bool {
    param.name == key
        || param.wire == key
        || param.aliases.contains(&key)
        || is_camel_of(key, param.name)
}

fn is_camel_of(key: &str, snake: &str) -> bool {
    let mut expected = snake.split('_');
    let Some(first) = expected.next() else {
        return false;
    };
    let Some(mut rest) = key.strip_prefix(first) else {
        return false;
    };
    for word in expected {
        let mut chars = word.chars();
        let Some(head) = chars.next() else {
            return false;
        };
        let Some(after) = rest.strip_prefix(head.to_ascii_uppercase()) else {
            return false;
        };
        let Some(after) = after.strip_prefix(chars.as_str()) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty() && key != snake
}

fn unknown(op: &Operation, key: &str) -> Error {
    let known: Vec<&str> = op.params.iter().map(|p| p.name).collect();
    Error::invalid(
        key,
        format!(
            "{}: unknown parameter '{key}' (expected one of: {})",
            op.name,
            known.join(", ")
        ),
    )
}

/// The URL would be too long: blame the parameter that takes the most room in it.
fn too_long(
    op: &Operation,
    path_values: &[(&Param, String)],
    query: &[(&Param, String)],
    total: usize,
) -> Error {
    let path = path_values
        .iter()
        .map(|(p, encoded)| (p.name, encoded.len()));
    let query = query.iter().map(|(p, value)| {
        let encoded = utf8_percent_encode(value, COMPONENT)
            .map(str::len)
            .sum::<usize>();
        (p.name, p.wire.len() + 1 + encoded)
    });
    let name = path
        .chain(query)
        .max_by_key(|(_, len)| *len)
        .map_or(op.name, |(name, _)| name);
    Error::invalid(
        name,
        format!(
            "'{name}' is too long: the request path and query would be {total} bytes once \
             URL-encoded, over the limit of {MAX_PATH_AND_QUERY}"
        ),
    )
}

/// Refuses values nested deeper than `MAX_NESTING` (walked without recursion).
fn check_nesting(value: &Value, name: &str) -> Result<()> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, depth)) = stack.pop() {
        let is_container = matches!(value, Value::Array(_) | Value::Object(_));
        if is_container && depth >= MAX_NESTING {
            return Err(Error::invalid(
                name,
                format!("'{name}' is nested more than {MAX_NESTING} levels deep"),
            ));
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

fn path_segment(param: &Param, value: Value) -> Result<String> {
    let text = match value {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        other => {
            return Err(Error::invalid(
                param.name,
                format!("'{}' must be a string, got {other}", param.name),
            ))
        }
    };
    if text.trim().is_empty() {
        return Err(Error::invalid(
            param.name,
            format!("'{}' must be a non-empty string", param.name),
        ));
    }
    // URL parsers remove `.` and `..` segments (and their %2E forms), so such an id would
    // silently address another route. Refuse it instead.
    if text == "." || text == ".." {
        return Err(Error::invalid(
            param.name,
            format!("'{}' cannot be '{text}'", param.name),
        ));
    }
    Ok(utf8_percent_encode(&text, COMPONENT).to_string())
}

fn query_value(param: &Param, value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(Error::invalid(
            param.name,
            format!("'{}' must be a single value, got {other}", param.name),
        )),
    }
}

fn check_rule(
    op: &Operation,
    rule: &Rule,
    path_values: &[(&Param, String)],
    query: &[(&Param, String)],
    body: &Map<String, Value>,
    whole_given: bool,
) -> Result<()> {
    match rule {
        Rule::RequiredWithout { param, without } => {
            let present = op
                .param(param)
                .is_some_and(|p| body.get(p.wire).is_some_and(|v| !v.is_null()));
            if !whole_given && !present {
                return Err(Error::invalid(
                    *param,
                    format!(
                        "{}: missing required parameter '{param}' (or pass the whole body as \
                         '{without}')",
                        op.name
                    ),
                ));
            }
            Ok(())
        }
        Rule::Ordered { min, max } => {
            // The validated values: text in the query (numbers as they will be sent), JSON in
            // the body. A rule is only written for parameters of one kind (the generator checks).
            let given = |name: &str| -> Option<(&'static Param, Value)> {
                let param = op.param(name)?;
                if let Some((_, text)) = query.iter().find(|(p, _)| p.name == name) {
                    return Some((param, Value::String(text.clone())));
                }
                let v = body.get(param.wire).filter(|v| !v.is_null())?;
                Some((param, v.clone()))
            };
            let (Some((low_param, low)), Some((_, high))) = (given(min), given(max)) else {
                return Ok(());
            };
            if validate::reversed(&low_param.shape, &low, &high) {
                return Err(Error::invalid(
                    *min,
                    format!(
                        "{}: '{min}' ({}) is after '{max}' ({}): a range's start must not \
                         be after its end",
                        op.name,
                        plain(&low),
                        plain(&high)
                    ),
                ));
            }
            Ok(())
        }
        Rule::RequiredWhen {
            param,
            when,
            equals,
        } => {
            let condition = path_values
                .iter()
                .any(|(p, v)| p.name == *when && v == equals);
            let present = op
                .param(param)
                .is_some_and(|p| body.get(p.wire).is_some_and(|v| !v.is_null()));
            if condition && !present {
                return Err(Error::invalid(
                    *param,
                    format!(
                        "{}: '{param}' is required when '{when}' is '{equals}'",
                        op.name
                    ),
                ));
            }
            Ok(())
        }
    }
}

/// A value as the message shows it: a string without its quotes.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{api_keys, virtual_keys};
    use serde_json::json;

    fn params(v: Value) -> Params {
        v.as_object().unwrap().clone()
    }

    fn invalid(op: &Operation, v: Value) -> (String, String) {
        match prepare(op, params(v)).unwrap_err() {
            Error::InvalidParam { param, message } => (param, message),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn ids_are_one_encoded_segment() {
        let p = prepare(&api_keys::RETRIEVE, params(json!({"id": "../admin/users"}))).unwrap();
        assert_eq!(p.path_and_query, "/api-keys/..%2Fadmin%2Fusers");
        let p = prepare(&api_keys::RETRIEVE, params(json!({"id": "a/b?x=1#f"}))).unwrap();
        assert_eq!(p.path_and_query, "/api-keys/a%2Fb%3Fx%3D1%23f");
        assert_eq!(p.body, None);
    }

    #[test]
    fn missing_empty_or_dot_ids_are_refused_by_name() {
        assert_eq!(invalid(&api_keys::RETRIEVE, json!({})).0, "id");
        let (param, message) = invalid(&api_keys::RETRIEVE, json!({"id": ""}));
        assert_eq!(
            (param.as_str(), message.as_str()),
            ("id", "'id' must be a non-empty string")
        );
        assert_eq!(invalid(&api_keys::RETRIEVE, json!({"id": ".."})).0, "id");
        assert_eq!(
            invalid(&virtual_keys::RETRIEVE, json!({"slug": null})).0,
            "slug"
        );
    }

    #[test]
    fn create_accepts_every_spelling_of_sub_type_and_sends_the_spec_body() {
        for key in ["sub_type", "subType", "sub-type"] {
            let p = prepare(
                &api_keys::CREATE,
                params(json!({"type": "organisation", key: "service", "name": "n", "scopes": ["a"], "workspaceId": "ws"})),
            )
            .unwrap();
            assert_eq!(p.path_and_query, "/api-keys/organisation/service");
            let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
            assert_eq!(
                body,
                json!({"name": "n", "scopes": ["a"], "workspace_id": "ws"})
            );
        }
    }

    #[test]
    fn create_rules() {
        let base = json!({"type": "workspace", "sub_type": "user", "name": "n", "scopes": []});
        assert_eq!(invalid(&api_keys::CREATE, base).0, "user_id");
        let (param, message) = invalid(
            &api_keys::CREATE,
            json!({"type": "team", "sub_type": "service", "name": "n", "scopes": []}),
        );
        assert_eq!(param, "type");
        assert_eq!(
            message,
            "'type' must be one of organisation, workspace, got \"team\""
        );
        assert_eq!(
            invalid(
                &api_keys::CREATE,
                json!({"type": "workspace", "sub_type": "service", "scopes": []})
            )
            .0,
            "name"
        );
        let (param, _) = invalid(
            &api_keys::CREATE,
            json!({"type": "workspace", "sub_type": "service", "name": "n", "scopes": [], "usage_limits": {"credit_limit": 0}}),
        );
        assert_eq!(param, "usage_limits.credit_limit");
    }

    #[test]
    fn unknown_parameters_are_errors_unless_the_operation_takes_extras() {
        let (param, message) = invalid(&api_keys::RETRIEVE, json!({"id": "x", "idd": "y"}));
        assert_eq!(param, "idd");
        assert!(message.contains("expected one of: id"), "{message}");
        let p = prepare(
            &api_keys::UPDATE,
            params(json!({"id": "x", "future_field": 1})),
        )
        .unwrap();
        assert_eq!(p.body.unwrap(), br#"{"future_field":1}"#);
    }

    #[test]
    fn the_same_parameter_twice_is_refused() {
        let (param, _) = invalid(
            &api_keys::LIST,
            json!({"workspace_id": "a", "workspaceId": "b"}),
        );
        assert_eq!(param, "workspace_id");
    }

    #[test]
    fn query_is_encoded_and_nulls_are_absent() {
        let p = prepare(
            &api_keys::LIST,
            params(json!({"page_size": 2.0, "workspace_id": "a b&c", "current_page": null})),
        )
        .unwrap();
        assert_eq!(
            p.path_and_query,
            "/api-keys?page_size=2&workspace_id=a%20b%26c"
        );
    }

    #[test]
    fn urls_longer_than_the_limit_are_refused_naming_the_longest_parameter() {
        // Right at the limit: "/api-keys/" is 10 bytes.
        let fits = "a".repeat(MAX_PATH_AND_QUERY - 10);
        let p = prepare(&api_keys::RETRIEVE, params(json!({"id": fits}))).unwrap();
        assert_eq!(p.path_and_query.len(), MAX_PATH_AND_QUERY);
        let (param, message) = invalid(
            &api_keys::RETRIEVE,
            json!({"id": "a".repeat(MAX_PATH_AND_QUERY - 9)}),
        );
        assert_eq!(param, "id");
        assert!(message.contains("8192"), "{message}");
        // The limit is on the encoded text: 3,000 spaces are 9,000 bytes.
        let (param, _) = invalid(&api_keys::RETRIEVE, json!({"id": " ".repeat(3000)}));
        assert_eq!(param, "id");
        let (param, message) = invalid(&api_keys::RETRIEVE, json!({"id": "a".repeat(100_000)}));
        assert_eq!(param, "id");
        assert!(message.contains("100010 bytes"), "{message}");
        // Query parameters are blamed by their own name, the longest one.
        let (param, _) = invalid(
            &api_keys::LIST,
            json!({"workspace_id": "\u{e9}".repeat(2000), "page_size": 2}),
        );
        assert_eq!(param, "workspace_id");
    }

    #[test]
    fn values_nested_too_deep_are_refused_without_recursion() {
        fn nested(depth: usize) -> Value {
            let mut v = json!(1);
            for _ in 0..depth {
                v = json!([v]);
            }
            v
        }
        let p = prepare(
            &api_keys::UPDATE,
            params(json!({"id": "k", "extra": nested(MAX_NESTING)})),
        )
        .unwrap();
        assert!(p.body.is_some());
        let (param, message) = invalid(
            &api_keys::UPDATE,
            json!({"id": "k", "extra": nested(MAX_NESTING + 1)}),
        );
        assert_eq!(param, "extra");
        assert_eq!(message, "'extra' is nested more than 64 levels deep");
        let (param, _) = invalid(
            &api_keys::UPDATE,
            json!({"id": "k", "usage_limits": {"a": nested(MAX_NESTING)}}),
        );
        assert_eq!(param, "usage_limits");
    }

    const RANGE: Operation = Operation {
        name: "stats.get",
        method: Method::Get,
        path: "/stats",
        params: &[
            Param {
                name: "from",
                wire: "from",
                aliases: &[],
                location: Location::Query,
                required: false,
                shape: Shape::DateTime,
                doc: "",
            },
            Param {
                name: "to",
                wire: "to",
                aliases: &[],
                location: Location::Query,
                required: false,
                shape: Shape::DateTime,
                doc: "",
            },
            Param {
                name: "cost_min",
                wire: "cost_min",
                aliases: &[],
                location: Location::Body,
                required: false,
                shape: Shape::Number {
                    min: None,
                    max: None,
                },
                doc: "",
            },
            Param {
                name: "cost_max",
                wire: "cost_max",
                aliases: &[],
                location: Location::Body,
                required: false,
                shape: Shape::Nullable(&Shape::Number {
                    min: None,
                    max: None,
                }),
                doc: "",
            },
        ],
        rules: &[
            Rule::Ordered {
                min: "from",
                max: "to",
            },
            Rule::Ordered {
                min: "cost_min",
                max: "cost_max",
            },
        ],
        ..api_keys::LIST
    };

    #[test]
    fn ordered_ranges_refuse_a_reversed_one_naming_its_start() {
        let ok = |v: Value| prepare(&RANGE, params(v)).unwrap();
        // Equal ends, one end alone, or a later end written with another offset: fine.
        ok(json!({"from": "2030-01-01T00:00:00Z", "to": "2030-01-01T00:00:00Z"}));
        ok(json!({"from": "2030-01-01T00:00:00Z"}));
        ok(json!({"from": "2030-01-01T02:00:00+02:00", "to": "2030-01-01T00:00:00Z"}));
        ok(json!({"cost_min": 2, "cost_max": 10.5}));
        ok(json!({"cost_min": 2, "cost_max": null}));
        let (param, message) = invalid(
            &RANGE,
            json!({"from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"}),
        );
        assert_eq!(param, "from");
        assert_eq!(
            message,
            "stats.get: 'from' (2030-01-02T00:00:00Z) is after 'to' (2030-01-01T00:00:00Z): \
             a range's start must not be after its end"
        );
        // The camelCase spelling is the same parameter: still named by the core's name.
        let (param, _) = invalid(
            &RANGE,
            json!({"costMin": 10, "cost_max": 9.5, "from": "2030-01-01T00:00:00Z"}),
        );
        assert_eq!(param, "cost_min");
        // A bad value is reported as such before the range is looked at.
        let (param, message) = invalid(
            &RANGE,
            json!({"from": "soon", "to": "2030-01-01T00:00:00Z"}),
        );
        assert_eq!(param, "from");
        assert!(message.contains("RFC 3339"), "{message}");
    }

    const INSERT: Operation = Operation {
        name: "logs.create",
        method: Method::Post,
        path: "/logs",
        params: &[
            Param {
                name: "request",
                wire: "request",
                aliases: &[],
                location: Location::Body,
                // Required unless the whole body is given: the rule below, as generated.
                required: false,
                shape: Shape::Object(&[]),
                doc: "",
            },
            Param {
                name: "metadata",
                wire: "metadata",
                aliases: &[],
                location: Location::Body,
                required: false,
                shape: Shape::Object(&[]),
                doc: "",
            },
            Param {
                name: "logs",
                wire: "logs",
                aliases: &[],
                location: Location::Whole,
                required: false,
                shape: Shape::Array(&Shape::Object(&[])),
                doc: "",
            },
        ],
        rules: &[Rule::RequiredWithout {
            param: "request",
            without: "logs",
        }],
        ..api_keys::CREATE
    };

    #[test]
    fn a_whole_body_parameter_is_the_body_and_excludes_the_fields() {
        let body = |v: Value| -> Value {
            let p = prepare(&INSERT, params(v)).unwrap();
            assert_eq!(p.path_and_query, "/logs");
            serde_json::from_slice(&p.body.unwrap()).unwrap()
        };
        // The fields: one object.
        assert_eq!(
            body(json!({"request": {"url": "u"}, "metadata": {"a": "b"}})),
            json!({"request": {"url": "u"}, "metadata": {"a": "b"}})
        );
        // The whole body: the array as it is, the fields' required ones not required.
        assert_eq!(
            body(json!({"logs": [{"request": {}}, {"request": {}}]})),
            json!([{"request": {}}, {"request": {}}])
        );
        assert_eq!(body(json!({"logs": []})), json!([]));
        // None is "not given": the fields decide.
        assert_eq!(
            body(json!({"logs": null, "request": {}})),
            json!({"request": {}})
        );
        // Both: refused naming the whole body, listing the fields.
        let (param, message) = invalid(&INSERT, json!({"logs": [], "metadata": {}}));
        assert_eq!(param, "logs");
        assert_eq!(
            message,
            "logs.create: 'logs' is the whole body: pass it alone, or the body's fields \
             (request, metadata), not both"
        );
        // The whole body is validated like any parameter.
        let (param, _) = invalid(&INSERT, json!({"logs": [{"request": {}}, 3]}));
        assert_eq!(param, "logs[1]");
        // Without it, the fields' required ones are, named with the other way to give the body.
        let (param, message) = invalid(&INSERT, json!({"metadata": {}}));
        assert_eq!(param, "request");
        assert_eq!(
            message,
            "logs.create: missing required parameter 'request' (or pass the whole body as 'logs')"
        );
        assert_eq!(invalid(&INSERT, json!({"logs": null})).0, "request");
    }

    #[test]
    fn camel_case_matching() {
        assert!(is_camel_of("workspaceId", "workspace_id"));
        assert!(is_camel_of(
            "keyTransitionPeriodMs",
            "key_transition_period_ms"
        ));
        assert!(!is_camel_of("workspace_id", "workspace_id"));
        assert!(!is_camel_of("workspaceid", "workspace_id"));
        assert!(!is_camel_of("workspaceIdX", "workspace_id"));
    }
}
