//! The input rules every language shares for client and per-call settings. Python passes
//! seconds, Node milliseconds, Rust a `Duration`; all of them end here, so a timeout or retry
//! count means the same thing everywhere and nothing out of range reaches `Duration` (whose
//! float constructors panic on NaN, negative or huge values).

use std::time::Duration;

use crate::error::{Error, Result};

/// The longest per-attempt timeout a client or call accepts: one day. Longer is almost
/// surely a unit mistake (milliseconds passed as seconds), and no answer is worth waiting for.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);

/// The most retries a client or call accepts.
pub const MAX_RETRIES: u32 = 1000;

/// The longest path and query (after percent-encoding) a request may have: 8 KiB, what
/// common servers and proxies accept in a request line. A longer id or filter is refused by
/// name before sending, rather than failing as a connection error after pointless retries.
pub const MAX_PATH_AND_QUERY: usize = 8 * 1024;

/// The deepest a parameter value may nest lists and objects. Deeper values are refused before
/// they are serialised (serialising is recursive, so depth must be bounded).
pub const MAX_NESTING: usize = 64;

/// A timeout must be positive and at most `MAX_TIMEOUT`.
pub fn check_timeout(timeout: Duration, param: &str) -> Result<Duration> {
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(timeout_error(param, "s", &format!("{timeout:?}")));
    }
    Ok(timeout)
}

/// A timeout given in seconds (Python): a finite number in (0, 86400].
pub fn timeout_from_secs(seconds: f64, param: &str) -> Result<Duration> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_TIMEOUT.as_secs_f64()) {
        return Err(timeout_error(param, "s", &format!("{seconds:?} s")));
    }
    // In range, so this cannot panic; a sub-nanosecond value rounds up to 1 ns, not to 0.
    Ok(Duration::from_secs_f64(seconds).max(Duration::from_nanos(1)))
}

/// A timeout given in milliseconds (Node): a finite number in (0, 86400000].
pub fn timeout_from_millis(millis: f64, param: &str) -> Result<Duration> {
    if !(millis.is_finite() && millis > 0.0 && millis <= MAX_TIMEOUT.as_secs_f64() * 1000.0) {
        return Err(timeout_error(param, "ms", &format!("{millis:?} ms")));
    }
    timeout_from_secs(millis / 1000.0, param)
}

/// `unit` is the caller's: a Node user passing milliseconds is told the limit in milliseconds.
/// Values are shown with `{:?}`, so `1e300` stays `1e300` rather than 301 digits.
fn timeout_error(param: &str, unit: &str, got: &str) -> Error {
    let max = if unit == "ms" {
        format!("{} ms", MAX_TIMEOUT.as_millis())
    } else {
        format!("{} s", MAX_TIMEOUT.as_secs())
    };
    Error::invalid(
        param,
        format!("'{param}' must be a finite number greater than 0 and at most {max} (one day), got {got}"),
    )
}

/// A retry count: an integer from 0 to `MAX_RETRIES`. Takes `f64` so that every host
/// language's number (JS numbers, Python ints of any size converted with care) is judged by
/// one rule; `1.5`, `NaN` and `2**70` are refused, not truncated.
pub fn max_retries_from(value: f64, param: &str) -> Result<u32> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=f64::from(MAX_RETRIES)).contains(&value)
    {
        return Ok(value as u32);
    }
    Err(retries_error(param, &format!("{value:?}")))
}

/// `max_retries_from` for a value that is already an integer.
pub fn check_max_retries(value: u32, param: &str) -> Result<u32> {
    if value > MAX_RETRIES {
        return Err(retries_error(param, &value.to_string()));
    }
    Ok(value)
}

fn retries_error(param: &str, got: &str) -> Error {
    Error::invalid(
        param,
        format!("'{param}' must be a whole number from 0 to {MAX_RETRIES}, got {got}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param_of(e: Error) -> String {
        match e {
            Error::InvalidParam { param, .. } => param,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn timeouts_in_range_are_kept() {
        assert_eq!(
            timeout_from_secs(1.5, "timeout").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(
            timeout_from_millis(250.0, "timeout").unwrap(),
            Duration::from_millis(250)
        );
        assert_eq!(timeout_from_secs(86_400.0, "timeout").unwrap(), MAX_TIMEOUT);
        assert_eq!(
            timeout_from_millis(1e-9, "timeout").unwrap(),
            Duration::from_nanos(1)
        );
        assert_eq!(check_timeout(MAX_TIMEOUT, "timeout").unwrap(), MAX_TIMEOUT);
    }

    #[test]
    fn timeouts_out_of_range_name_the_parameter_and_never_panic() {
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            86_400.001,
        ] {
            assert_eq!(
                param_of(timeout_from_secs(bad, "timeout").unwrap_err()),
                "timeout"
            );
            assert_eq!(
                param_of(timeout_from_millis(bad * 1000.0, "timeout").unwrap_err()),
                "timeout"
            );
        }
        assert!(check_timeout(Duration::ZERO, "timeout").is_err());
        assert!(check_timeout(Duration::MAX, "timeout").is_err());
    }

    #[test]
    fn retries_are_whole_numbers_in_range() {
        assert_eq!(max_retries_from(0.0, "max_retries").unwrap(), 0);
        assert_eq!(max_retries_from(1000.0, "max_retries").unwrap(), 1000);
        for bad in [-1.0, 1.5, 1001.0, f64::NAN, f64::INFINITY, 2f64.powi(70)] {
            assert_eq!(
                param_of(max_retries_from(bad, "maxRetries").unwrap_err()),
                "maxRetries"
            );
        }
        assert!(check_max_retries(1001, "max_retries").is_err());
    }
}
