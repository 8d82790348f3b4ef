//! Composite (helper) operations: written once here, reached in every language like any
//! operation. A helper is an `Operation` descriptor whose `helper` says what it does
//! (generated from an overlay entry with `helper:` and no `spec:`); `Client::call` runs it here
//! instead of sending one request.
//!
//! `Helper::Poll` (`logs.exports.wait`): calls the polled operation until its answer's state
//! field reaches a `done` value (that answer is the result), a `failed` value
//! (`Error::JobFailed`, carrying the final object: `JobFailedError` in Python and Node), or
//! `max_wait` passes (`Error::Timeout`: `APITimeoutError`).

use std::time::Duration;

use tokio::time::Instant;

use serde_json::Value;

use crate::client::{Client, RequestOptions};
use crate::error::{Error, Result};
use crate::operation::{Helper, Operation};
use crate::request::Params;
use crate::response::RawResponse;

/// Seconds between polls when `poll_interval` is not given.
pub const DEFAULT_POLL_INTERVAL: f64 = 1.0;
/// Seconds before giving up when `max_wait` is not given.
pub const DEFAULT_MAX_WAIT: f64 = 600.0;

pub(crate) async fn run(
    client: &Client,
    op: &Operation,
    helper: &Helper,
    params: Params,
    options: &RequestOptions,
) -> Result<RawResponse> {
    match helper {
        Helper::Poll {
            op: polled,
            field,
            done,
            failed,
        } => {
            let (settings, rest) = split(op, params)?;
            poll(
                client, op, polled, field, done, failed, settings, rest, options,
            )
            .await
        }
    }
}

/// `poll_interval` and `max_wait`, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Settings {
    pub poll_interval: f64,
    pub max_wait: f64,
}

/// The helper's own settings (any spelling: `poll_interval`, `pollInterval`), checked, and
/// the rest of the params, for the polled operation to validate.
pub(crate) fn split(op: &Operation, params: Params) -> Result<(Settings, Params)> {
    let mut settings = Settings {
        poll_interval: DEFAULT_POLL_INTERVAL,
        max_wait: DEFAULT_MAX_WAIT,
    };
    let mut rest = Params::new();
    for (key, value) in params {
        let name = match key.as_str() {
            "poll_interval" | "pollInterval" => "poll_interval",
            "max_wait" | "maxWait" => "max_wait",
            _ => {
                rest.insert(key, value);
                continue;
            }
        };
        let slot = if name == "poll_interval" {
            &mut settings.poll_interval
        } else {
            &mut settings.max_wait
        };
        match &value {
            Value::Null => {}
            Value::Number(n) => match n.as_f64().filter(|f| f.is_finite() && *f >= 0.0) {
                Some(f) if f <= 86_400.0 * 365.0 => *slot = f,
                _ => {
                    return Err(Error::invalid(
                        name,
                        format!(
                        "{}: '{name}' must be a number of seconds from 0 to a year, got {value}",
                        op.name
                    ),
                    ))
                }
            },
            other => {
                return Err(Error::invalid(
                    name,
                    format!(
                        "{}: '{name}' must be a number of seconds, got {other}",
                        op.name
                    ),
                ))
            }
        }
    }
    Ok((settings, rest))
}

/// What one answer says: done, failed, or still running (with the state seen, if any).
#[derive(Debug, PartialEq)]
pub(crate) enum State {
    Done,
    Failed(String),
    Running(Option<String>),
}

pub(crate) fn state(body: &[u8], field: &str, done: &[&str], failed: &[&str]) -> State {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match value.get(field).and_then(Value::as_str) {
        Some(s) if done.contains(&s) => State::Done,
        Some(s) if failed.contains(&s) => State::Failed(s.to_owned()),
        other => State::Running(other.map(str::to_owned)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn poll(
    client: &Client,
    op: &Operation,
    polled: &Operation,
    field: &str,
    done: &[&str],
    failed: &[&str],
    settings: Settings,
    params: Params,
    options: &RequestOptions,
) -> Result<RawResponse> {
    let started = Instant::now();
    let max_wait = Duration::from_secs_f64(settings.max_wait);
    let interval = Duration::from_secs_f64(settings.poll_interval);
    loop {
        let answer = client.call(polled, params.clone(), options).await?;
        match state(&answer.body, field, done, failed) {
            State::Done => return Ok(answer),
            State::Failed(state) => {
                return Err(Error::JobFailed {
                    message: format!("{}: the job ended with {field} '{state}'", op.name),
                    body: String::from_utf8_lossy(&answer.body).into_owned(),
                })
            }
            State::Running(state) => {
                let Some(left) = max_wait
                    .checked_sub(started.elapsed())
                    .filter(|d| !d.is_zero())
                else {
                    return Err(Error::Timeout {
                        message: format!(
                            "{}: still {field} {} after max_wait ({} s)",
                            op.name,
                            state.map_or("unknown".to_owned(), |s| format!("'{s}'")),
                            settings.max_wait
                        ),
                    });
                };
                tokio::time::sleep(interval.min(left)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{Base, Method};
    use crate::transport::{HttpRequest, HttpResponse, SendFuture, Transport};
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    const WAIT: Operation = Operation {
        name: "jobs.wait",
        method: Method::Get,
        path: "/jobs/{id}",
        params: &[],
        rules: &[],
        extra_body: false,
        summary: "",
        base: Base::BaseUrl,
        stream: None,
        helper: None,
    };

    fn params(v: Value) -> Params {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn settings_are_split_from_the_polled_params_and_checked() {
        let (settings, rest) = split(
            &WAIT,
            params(json!({"id": "x", "poll_interval": 0.25, "maxWait": 3})),
        )
        .unwrap();
        assert_eq!(
            settings,
            Settings {
                poll_interval: 0.25,
                max_wait: 3.0
            }
        );
        assert_eq!(Value::Object(rest), json!({"id": "x"}));
        let (settings, _) = split(&WAIT, params(json!({"max_wait": null}))).unwrap();
        assert_eq!(settings.max_wait, DEFAULT_MAX_WAIT);
        assert_eq!(settings.poll_interval, DEFAULT_POLL_INTERVAL);
        for bad in [json!(-1), json!("soon"), json!(1e12)] {
            match split(&WAIT, params(json!({"pollInterval": bad}))).unwrap_err() {
                Error::InvalidParam { param, message } => {
                    assert_eq!(param, "poll_interval");
                    assert!(
                        message.starts_with("jobs.wait: 'poll_interval'"),
                        "{message}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// A test-only helper over `api_keys.retrieve` (GET /api-keys/{id}): the framework does
    /// not depend on any overlay entry.
    const JOB_WAIT: Operation = Operation {
        name: "api_keys.wait",
        helper: Some(&Helper::Poll {
            op: &crate::ops::api_keys::RETRIEVE,
            field: "status",
            done: &["success"],
            failed: &["failed", "stopped"],
        }),
        ..crate::ops::api_keys::RETRIEVE
    };

    /// Answers from a script, in order, and counts what was sent.
    #[derive(Default)]
    struct Scripted {
        answers: Mutex<Vec<&'static str>>,
        sent: Mutex<Vec<String>>,
    }

    impl Transport for Scripted {
        fn send(&self, request: HttpRequest) -> SendFuture<'_> {
            self.sent.lock().unwrap().push(request.url);
            let body = self.answers.lock().unwrap().remove(0);
            Box::pin(async move {
                Ok(HttpResponse {
                    status: 200,
                    headers: vec![],
                    body: bytes::Bytes::from_static(body.as_bytes()),
                })
            })
        }
    }

    fn scripted(answers: Vec<&'static str>) -> (Client, Arc<Scripted>) {
        let transport = Arc::new(Scripted {
            answers: Mutex::new(answers),
            ..Default::default()
        });
        let client = Client::builder()
            .api_key("pk-test")
            .base_url("http://test/v1")
            .transport(transport.clone())
            .build()
            .unwrap();
        (client, transport)
    }

    async fn wait(client: &Client, extra: Value) -> Result<RawResponse> {
        let mut p = params(json!({"id": "job 1"}));
        p.extend(params(extra));
        client.call(&JOB_WAIT, p, &RequestOptions::default()).await
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_done_and_answers_the_last_object() {
        let (client, sent) = scripted(vec![
            r#"{"status": "draft"}"#,
            r#"{"status": "in_progress"}"#,
            r#"{"status": "success", "id": "job 1"}"#,
        ]);
        let started = tokio::time::Instant::now();
        let answer = wait(&client, json!({"poll_interval": 2})).await.unwrap();
        assert_eq!(&answer.body[..], br#"{"status": "success", "id": "job 1"}"#);
        let sent = sent.sent.lock().unwrap();
        assert_eq!(sent.len(), 3);
        assert!(
            sent.iter().all(|u| u == "http://test/v1/api-keys/job%201"),
            "{sent:?}"
        );
        // Two waits of poll_interval between the three polls.
        assert_eq!(started.elapsed(), Duration::from_secs(4));
        // By name too, as the bindings call it: helpers are found with the operations.
        assert!(crate::ops::find("logs.exports.wait").is_none_or(|op| op.helper.is_some()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_state_is_job_failed_carrying_the_final_object() {
        let (client, _) = scripted(vec![
            r#"{"status": "in_progress"}"#,
            r#"{"status": "stopped", "id": "job 1"}"#,
        ]);
        let err = wait(&client, json!({"pollInterval": 0.5}))
            .await
            .unwrap_err();
        assert_eq!(err.class_name(), "JobFailedError");
        match err {
            Error::JobFailed { message, body } => {
                assert_eq!(
                    message,
                    "api_keys.wait: the job ended with status 'stopped'"
                );
                assert_eq!(body, r#"{"status": "stopped", "id": "job 1"}"#);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn max_wait_passing_is_a_timeout() {
        let (client, sent) = scripted(vec![r#"{"status": "in_progress"}"#; 10]);
        let started = tokio::time::Instant::now();
        let err = wait(&client, json!({"poll_interval": 1, "max_wait": 2.5}))
            .await
            .unwrap_err();
        assert_eq!(err.class_name(), "APITimeoutError");
        assert!(
            err.to_string()
                .contains("still status 'in_progress' after max_wait (2.5 s)"),
            "{err}"
        );
        // Polls at 0, 1, 2 and a last one at the deadline, 2.5.
        assert_eq!(sent.sent.lock().unwrap().len(), 4);
        assert_eq!(started.elapsed(), Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn bad_settings_and_the_polled_operations_params_are_refused_before_sending() {
        let (client, sent) = scripted(vec![]);
        let err = wait(&client, json!({"max_wait": -1})).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidParam { param, .. } if param == "max_wait"),
            "{err:?}"
        );
        let err = client
            .call(&JOB_WAIT, params(json!({})), &RequestOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidParam { param, .. } if param == "id"),
            "{err:?}"
        );
        assert!(sent.sent.lock().unwrap().is_empty());
    }

    #[test]
    fn states_are_read_from_the_field() {
        let s = |body: &str| {
            state(
                body.as_bytes(),
                "status",
                &["success"],
                &["failed", "stopped"],
            )
        };
        assert_eq!(s(r#"{"status": "success"}"#), State::Done);
        assert_eq!(
            s(r#"{"status": "stopped"}"#),
            State::Failed("stopped".into())
        );
        assert_eq!(
            s(r#"{"status": "in_progress"}"#),
            State::Running(Some("in_progress".into()))
        );
        assert_eq!(s(r#"{"other": 1}"#), State::Running(None));
        assert_eq!(s("not json"), State::Running(None));
    }
}
