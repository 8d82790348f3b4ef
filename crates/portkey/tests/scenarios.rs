//! Runs every shared scenario in `tests/scenarios/` (see tests/README.md) against a fresh mock,
//! with the same assertions as the Python and Node suites.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::Mock;
use portkey::{limits, Error, RequestOptions};
use serde_json::{Map, Value};

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

/// Replaces `${name}` with saved values, recursively: a string that is exactly `${name}` becomes
/// the saved value (whatever its type), `${name}` inside a longer string its text; and
/// `{"$repeat": [s, n]}` becomes `s` repeated `n` times.
fn substitute(value: &Value, saved: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if !name.contains("${") {
                    return saved
                        .get(name)
                        .cloned()
                        .unwrap_or_else(|| panic!("nothing saved as {s}"));
                }
            }
            Value::String(interpolate(s, saved))
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, saved)).collect()),
        Value::Object(map) if map.len() == 1 && map.contains_key("$repeat") => {
            let args = map["$repeat"]
                .as_array()
                .expect("$repeat takes [string, count]");
            let text = substitute(&args[0], saved);
            let text = text.as_str().expect("$repeat repeats a string");
            let count = args[1].as_u64().expect("$repeat count is a whole number");
            Value::String(text.repeat(usize::try_from(count).unwrap()))
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, saved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `${name}` inside a longer string: a saved string as it is, anything else as JSON text.
fn interpolate(text: &str, saved: &HashMap<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        let close = open
            + rest[open..]
                .find('}')
                .unwrap_or_else(|| panic!("unclosed ${{ in {text:?}"));
        let name = &rest[open + 2..close];
        let value = saved
            .get(name)
            .unwrap_or_else(|| panic!("nothing saved as ${{{name}}}"));
        out.push_str(&rest[..open]);
        match value {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
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

/// `check` without panicking (for polling): what is wrong, if anything.
fn verdict(answer: &Value, path: &str, matcher: &Value) -> Result<(), String> {
    let got = lookup(answer, path);
    let (kind, want) = matcher
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("matcher has one entry");
    let holds = match kind.as_str() {
        "equals" => got == Some(want),
        "not_equals" => got != Some(want),
        "present" => got.is_some_and(|v| !v.is_null()) == want.as_bool().unwrap(),
        "length" => {
            got.and_then(Value::as_array).map(Vec::len) == want.as_u64().map(|n| n as usize)
        }
        "matches" => {
            let re = regex::Regex::new(want.as_str().unwrap()).unwrap();
            got.and_then(Value::as_str).is_some_and(|t| re.is_match(t))
        }
        other => panic!("unknown matcher {other}"),
    };
    if holds {
        Ok(())
    } else {
        Err(format!("{path} = {got:?}, wanted {kind} {want}"))
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

/// The step's client (`client`: `base_url`, `timeout_ms`, `max_retries`) and per-call options
/// (`options`: `headers`, `timeout_ms`, `max_retries`), converted the way the bindings convert
/// them, so an out-of-range value fails here exactly as it fails in Python and Node.
fn prepare_step(
    mock: &Mock,
    step: &Value,
    saved: &HashMap<String, Value>,
) -> Result<(portkey::Client, RequestOptions), Error> {
    let mut builder = mock.builder();
    if let Some(settings) = step.get("client").map(|c| substitute(c, saved)) {
        if let Some(url) = settings.get("base_url") {
            builder = builder.base_url(url.as_str().expect("client.base_url is a string"));
        }
        if let Some(ms) = settings.get("timeout_ms") {
            let ms = ms.as_f64().expect("client.timeout_ms is a number");
            builder = builder.timeout(limits::timeout_from_millis(ms, "timeout")?);
        }
        if let Some(n) = settings.get("max_retries") {
            let n = n.as_f64().expect("client.max_retries is a number");
            builder = builder.max_retries(limits::max_retries_from(n, "max_retries")?);
        }
    }
    let client = builder.build()?;
    let mut options = RequestOptions::default();
    if let Some(given) = step.get("options").map(|o| substitute(o, saved)) {
        if let Some(headers) = given.get("headers") {
            let headers = headers.as_object().expect("options.headers is an object");
            for (name, value) in headers {
                let value = value.as_str().expect("header values are strings");
                options.extra_headers.push((name.clone(), value.to_owned()));
            }
        }
        if let Some(ms) = given.get("timeout_ms") {
            let ms = ms.as_f64().expect("options.timeout_ms is a number");
            options.timeout = Some(limits::timeout_from_millis(ms, "timeout")?);
        }
        if let Some(n) = given.get("max_retries") {
            let n = n.as_f64().expect("options.max_retries is a number");
            options.max_retries = Some(limits::max_retries_from(n, "max_retries")?);
        }
    }
    Ok((client, options))
}

/// A step's parameters for a typed request builder: each taken out by its Python name, so
/// whatever is left over afterwards was not passed on (and fails the step).
struct Given(Map<String, Value>);

impl Given {
    fn take<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        self.0.remove(name).map(|v| {
            serde_json::from_value(v.clone())
                .unwrap_or_else(|e| panic!("{name} = {v} does not fit the typed builder: {e}"))
        })
    }

    fn done(self, op: &str) {
        assert!(
            self.0.is_empty(),
            "{op}: the runner does not pass {:?} to the typed pager",
            self.0.keys().collect::<Vec<_>>()
        );
    }
}

/// Every item the Stream pager yields, as JSON, or the error that ended it.
async fn drain<T: serde::Serialize + Send + 'static>(
    mut pager: portkey::Paginator<T>,
) -> Result<Vec<Value>, Error> {
    let mut items = Vec::new();
    while let Some(item) = pager.next().await {
        items.push(serde_json::to_value(item?).expect("a model serialises"));
    }
    Ok(items)
}

/// `iterate: true`: every item of every page through Rust's auto-pagination, the typed
/// `list_all` Stream pagers (src/pagination.rs); answers `{"count": N, "items": [...]}`.
async fn iterate(
    client: &portkey::Client,
    name: &str,
    params: Map<String, Value>,
    options: &RequestOptions,
) -> Result<Value, Error> {
    use portkey::{
        ListAdminUserInvites, ListAdminUsers, ListAdminWorkspaceUsers, ListAdminWorkspaces,
        ListApiKeys, ListAuditLogs, ListVirtualKeys,
    };
    let mut p = Given(params);
    let items = match name {
        "api_keys.list" => {
            let params = ListApiKeys {
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                workspace_id: p.take("workspace_id"),
            };
            drain(client.api_keys().list_all_with_options(&params, options)).await
        }
        "virtual_keys.list" => {
            let params = ListVirtualKeys {
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                workspace_id: p.take("workspace_id"),
            };
            drain(
                client
                    .virtual_keys()
                    .list_all_with_options(&params, options),
            )
            .await
        }
        "admin.users.list" => {
            let params = ListAdminUsers {
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                email: p.take("email"),
                role: p.take("role"),
            };
            drain(
                client
                    .admin()
                    .users()
                    .list_all_with_options(&params, options),
            )
            .await
        }
        "admin.users.invites.list" => {
            let params = ListAdminUserInvites {
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                email: p.take("email"),
                role: p.take("role"),
                status: p.take("status"),
            };
            let pager = client.admin().users().invites();
            drain(pager.list_all_with_options(&params, options)).await
        }
        "admin.workspaces.list" => {
            let params = ListAdminWorkspaces {
                name: p.take("name"),
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                exact_name: p.take("exact_name"),
                status: p.take("status"),
            };
            drain(
                client
                    .admin()
                    .workspaces()
                    .list_all_with_options(&params, options),
            )
            .await
        }
        "admin.workspaces.users.list" => {
            let workspace: String = p.take("workspace_id").expect("workspace_id is given");
            let params = ListAdminWorkspaceUsers {
                page_size: p.take("page_size"),
                current_page: p.take("current_page"),
                email: p.take("email"),
                role: p.take("role"),
            };
            let members = client.admin().workspaces().users();
            drain(members.list_all_with_options(&workspace, &params, options)).await
        }
        "audit_logs.list" => {
            // Its items are in `records` (the page model's `items`), not `data`.
            let mut required = |name: &str| -> String {
                p.take(name)
                    .unwrap_or_else(|| panic!("audit_logs.list: {name} is given"))
            };
            let mut params = ListAuditLogs::new(
                required("start_time"),
                required("end_time"),
                required("organisation_id"),
            );
            params.method = p.take("method");
            params.uri = p.take("uri");
            params.request_id = p.take("request_id");
            params.user_id = p.take("user_id");
            params.user_type = p.take("user_type");
            params.workspace_id = p.take("workspace_id");
            params.response_status_code = p.take("response_status_code");
            params.resource_type = p.take("resource_type");
            params.action = p.take("action");
            params.client_ip = p.take("client_ip");
            params.country = p.take("country");
            params.current_page = p.take("current_page");
            params.page_size = p.take("page_size");
            drain(client.audit_logs().list_all_with_options(&params, options)).await
        }
        "labels.list" => {
            let params = portkey::ListLabels {
                organization_id: p.take("organization_id"),
                workspace_id: p.take("workspace_id"),
                current_page: p.take("current_page"),
                page_size: p.take("page_size"),
                search: p.take("search"),
            };
            drain(client.labels().list_all_with_options(&params, options)).await
        }
        "prompts.list" => {
            let params = portkey::ListPrompts {
                collection_id: p.take("collection_id"),
                workspace_id: p.take("workspace_id"),
                current_page: p.take("current_page"),
                page_size: p.take("page_size"),
                search: p.take("search"),
            };
            drain(client.prompts().list_all_with_options(&params, options)).await
        }
        "collections.list" => {
            let params = portkey::ListCollections {
                workspace_id: p.take("workspace_id").expect("workspace_id is given"),
                current_page: p.take("current_page"),
                page_size: p.take("page_size"),
                search: p.take("search"),
            };
            drain(client.collections().list_all_with_options(&params, options)).await
        }
        "analytics.groups.users" => {
            let mut required = |name: &str| -> String {
                p.take(name)
                    .unwrap_or_else(|| panic!("analytics.groups.users: {name} is given"))
            };
            let mut params = portkey::UsersAnalyticGroup::new(
                required("time_of_generation_min"),
                required("time_of_generation_max"),
            );
            params.current_page = p.take("current_page");
            params.page_size = p.take("page_size");
            let groups = client.analytics().groups();
            drain(groups.users_all_with_options(&params, options)).await
        }
        other => panic!("{other}: not a paginated list the runner knows (add its typed pager)"),
    }?;
    p.done(name);
    Ok(serde_json::json!({"count": items.len(), "items": items}))
}

/// One call of a step: its answer as JSON (for `iterate`, `{"count", "items"}`), or its error.
async fn perform(
    mock: &Mock,
    step: &Value,
    saved: &HashMap<String, Value>,
    name: &str,
) -> Result<Value, Error> {
    let prepared = prepare_step(mock, step, saved);
    if let (Ok(_), Some(fault)) = (&prepared, step.get("fault")) {
        mock.fault(&substitute(fault, saved)).await;
    }
    // Building the client or reading the options failed: that is the outcome, and nothing
    // may have been sent.
    let (client, options) = prepared?;
    let params = substitute(&step["params"], saved)
        .as_object()
        .cloned()
        .unwrap_or_default();
    if step.get("iterate") == Some(&Value::Bool(true)) {
        return iterate(&client, name, params, &options).await;
    }
    client.call_by_name(name, params, &options).await?.json()
}

/// `stream: true`: the call with `"stream": true`, its events read through the `Stream`
/// (`take: k` drops the stream after k events, as a consumer that stops early). Answers
/// `{"count", "events": [data as JSON], "content"}` for the events received, and the error
/// that ended the call or the iteration, if any.
async fn perform_stream(
    mock: &Mock,
    step: &Value,
    saved: &HashMap<String, Value>,
    name: &str,
) -> (Value, Option<Error>) {
    use futures::StreamExt;
    let mut events: Vec<Value> = Vec::new();
    let answer = |events: &Vec<Value>| {
        let content: String = events
            .iter()
            .map(|e| {
                lookup(e, "choices.0.delta.content")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        serde_json::json!({"count": events.len(), "events": events, "content": content})
    };
    let prepared = prepare_step(mock, step, saved);
    if let (Ok(_), Some(fault)) = (&prepared, step.get("fault")) {
        mock.fault(&substitute(fault, saved)).await;
    }
    let (client, options) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return (answer(&events), Some(e)),
    };
    let mut params = substitute(&step["params"], saved)
        .as_object()
        .cloned()
        .unwrap_or_default();
    params.insert("stream".to_owned(), Value::Bool(true));
    let take = step
        .get("take")
        .map(|k| k.as_u64().expect("take is a count") as usize);
    let mut stream = match client.stream_by_name(name, params, &options).await {
        Ok(stream) => stream,
        Err(e) => return (answer(&events), Some(e)),
    };
    let mut failure = None;
    while take.is_none_or(|k| events.len() < k) {
        match stream.next().await {
            Some(Ok(event)) => events.push(
                serde_json::from_str(&event.data).expect("the core checked the data is JSON"),
            ),
            Some(Err(e)) => {
                failure = Some(e);
                break;
            }
            None => break,
        }
    }
    // Leaving early closes the connection, as a user's `break` would.
    drop(stream);
    (answer(&events), failure)
}

/// `last_request`: the last entry of the mock's request log must match, polled for up to 3 s
/// (the mock learns of a closed connection asynchronously).
async fn check_last_request(mock: &Mock, want: &Map<String, Value>, where_: &str) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        let log = mock.requests().await;
        let last = log["requests"]
            .as_array()
            .and_then(|r| r.last())
            .cloned()
            .unwrap_or(Value::Null);
        let problems: Vec<String> = want
            .iter()
            .filter_map(|(path, matcher)| verdict(&last, path, matcher).err())
            .collect();
        if problems.is_empty() {
            return;
        }
        if std::time::Instant::now() > until {
            panic!("{where_}: last_request: {problems:?} in {last}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

const STEP_KEYS: &[&str] = &[
    "call",
    "params",
    "client",
    "options",
    "fault",
    "expect",
    "error",
    "save",
    "sent",
    "last_path",
    "iterate",
    "repeat",
    "stream",
    "take",
    "last_request",
];

async fn run(file: &str) {
    let path = scenario_dir().join(file);
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mock = Mock::start();
    mock.reset().await;
    let mut saved: HashMap<String, Value> = HashMap::new();
    saved.insert(
        "mock_base_url".to_owned(),
        Value::String(mock.handle.base_url()),
    );
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let name = step["call"].as_str().unwrap();
        let where_ = format!("{file} step {i} ({name})");
        for key in step.as_object().unwrap().keys() {
            assert!(
                STEP_KEYS.contains(&key.as_str()),
                "{where_}: unknown key {key}"
            );
        }
        let repeat = step
            .get("repeat")
            .map(|n| n.as_u64().expect("repeat is a count"));
        let before = mock.request_count().await;
        for run in 0..repeat.unwrap_or(1) {
            let where_ = match repeat {
                Some(_) => format!("{where_} run {run}"),
                None => where_.clone(),
            };
            if repeat.is_some() {
                saved.insert("i".to_owned(), run.into());
            }
            let outcome = if step.get("stream") == Some(&Value::Bool(true)) {
                let (answer, failure) = perform_stream(&mock, step, &saved, name).await;
                match (failure, step.get("error")) {
                    // The events before the failure are checked too.
                    (Some(error), Some(want)) => {
                        check_error(&error, want.as_object().unwrap(), &where_);
                        if let Some(expect) = step.get("expect").and_then(Value::as_object) {
                            for (path, matcher) in expect {
                                check(&answer, path, &substitute(matcher, &saved), &where_);
                            }
                        }
                        continue;
                    }
                    (Some(error), None) => Err(error),
                    (None, _) => Ok(answer),
                }
            } else {
                perform(&mock, step, &saved, name).await
            };
            match (outcome, step.get("error")) {
                (Ok(answer), None) => {
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
                (Ok(answer), Some(_)) => panic!("{where_}: expected an error, got {answer}"),
                (Err(error), None) => panic!("{where_}: unexpected error {error:?}"),
            }
        }
        saved.remove("i");
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
            let last = substitute(last, &saved);
            assert_eq!(path.as_ref(), Some(&last), "{where_}: raw path");
        }
        if let Some(want) = step.get("last_request") {
            let want = substitute(want, &saved);
            check_last_request(
                &mock,
                want.as_object().expect("last_request is an object"),
                &where_,
            )
            .await;
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

#[tokio::test]
async fn hostile_server() {
    run("hostile_server.json").await;
}

#[tokio::test]
async fn hostile_input() {
    run("hostile_input.json").await;
}

#[tokio::test]
async fn admin_workspace_members() {
    run("admin_workspace_members.json").await;
}

#[tokio::test]
async fn admin_invites() {
    run("admin_invites.json").await;
}

#[tokio::test]
async fn admin_configs() {
    run("admin_configs.json").await;
}

#[tokio::test]
async fn admin_audit() {
    run("admin_audit.json").await;
}

#[tokio::test]
async fn pagination() {
    run("pagination.json").await;
}

#[tokio::test]
async fn mcp() {
    run("mcp.json").await;
}

#[tokio::test]
async fn usage_limit_policies() {
    run("usage_limit_policies.json").await;
}

#[tokio::test]
async fn guardrails() {
    run("guardrails.json").await;
}

#[tokio::test]
async fn integrations() {
    run("integrations.json").await;
}

#[tokio::test]
async fn secret_references() {
    run("secret_references.json").await;
}

#[tokio::test]
async fn prompts() {
    run("prompts.json").await;
}

#[tokio::test]
async fn prompt_partials() {
    run("prompt_partials.json").await;
}

#[tokio::test]
async fn labels() {
    run("labels.json").await;
}

#[tokio::test]
async fn collections() {
    run("collections.json").await;
}

#[tokio::test]
async fn logs() {
    run("logs.json").await;
}

#[tokio::test]
async fn exports() {
    run("exports.json").await;
}

#[tokio::test]
async fn feedback() {
    run("feedback.json").await;
}

#[tokio::test]
async fn streams() {
    run("streams.json").await;
}

#[tokio::test]
async fn analytics() {
    run("analytics.json").await;
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
