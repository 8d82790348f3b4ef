//! Standard base64 decoding (RFC 4648 alphabet, optional `=` padding) for the
//! `raw_body_base64` fault field. It is a few lines, so the mock does without a
//! dependency for one admin-route field.

/// The decoded bytes, or why `text` is not standard base64.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let unpadded = text
        .strip_suffix("==")
        .or_else(|| text.strip_suffix('='))
        .unwrap_or(text);
    if unpadded.len() != text.len() && !text.len().is_multiple_of(4) {
        return Err("with \"=\" padding the length must be a multiple of 4".into());
    }
    // One leftover character carries only 6 bits: not even one byte.
    if unpadded.len() % 4 == 1 {
        return Err(format!("{} characters cannot be base64", unpadded.len()));
    }
    let mut out = Vec::with_capacity(unpadded.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (offset, c) in unpadded.char_indices() {
        let value =
            sextet(c).ok_or_else(|| format!("invalid character {c:?} at offset {offset}"))?;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn sextet(c: char) -> Option<u32> {
    let value = match c {
        'A'..='Z' => c as u32 - 'A' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 26,
        '0'..='9' => c as u32 - '0' as u32 + 52,
        '+' => 62,
        '/' => 63,
        _ => return None,
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_standard_base64() {
        for (text, bytes) in [
            ("", &b""[..]),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYg", b"foob"),
            ("Zm9vYmE=", b"fooba"),
            ("+/8=", &[0xfb, 0xff]),
            (
                "eyJpZCI6ImsiLCJuYW1lIjoi//4ifQ==",
                b"{\"id\":\"k\",\"name\":\"\xff\xfe\"}",
            ),
        ] {
            assert_eq!(decode(text).as_deref(), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_standard_base64() {
        for text in [
            "Z", "Zg=", "Zg==Zg==", "Zm9v-_8", "Zm 9v", "Zg===", "=", "Zé==",
        ] {
            assert!(decode(text).is_err(), "{text}");
        }
    }
}
