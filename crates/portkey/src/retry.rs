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

/// Whether an HTTP status is worth another attempt: 408, 429 and the 5xx range (hyper lets
/// through any three-digit status; 600-999 mean nothing and are not retried).
pub fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
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
        // Sending it again would fail the same way.
        TransportError::Request(_) => false,
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
    // `clamp` keeps NaN, and `mul_f64(NaN)` panics: a NaN jitter counts as none.
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    exp.min(MAX_DELAY).mul_f64(1.0 - 0.25 * jitter)
}

/// Reads `retry-after-ms`, then `retry-after` as seconds or as an HTTP date. A value that is
/// not a finite, non-negative number of representable length (`-5`, `NaN`, `1e20`,
/// `99999999999999999999999`) is ignored, so the plain back-off applies, exactly as for a
/// merely too long wait. Never panics, whatever the server sends.
pub fn retry_after(headers: &Headers, now: SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `Duration::from_secs_f64` panics on negative, NaN and overflowing values; this refuses
/// them (`try_from_secs_f64` errs on all three, and on infinity).
fn seconds(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs).ok()
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
    fn absurd_retry_after_values_are_ignored_and_never_panic() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        for (name, value) in [
            ("retry-after", "1e20"),
            ("retry-after", "99999999999999999999999"),
            ("retry-after", "1.8446744073709552e19"),
            ("retry-after", "-5"),
            ("retry-after", "-0.0001"),
            ("retry-after", "NaN"),
            ("retry-after", "inf"),
            ("retry-after", "-inf"),
            ("retry-after", "1e309"),
            ("retry-after-ms", "1e30"),
            ("retry-after-ms", "-1"),
            ("retry-after-ms", "NaN"),
            ("retry-after-ms", "infinity"),
        ] {
            let h = headers(&[(name, value)]);
            assert_eq!(retry_after(&h, now), None, "{name}: {value}");
            // The plain back-off applies.
            assert_eq!(delay(0, &h, 0.0), INITIAL_DELAY, "{name}: {value}");
            assert_eq!(delay(2, &h, 0.0), Duration::from_secs(2), "{name}: {value}");
        }
        // Large but representable: parsed, then not honoured (longer than MAX_RETRY_AFTER).
        let h = headers(&[("retry-after", "1e12")]);
        assert_eq!(
            retry_after(&h, now),
            Some(Duration::from_secs(1_000_000_000_000))
        );
        assert_eq!(delay(0, &h, 0.0), INITIAL_DELAY);
        // A date far in the future or in the past.
        let h = headers(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]);
        assert_eq!(delay(0, &h, 0.0), INITIAL_DELAY);
        let h = headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT")]);
        assert_eq!(delay(0, &h, 0.0), Duration::ZERO);
    }

    #[test]
    fn any_jitter_is_safe() {
        let none = headers(&[]);
        for jitter in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e300] {
            let d = delay(1, &none, jitter);
            assert!(
                d <= Duration::from_secs(1) && d >= Duration::from_millis(750),
                "{jitter}"
            );
        }
        assert_eq!(delay(u32::MAX, &none, 0.5), MAX_DELAY.mul_f64(0.875));
    }

    #[test]
    fn only_real_server_errors_are_retried() {
        assert!(retryable_status(500));
        assert!(retryable_status(599));
        assert!(!retryable_status(600));
        assert!(!retryable_status(999));
        assert!(!retryable_status(499));
        assert!(!retry_failure(
            Method::Get,
            &TransportError::Request("invalid request URL".into())
        ));
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
