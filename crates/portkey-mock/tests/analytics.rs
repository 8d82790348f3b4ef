//! `/analytics/...` over HTTP: every answer is computed from the logs and feedback the mock
//! holds (here preloaded as fixtures), so the expected numbers are computed in the test from
//! the same data.

mod common;

use common::{api, start_with};
use portkey_mock::{Fixtures, MockHandle};
use serde_json::{json, Value};

const FROM: &str = "2026-03-01T00:00:00Z";
const TO: &str = "2026-03-03T23:59:59Z";

/// One generated log: its day (0..3, or 3 = outside the range), status, cost, model, user.
#[derive(Clone)]
struct Spec {
    day: u32,
    hour: u32,
    status: u64,
    cost: u64,
    provider: &'static str,
    model: &'static str,
    user: Option<&'static str>,
    trace: String,
}

/// 300 logs, deterministic: status 500 for every tenth, 429 for every seventh otherwise;
/// cost `i % 13` cents; every third on anthropic; users by `i % 4`; the last ten on the day
/// after the range.
fn specs() -> Vec<Spec> {
    (0..300u32)
        .map(|i| Spec {
            day: if i >= 290 { 3 } else { i % 3 },
            hour: i % 24,
            status: if i % 10 == 0 {
                500
            } else if i % 7 == 0 {
                429
            } else {
                200
            },
            cost: u64::from(i % 13),
            provider: if i % 3 == 1 { "anthropic" } else { "openai" },
            model: if i % 3 == 1 {
                "claude-3-5-haiku-20241022"
            } else {
                "gpt-4o"
            },
            user: ["ann", "bob", "cy"].get((i % 4) as usize).copied(),
            trace: format!("t-{i}"),
        })
        .collect()
}

fn log(s: &Spec) -> Value {
    let mut metadata = json!({"trace_id": s.trace, "env": if s.day == 1 { "prod" } else { "dev" }});
    if let Some(user) = s.user {
        metadata["_user"] = json!(user);
    }
    json!({
        "request": {
            "url": "https://api.portkey.ai/v1/chat/completions",
            "method": "POST",
            "headers": {"x-portkey-provider": s.provider},
            "body": {"model": s.model},
        },
        "response": {"status": s.status, "body": {}, "response_time": 100 + s.cost * 10},
        "metadata": metadata,
        "created_at": format!("2026-03-0{}T{:02}:30:00Z", s.day + 1, s.hour),
        "cost": s.cost,
    })
}

fn mock_with(specs: &[Spec], feedback: Vec<Value>) -> MockHandle {
    start_with(Fixtures {
        logs: specs.iter().map(log).collect(),
        feedback,
        ..Fixtures::default()
    })
}

fn get(mock: &MockHandle, path: &str, query: &str) -> Value {
    let target = format!(
        "/v1/analytics/{path}?time_of_generation_min={FROM}&time_of_generation_max={TO}{query}"
    );
    let response = api(mock, "GET", &target, None);
    assert_eq!(
        response.status,
        200,
        "{target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn points(answer: &Value, field: &str) -> Vec<i64> {
    answer["data_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[field].as_i64().unwrap())
        .collect()
}

fn in_range(specs: &[Spec]) -> Vec<Spec> {
    specs.iter().filter(|s| s.day < 3).cloned().collect()
}

fn per_day(specs: &[Spec], value: impl Fn(&Spec) -> u64) -> Vec<i64> {
    (0..3)
        .map(|d| specs.iter().filter(|s| s.day == d).map(&value).sum::<u64>() as i64)
        .collect()
}

#[test]
fn requests_cost_and_errors_agree_with_the_logs() {
    let all = specs();
    let mock = mock_with(&all, vec![]);
    let kept = in_range(&all);

    let requests = get(&mock, "graphs/requests", "");
    assert_eq!(requests["object"], "analytics-graph");
    assert_eq!(requests["summary"]["total"], kept.len());
    assert_eq!(points(&requests, "total"), per_day(&kept, |_| 1));
    assert_eq!(requests["data_points"][0]["timestamp"], FROM);

    let cost = get(&mock, "graphs/cost", "");
    let total: u64 = kept.iter().map(|s| s.cost).sum();
    assert_eq!(cost["summary"]["total"], total);
    assert_eq!(
        cost["summary"]["avg"],
        (total as f64 / kept.len() as f64).round() as i64
    );
    assert_eq!(points(&cost, "total"), per_day(&kept, |s| s.cost));

    let errors = per_day(&kept, |s| u64::from(s.status >= 400));
    let answer = get(&mock, "graphs/errors", "");
    assert_eq!(points(&answer, "total"), errors);
    let rate = get(&mock, "graphs/errors/rate", "");
    let everything: i64 = errors.iter().sum();
    assert_eq!(
        rate["summary"]["rate"],
        (100.0 * everything as f64 / kept.len() as f64).round() as i64
    );
    let codes = get(&mock, "graphs/errors/status-codes", "");
    let count = |code| kept.iter().filter(|s| s.status == code).count();
    assert_eq!(
        codes["data_points"],
        json!([{"status_code": 429, "count": count(429)}, {"status_code": 500, "count": count(500)}])
    );
}

#[test]
fn filters_select_the_same_logs_a_test_selects() {
    let all = specs();
    let mock = mock_with(&all, vec![]);
    let kept = in_range(&all);
    let total = |query: &str| get(&mock, "graphs/requests", query)["summary"]["total"].clone();
    let count = |keep: &dyn Fn(&Spec) -> bool| json!(kept.iter().filter(|s| keep(s)).count());

    assert_eq!(total("&status_code=429,500"), count(&|s| s.status >= 400));
    assert_eq!(
        total("&ai_org_model=anthropic__claude-3-5-haiku-20241022"),
        count(&|s| s.provider == "anthropic")
    );
    assert_eq!(
        total("&cost_min=3&cost_max=5.5"),
        count(&|s| (3..=5).contains(&s.cost))
    );
    assert_eq!(
        total("&metadata=%7B%22env%22%3A%22prod%22%2C%22_user%22%3A%22ann%22%7D"),
        count(&|s| s.day == 1 && s.user == Some("ann"))
    );
    assert_eq!(total("&trace_id=t-0,t-1,t-295"), json!(2));
    assert_eq!(total("&workspace_slug=nowhere"), json!(0));
    let users = get(&mock, "groups/users", "&page_size=2");
    assert_eq!(users["total"], 3);
    assert_eq!(users["data"].as_array().unwrap().len(), 2);
    assert_eq!(users["data"][0]["object"], "analytics-group");
}

#[test]
fn feedback_graphs_follow_the_feedback_store() {
    let all = specs();
    let feedback = (0..10)
        .map(|i| json!({"trace_id": format!("t-{i}"), "value": if i < 4 { 10 } else { -5 }}))
        .collect();
    let mock = mock_with(&all, feedback);
    let graph = get(&mock, "graphs/feedbacks", "");
    assert_eq!(graph["summary"]["total"], 10);
    // Traces t-0..t-9 are on days 0, 1, 2, 0, 1, ...
    assert_eq!(points(&graph, "total"), vec![4, 3, 3]);
    let scores = get(&mock, "graphs/feedbacks/scores", "");
    assert_eq!(
        scores["data_points"],
        json!([{"score": -5, "total": 6}, {"score": 10, "total": 4}])
    );
    assert_eq!(
        get(&mock, "graphs/feedbacks/weighted", "")["summary"]["avg"],
        1
    );
    let rated = get(&mock, "graphs/requests", "&weighted_feedback_min=5");
    assert_eq!(rated["summary"]["total"], 4);
}

#[test]
fn a_missing_or_reversed_range_is_a_400_naming_the_bound() {
    let mock = mock_with(&specs(), vec![]);
    let missing = api(
        &mock,
        "GET",
        &format!("/v1/analytics/graphs/requests?time_of_generation_max={TO}"),
        None,
    );
    assert_eq!(missing.status, 400);
    assert!(missing.message().contains("time_of_generation_min"));
    let reversed = api(
        &mock,
        "GET",
        &format!(
            "/v1/analytics/graphs/cost?time_of_generation_min={TO}&time_of_generation_max={FROM}"
        ),
        None,
    );
    assert_eq!(reversed.status, 400);
    assert!(reversed.message().contains("time_of_generation_min"));
    let metadata = api(
        &mock,
        "GET",
        &format!("/v1/analytics/graphs/cost?time_of_generation_min={FROM}&time_of_generation_max={TO}&metadata=env"),
        None,
    );
    assert_eq!(metadata.status, 400);
    assert!(metadata.message().contains("metadata"));
}

#[test]
fn demo_data_charts_add_up() {
    let mock = start_with(Fixtures {
        demo_data: true,
        ..Fixtures::default()
    });
    let target = "/v1/analytics/graphs/cost?time_of_generation_min=2000-01-01T00:00:00Z&time_of_generation_max=2100-01-01T00:00:00Z";
    let cost = api(&mock, "GET", target, None).json();
    let requests = api(&mock, "GET", &target.replace("cost", "requests"), None).json();
    let total = requests["summary"]["total"].as_i64().unwrap();
    assert!(total > 1000, "{total} demo logs");
    assert_eq!(points(&requests, "total").iter().sum::<i64>(), total);
    assert!(cost["summary"]["total"].as_i64().unwrap() > 0);
}
