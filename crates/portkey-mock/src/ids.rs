//! Random identifiers. The mock needs unpredictable-looking ids, not cryptographic ones,
//! so std's randomly keyed SipHash stands in for a `rand` dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn random_u64() -> u64 {
    // The counter makes successive calls differ even within one clock tick.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    hasher.write_u128(nanos);
    hasher.finish()
}

/// A version-4 UUID in its usual textual form.
pub fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&random_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&random_u64().to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A full API-key secret: "pk-" and 40 letters or digits.
pub fn api_key_secret() -> String {
    let body: String = (0..40)
        .map(|_| char::from(ALNUM[(random_u64() % ALNUM.len() as u64) as usize]))
        .collect();
    format!("pk-{body}")
}

/// `digits` random lowercase hex digits: the random tail of a virtual-key slug (four
/// normally, more once short tails start colliding).
pub fn hex(digits: usize) -> String {
    let mut out = String::with_capacity(digits);
    while out.len() < digits {
        let chunk = format!("{:016x}", random_u64());
        let wanted = (digits - out.len()).min(chunk.len());
        out.push_str(&chunk[..wanted]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(id, uuid_v4());
    }

    #[test]
    fn hex_has_the_asked_length() {
        for digits in [0, 4, 8, 16, 17, 40] {
            let tail = hex(digits);
            assert_eq!(tail.len(), digits);
            assert!(
                tail.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
                "{tail}"
            );
        }
    }

    #[test]
    fn secret_shape() {
        let key = api_key_secret();
        assert_eq!(key.len(), 43);
        assert!(key[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
