//! Percent-decoding for path segments and query strings. Decoding happens per segment,
//! after splitting on '/', so an encoded "%2F" inside an id never becomes a separator.

/// Decodes `%XX` escapes; malformed escapes are kept literally, and bytes that are not
/// UTF-8 are replaced, since the result is only ever compared with stored ids.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| Some((hex(*b.get(i + 1)?)? << 4) | hex(*b.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

/// `a=1&b=x+y` into decoded pairs, in order; a name without '=' gets an empty value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            (decode(name), decode(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_keeps_malformed_ones() {
        assert_eq!(percent_decode("..%2Fadmin%2fusers"), "../admin/users");
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn parses_queries() {
        assert_eq!(
            parse_query("page_size=2&workspace_id=ws+a%2Fb&flag"),
            vec![
                ("page_size".into(), "2".into()),
                ("workspace_id".into(), "ws a/b".into()),
                ("flag".into(), String::new()),
            ]
        );
        assert!(parse_query("").is_empty());
    }
}
