//! Runs every shared scenario in `tests/scenarios/` (see tests/README.md) against a fresh mock,
//! with the same assertions as the Python and Node suites.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use common::Mock;
use portkey::{Error, RequestOptions};
use serde_json::{Map, Value};

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

/// Replaces `${name}` strings with saved values, recursively.
fn substitute(value: &Value, saved: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') => saved
            .get(&s[2..s.len() - 1])
            .cloned()
            .unwrap_or_else(|| panic!("nothing saved as {s}")),
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, saved)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, saved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Follows a dotted path (`data.0.name`); list indexes are numbers.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Array(items) => items.get(part.parse::<usize>().ok()?),
        Value::Object(map) => map.get(part),
        _ => None,
    })
}

fn check(answer: &Value, path: &str, matcher: &Value, where_: &str) {
    let got = lookup(answer, path);
    let (kind, want) = matcher
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("matcher has one entry");
    match kind.as_str() {
        "equals" => assert_eq!(got, Some(want), "{where_}: {path}"),
        "not_equals" => assert_ne!(got, Some(want), "{where_}: {path}"),
        "present" => assert_eq!(
            got.is_some_and(|v| !v.is_null()),
            want.as_bool().unwrap(),
            "{where_}: {path} in {answer}"
        ),
        "length" => {
            let len = got.and_then(Value::as_array).map(Vec::len);
            assert_eq!(len, want.as_u64().map(|n| n as usize), "{where_}: {path}")
        }
        "matches" => {
            let re = regex::Regex::new(want.as_str().unwrap()).unwrap();
            let text = got
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{where_}: {path} is not a string"));
            assert!(re.is_match(text), "{where_}: {path} = {text:?} !~ {want}");
        }
        other => panic!("unknown matcher {other}"),
    }
}

fn check_error(error: &Error, want: &Map<String, Value>, where_: &str) {
    assert_eq!(
        error.class_name(),
        want["class"].as_str().unwrap(),
        "{where_}: {error:?}"
    );
    if let Some(status) = want.get("status") {
        assert_eq!(error.status().map(u64::from), status.as_u64(), "{where_}");
    }
    if let Some(param) = want.get("param") {
        match error {
            Error::InvalidParam { param: got, .. } => {
                assert_eq!(got, param.as_str().unwrap(), "{where_}")
            }
            other => panic!("{where_}: expected an invalid parameter, got {other:?}"),
        }
    }
    if let Some(fragment) = want.get("message_contains") {
        let text = error.to_string();
        assert!(
            text.contains(fragment.as_str().unwrap()),
            "{where_}: {text}"
        );
    }
}

async fn run(file: &str) {
    let path = scenario_dir().join(file);
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mock = Mock::start();
    mock.reset().await;
    let mut saved: HashMap<String, Value> = HashMap::new();
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let name = step["call"].as_str().unwrap();
        let where_ = format!("{file} step {i} ({name})");
        let mut builder = mock.builder();
        if let Some(settings) = step.get("client") {
            if let Some(ms) = settings.get("timeout_ms").and_then(Value::as_u64) {
                builder = builder.timeout(Duration::from_millis(ms));
            }
            if let Some(n) = settings.get("max_retries").and_then(Value::as_u64) {
                builder = builder.max_retries(n as u32);
            }
        }
        let client = builder.build().unwrap();
        if let Some(fault) = step.get("fault") {
            mock.fault(fault).await;
        }
        let before = mock.request_count().await;
        let params = substitute(&step["params"], &saved)
            .as_object()
            .cloned()
            .unwrap_or_default();
        let outcome = client
            .call_by_name(name, params, &RequestOptions::default())
            .await;
        if let Some(sent) = step.get("sent") {
            assert_eq!(
                mock.request_count().await - before,
                sent.as_u64().unwrap(),
                "{where_}: requests sent"
            );
        }
        if let Some(last) = step.get("last_path") {
            let log = mock.requests().await;
            let path = log["requests"]
                .as_array()
                .and_then(|r| r.last())
                .map(|r| r["path"].clone());
            assert_eq!(path.as_ref(), Some(last), "{where_}: raw path");
        }
        match (outcome, step.get("error")) {
            (Ok(response), None) => {
                let answer: Value = response.json().unwrap();
                if let Some(expect) = step.get("expect").and_then(Value::as_object) {
                    for (path, matcher) in expect {
                        check(&answer, path, &substitute(matcher, &saved), &where_);
                    }
                }
                if let Some(save) = step.get("save").and_then(Value::as_object) {
                    for (var, path) in save {
                        let value = lookup(&answer, path.as_str().unwrap()).cloned();
                        saved.insert(
                            var.clone(),
                            value.unwrap_or_else(|| panic!("{where_}: nothing at {path}")),
                        );
                    }
                }
            }
            (Err(error), Some(want)) => check_error(&error, want.as_object().unwrap(), &where_),
            (Ok(response), Some(_)) => panic!(
                "{where_}: expected an error, got {:?}",
                String::from_utf8_lossy(&response.body)
            ),
            (Err(error), None) => panic!("{where_}: unexpected error {error:?}"),
        }
    }
}

#[tokio::test]
async fn api_key_lifecycle() {
    run("api_key_lifecycle.json").await;
}

#[tokio::test]
async fn virtual_key_lifecycle() {
    run("virtual_key_lifecycle.json").await;
}

#[tokio::test]
async fn bad_input() {
    run("bad_input.json").await;
}

#[tokio::test]
async fn faults() {
    run("faults.json").await;
}

#[tokio::test]
async fn path_encoding() {
    run("path_encoding.json").await;
}

#[test]
fn every_scenario_file_has_a_test() {
    let mut files: Vec<String> = std::fs::read_dir(scenario_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let source = include_str!("scenarios.rs");
    for file in files {
        assert!(
            source.contains(&format!("run(\"{file}\")")),
            "{file} is not run from Rust"
        );
    }
}
