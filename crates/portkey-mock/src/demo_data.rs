//! `--demo-data` (or `"demo_data": true` in a fixtures file): a week of plausible traffic
//! ending at the server's start, for charts and exploring: about 3,000 logs in the shape
//! `POST /logs` takes (plus the mock's `id`/`created_at`/`cost` extensions), over six models
//! of four providers, a dozen users, two workspaces and a few prompts, with a daily rhythm
//! (busy working hours, quiet nights and weekend), errors (429, 500, 503, 400), cache hits
//! (free), retries and fallbacks, multi-step agent traces, and feedback on about one trace in
//! ten. The sequence is deterministic (a fixed seed): only the timestamps move with the clock.
//! The logs are fixtures, so `POST /__mock/reset` keeps them.

use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// The demo logs and feedback, as fixture objects.
pub struct Demo {
    pub logs: Vec<Value>,
    pub feedback: Vec<Value>,
}

/// splitmix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi].
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// One of `items` by weight.
    fn pick<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut at = self.unit() * total;
        for (item, weight) in items {
            if at < *weight {
                return item;
            }
            at -= weight;
        }
        &items[items.len() - 1].0
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

/// (provider, model, weight, typical latency ms).
const MODELS: &[((&str, &str, u64), f64)] = &[
    (("openai", "gpt-4o", 1400), 30.0),
    (("openai", "gpt-4o-mini", 700), 35.0),
    (("anthropic", "claude-3-5-sonnet-20241022", 1900), 14.0),
    (("anthropic", "claude-3-5-haiku-20241022", 900), 10.0),
    (("google", "gemini-2.5-pro", 2600), 6.0),
    (("mistral-ai", "mistral-large-latest", 1200), 5.0),
];

const FEATURES: &[(&str, f64)] = &[
    ("chat", 50.0),
    ("summarize", 20.0),
    ("search", 15.0),
    ("agent", 15.0),
];

const PROMPTS: &[(Option<&str>, f64)] = &[
    (None, 70.0),
    (Some("support-reply"), 15.0),
    (Some("weekly-digest"), 8.0),
    (Some("sql-helper"), 7.0),
];

/// (status, weight, error type, message).
const ERRORS: &[((u16, &str, &str), f64)] = &[
    (
        (
            429,
            "rate_limit_exceeded",
            "Rate limit reached for requests",
        ),
        45.0,
    ),
    (
        (
            500,
            "server_error",
            "The server had an error while processing your request",
        ),
        25.0,
    ),
    (
        (
            503,
            "service_unavailable",
            "The engine is currently overloaded",
        ),
        15.0,
    ),
    (
        (
            400,
            "invalid_request_error",
            "This model's maximum context length was exceeded",
        ),
        15.0,
    ),
];

const USERS: usize = 12;
const DAYS: u64 = 7;
const HOUR_MS: u64 = 3_600_000;

/// Relative traffic of an hour of the week (0 = the first hour of the oldest day, in UTC).
fn hourly_weight(day_of_week: u64, hour: u64) -> f64 {
    let weekend = day_of_week >= 5;
    let base = match hour {
        0..=5 => 0.15,
        6..=8 => 0.5,
        9..=17 => 1.0,
        18..=21 => 0.6,
        _ => 0.3,
    };
    if weekend {
        base * 0.35
    } else {
        base
    }
}

/// The demo week, ending now.
pub fn week() -> Demo {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0));
    week_ending(now)
}

/// The demo week ending at `end` (epoch milliseconds).
pub fn week_ending(end: u64) -> Demo {
    let mut rng = Rng(0x5EED_2026_0B5E_4A7E);
    let start = end.saturating_sub(DAYS * 24 * HOUR_MS);
    let mut logs = Vec::new();
    let mut feedback = Vec::new();
    // Which weekday the first day is does not matter for a demo: day 5 and 6 are the weekend.
    for hour_index in 0..DAYS * 24 {
        let weight = hourly_weight(hour_index / 24, hour_index % 24);
        // About 28 requests in a busy hour.
        let count = (weight * 28.0 * (0.75 + rng.unit() * 0.5)).round() as u64;
        for _ in 0..count {
            let at = start + hour_index * HOUR_MS + rng.range(0, HOUR_MS - 1);
            if at > end {
                continue;
            }
            let (trace_id, success) = trace(&mut rng, at, end, &mut logs);
            {
                if rng.unit() < 0.1 {
                    let positive = if success { 0.8 } else { 0.3 };
                    let value = if rng.unit() < 0.5 {
                        // Thumbs.
                        if rng.unit() < positive {
                            1
                        } else {
                            -1
                        }
                    } else if rng.unit() < positive {
                        rng.range(6, 10) as i64
                    } else {
                        -(rng.range(0, 8) as i64)
                    };
                    let weight = *rng.pick(&[(1.0, 70.0), (0.5, 30.0)]);
                    feedback.push(json!({
                        "id": rng.uuid(),
                        "trace_id": trace_id,
                        "value": value,
                        "weight": weight,
                        "metadata": {"_user": format!("user-{:02}", rng.range(1, USERS as u64))},
                        "created_at": crate::hooks::logs::format_millis(
                            i64::try_from((at + rng.range(5_000, 600_000)).min(end)).unwrap_or(0)),
                    }));
                }
            }
        }
    }
    Demo { logs, feedback }
}

/// One trace at `at`: a single request, or an agent's two or three spans; returns its id
/// and whether its last request succeeded.
fn trace(rng: &mut Rng, at: u64, end: u64, logs: &mut Vec<Value>) -> (String, bool) {
    let trace_id = format!("trace-{}", &rng.uuid()[..18]);
    let user = format!("user-{:02}", rng.range(1, USERS as u64));
    let feature = *rng.pick(FEATURES);
    let prompt = *rng.pick(PROMPTS);
    let workspace = if rng.unit() < 0.8 {
        "default"
    } else {
        "ws-research"
    };
    let environment = if rng.unit() < 0.85 {
        "production"
    } else {
        "staging"
    };
    let spans: &[&str] = if feature == "agent" {
        if rng.unit() < 0.5 {
            &["plan", "act"]
        } else {
            &["plan", "act", "answer"]
        }
    } else {
        &["llm"]
    };
    let mut at = at;
    let mut success = true;
    for (i, span) in spans.iter().enumerate() {
        let (provider, model, typical) = *rng.pick(MODELS);
        let cache = if feature == "agent" {
            "MISS"
        } else {
            *rng.pick(&[("MISS", 84.0), ("HIT", 12.0), ("SEMANTIC HIT", 4.0)])
        };
        let hit = cache != "MISS";
        let error = (!hit && rng.unit() < 0.06).then(|| *rng.pick(ERRORS));
        let retries = if rng.unit() < 0.07 {
            rng.range(1, 3)
        } else {
            0
        };
        // A retry that ends in an error is the usual way a 429 or 503 reaches the log.
        let fallback = !hit && rng.unit() < 0.025;
        let prompt_tokens = rng.range(60, 2800);
        let completion_tokens = if error.is_some() {
            0
        } else {
            rng.range(20, 750)
        };
        let latency = if hit {
            rng.range(15, 90)
        } else {
            let jitter = 0.5 + rng.unit() * 1.2;
            let tokens = completion_tokens as f64 * 4.0;
            ((typical as f64 * jitter + tokens) as u64) * (retries + 1)
        };
        let status = error.map_or(200, |e| e.0);
        success = status < 400;
        let mut request_headers = json!({
            "content-type": "application/json",
            "x-portkey-provider": provider,
        });
        if rng.unit() < 0.4 {
            request_headers["x-portkey-virtual-key"] = json!(format!("{provider}-vk-prod"));
        }
        if rng.unit() < 0.3 {
            request_headers["x-portkey-config"] = json!("pc-default-routing");
        }
        let mut response_headers = json!({
            "content-type": "application/json",
            "x-portkey-cache-status": cache,
        });
        if retries > 0 {
            response_headers["x-portkey-retry-attempt-count"] = json!(retries.to_string());
        }
        if fallback {
            response_headers["x-portkey-fallback-used"] = json!("true");
        }
        let body = match error {
            Some((_, kind, message)) => json!({"error": {"message": message, "type": kind}}),
            None => json!({
                "id": format!("chatcmpl-{}", &rng.uuid()[..8]),
                "object": "chat.completion",
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "(demo answer)"}}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens},
            }),
        };
        let mut metadata = json!({
            "_user": user,
            "_workspace": workspace,
            "environment": environment,
            "feature": feature,
            "trace_id": trace_id,
            "span_id": format!("span-{i}"),
            "span_name": span,
        });
        if let Some(slug) = prompt {
            metadata["_prompt"] = json!(slug);
        }
        let mut log = json!({
            "id": rng.uuid(),
            "created_at": crate::hooks::logs::format_millis(i64::try_from(at.min(end)).unwrap_or(0)),
            "request": {
                "url": url(provider),
                "method": "POST",
                "headers": request_headers,
                "body": {"model": model, "messages": [{"role": "user", "content": format!("(demo {feature} request)")}]},
            },
            "response": {
                "status": status,
                "headers": response_headers,
                "body": body,
                "response_time": latency,
            },
            "metadata": metadata,
        });
        if hit {
            // A cache hit costs nothing.
            log["cost"] = json!(0);
        }
        logs.push(log);
        at += latency + rng.range(50, 400);
    }
    (trace_id, success)
}

fn url(provider: &str) -> &'static str {
    match provider {
        "openai" => "https://api.openai.com/v1/chat/completions",
        "anthropic" => "https://api.anthropic.com/v1/messages",
        "google" => "https://generativelanguage.googleapis.com/v1beta/models:generateContent",
        _ => "https://api.mistral.ai/v1/chat/completions",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deterministic_plausible_week() {
        let end = 1_790_000_000_000;
        let a = week_ending(end);
        let b = week_ending(end);
        assert_eq!(a.logs, b.logs);
        assert_eq!(a.feedback, b.feedback);
        assert!((2_000..5_000).contains(&a.logs.len()), "{}", a.logs.len());
        assert!(a.feedback.len() > 100, "{}", a.feedback.len());
        let errors = a
            .logs
            .iter()
            .filter(|l| l["response"]["status"].as_u64().unwrap() >= 400)
            .count();
        assert!(errors > 50 && errors < a.logs.len() / 10, "{errors}");
        let newest = a
            .logs
            .iter()
            .map(|l| crate::time::parse_millis(l["created_at"].as_str().unwrap()).unwrap())
            .max()
            .unwrap();
        assert!(newest <= end as i64);
    }
}
