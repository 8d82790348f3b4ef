//! RFC 3339 timestamps without a date-time dependency: the mock only ever formats UTC
//! instants and needs a light syntax check for incoming date-times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `SystemTime` as `YYYY-MM-DDTHH:MM:SSZ` in UTC.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn now() -> String {
    rfc3339(SystemTime::now())
}

/// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`: audit-log timestamps, fine enough to filter by.
pub fn now_millis() -> String {
    let now = SystemTime::now();
    let millis = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_millis();
    let seconds = rfc3339(now);
    format!("{}.{millis:03}Z", seconds.trim_end_matches('Z'))
}

/// Milliseconds since the epoch of an ISO 8601 date-time (`is_date_time`'s forms; no offset
/// means UTC) or a bare date (`2026-01-15`, midnight UTC); `None` for anything else.
pub fn parse_millis(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = b.get(from..to)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let date_only = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if !date_only && !is_date_time(s) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if date_only {
        return Some(days * 86_400_000);
    }
    let seconds = num(11, 13)? * 3600 + num(14, 16)? * 60 + num(17, 19)?;
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        millis = frac[..digits]
            .iter()
            .chain(b"000")
            .take(3)
            .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
        rest = &frac[digits..];
    }
    let offset = match rest {
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let digit = |c: &u8| i64::from(c - b'0');
            let minutes = (digit(h1) * 10 + digit(h2)) * 60 + digit(m1) * 10 + digit(m2);
            if rest[0] == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        _ => 0,
    };
    Some((days * 86_400 + seconds - offset * 60) * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn now_plus_ms(ms: u64) -> String {
    rfc3339(SystemTime::now() + Duration::from_millis(ms))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm,
/// restricted to dates after the epoch, which is all `SystemTime::now` gives).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Light RFC 3339 check: `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then an optional
/// `Z` or `±HH:MM` offset, and nothing else.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 19 {
        return false;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let part = &b[from..to];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let fields = (
        num(0, 4),
        num(5, 7),
        num(8, 10),
        num(11, 13),
        num(14, 16),
        num(17, 19),
    );
    let (Some(_), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = fields else {
        return false;
    };
    let separators = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':';
    let in_range = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60;
    if !separators || !in_range || sec > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &frac[digits..];
    }
    match rest {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_343_400);
        assert_eq!(rfc3339(t), "2026-11-22T10:30:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn formatted_output_passes_the_check() {
        assert!(is_date_time(&now()));
        assert!(is_date_time(&now_millis()));
        assert_eq!(now_millis().len(), 24);
    }

    #[test]
    fn parses_to_epoch_millis() {
        assert_eq!(parse_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_millis("1970-01-01"), Some(0));
        assert_eq!(
            parse_millis("2026-11-22T10:30:00.5Z"),
            Some(1_795_343_400_500)
        );
        assert_eq!(
            parse_millis("2026-11-22T12:30:00+02:00"),
            Some(1_795_343_400_000)
        );
        assert_eq!(parse_millis("2000-02-29"), Some(951_782_400_000));
        let now = now_millis();
        let t = UNIX_EPOCH + Duration::from_millis(parse_millis(&now).unwrap().try_into().unwrap());
        assert_eq!(rfc3339(t), now[..19].to_owned() + "Z");
        assert_eq!(parse_millis("yesterday"), None);
        assert_eq!(parse_millis("2026-13-01"), None);
    }

    #[test]
    fn date_time_check() {
        for ok in [
            "2026-12-31T23:59:59Z",
            "2026-01-15T10:30:00.000Z",
            "2026-01-15T10:30:00+05:30",
            "2026-01-15T10:30:00",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "",
            "tomorrow",
            "2026-13-01T00:00:00Z",
            "2026-12-31 23:59:59Z",
            "2026-12-31T23:59:59.Z",
            "2026-12-31T23:59:59Zjunk",
            "2026-12-31T24:00:00Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
