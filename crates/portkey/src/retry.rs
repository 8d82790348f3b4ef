//! When to try again and how long to wait. Pure functions, so the policy is unit-tested
//! without a server.

use std::time::{Duration, SystemTime};

use crate::error::Headers;
use crate::operation::Method;
use crate::transport::TransportError;

/// First back-off delay; it doubles per retry.
const INITIAL_DELAY: Duration = Duration::from_millis(500);
/// Back-off never waits longer than this between attempts.
const MAX_DELAY: Duration = Duration::from_secs(8);
/// A `Retry-After` longer than this is not honoured (the plain back-off applies instead): a
/// script should not hang for minutes on one call.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether an HTTP status is worth another attempt.
pub fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

/// Whether an answer with `status` to a `method` request may be retried. A POST got to the
/// server and may have created something, so it is never replayed.
pub fn retry_status(method: Method, status: u16) -> bool {
    method.is_idempotent() && retryable_status(status)
}

/// Whether a transport failure may be retried: always when the connection was never made,
/// otherwise only for methods whose replay cannot duplicate anything.
pub fn retry_failure(method: Method, error: &TransportError) -> bool {
    match error {
        TransportError::Connect(_) => true,
        TransportError::Timeout(_) | TransportError::Io(_) => method.is_idempotent(),
    }
}

/// How long to wait before retry number `retry` (0 for the first retry).
/// `Retry-After` / `retry-after-ms` win when present and reasonable; otherwise capped
/// exponential back-off with up to 25% jitter, so many clients do not retry in lockstep.
pub fn delay(retry: u32, headers: &Headers, jitter: f64) -> Duration {
    if let Some(wait) = retry_after(headers, SystemTime::now()) {
        if wait <= MAX_RETRY_AFTER {
            return wait;
        }
    }
    let exp = INITIAL_DELAY.saturating_mul(1u32 << retry.min(16));
    exp.min(MAX_DELAY)
        .mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
}

/// Reads `retry-after-ms`, then `retry-after` as seconds or as an HTTP date.
pub fn retry_after(headers: &Headers, now: SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return (ms >= 0.0 && ms.is_finite()).then(|| Duration::from_secs_f64(ms / 1000.0));
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs >= 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let none = headers(&[]);
        assert_eq!(delay(0, &none, 0.0), Duration::from_millis(500));
        assert_eq!(delay(1, &none, 0.0), Duration::from_secs(1));
        assert_eq!(delay(3, &none, 0.0), Duration::from_secs(4));
        assert_eq!(delay(10, &none, 0.0), MAX_DELAY);
        assert_eq!(delay(40, &none, 0.0), MAX_DELAY);
    }

    #[test]
    fn jitter_only_shortens_by_a_quarter_at_most() {
        let none = headers(&[]);
        assert_eq!(delay(1, &none, 1.0), Duration::from_millis(750));
        assert_eq!(delay(1, &none, 7.0), Duration::from_millis(750));
    }

    #[test]
    fn retry_after_seconds_ms_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")]), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")]), now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after-ms", "150"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(150))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")]), now), None);
    }

    #[test]
    fn honours_reasonable_retry_after_only() {
        assert_eq!(
            delay(0, &headers(&[("retry-after", "0")]), 0.0),
            Duration::ZERO
        );
        assert_eq!(
            delay(0, &headers(&[("retry-after", "3600")]), 0.0),
            INITIAL_DELAY
        );
    }

    #[test]
    fn posts_are_only_retried_when_they_never_left() {
        assert!(retry_status(Method::Get, 503));
        assert!(retry_status(Method::Put, 429));
        assert!(retry_status(Method::Delete, 408));
        assert!(!retry_status(Method::Get, 404));
        assert!(!retry_status(Method::Post, 503));
        assert!(retry_failure(
            Method::Post,
            &TransportError::Connect("refused".into())
        ));
        assert!(!retry_failure(
            Method::Post,
            &TransportError::Io("reset".into())
        ));
        assert!(!retry_failure(
            Method::Post,
            &TransportError::Timeout("slow".into())
        ));
        assert!(retry_failure(
            Method::Get,
            &TransportError::Io("reset".into())
        ));
    }
}
