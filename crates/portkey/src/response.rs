//! A successful answer, kept raw: the bindings hand the bytes to their own (fast) JSON parsers,
//! and Rust callers decode into typed models.

use bytes::Bytes;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::{Error, Headers, Result};
use crate::operation::Answer;

/// The deepest JSON nesting a successful answer may have (serde_json's own recursion limit,
/// so a body accepted here also decodes into the typed models).
pub const MAX_DEPTH: usize = 128;

/// A 2xx answer whose body is known to be valid JSON.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Bytes,
}

impl RawResponse {
    /// Decodes the body into `T`. Models keep unknown fields, so this fails only when a
    /// known field has an impossible type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            message: e.to_string(),
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
            .or_else(|| self.header("x-portkey-request-id"))
    }
}

/// Checks a non-empty 2xx body before anyone parses it: UTF-8 throughout (serde's
/// `IgnoredAny` skips strings without looking at their bytes), nested at most `MAX_DEPTH`
/// deep (checked by a flat scan first, so a body of 100,000 `[` costs one pass and no
/// recursion here or in the bindings' parsers), valid JSON, and the JSON type the operation
/// answers with.
pub(crate) fn check_body(body: &[u8], answer: Answer) -> std::result::Result<(), String> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err(format!(
            "the body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ));
    }
    if nesting_exceeds(body, MAX_DEPTH) {
        return Err(format!(
            "the body nests JSON more than {MAX_DEPTH} levels deep"
        ));
    }
    serde_json::from_slice::<IgnoredAny>(body).map_err(|e| e.to_string())?;
    match answer {
        Answer::Any => Ok(()),
        Answer::Object => match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Ok(()),
            first => Err(format!(
                "expected a JSON object, got {}",
                match first {
                    Some(b'[') => "an array",
                    Some(b'"') => "a string",
                    Some(b't' | b'f') => "a boolean",
                    Some(b'n') => "null",
                    _ => "a number",
                }
            )),
        },
    }
}

/// Whether brackets outside strings nest deeper than `max` at any point. Exact for valid
/// JSON; for anything else the parser that runs next refuses the body anyway.
fn nesting_exceeds(body: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> Vec<u8> {
        let mut body: Vec<u8> = std::iter::repeat_n(b'[', depth).collect();
        body.extend(std::iter::repeat_n(b']', depth));
        body
    }

    #[test]
    fn objects_pass_and_other_json_types_are_named() {
        assert_eq!(
            check_body(br#" {"id":"k","n":[1,{"a":null}]} "#, Answer::Object),
            Ok(())
        );
        for (body, kind) in [
            (&b"null"[..], "null"),
            (b"[1,2]", "an array"),
            (b"\"s\"", "a string"),
            (b"42", "a number"),
            (b"-1", "a number"),
            (b"true", "a boolean"),
        ] {
            let message = check_body(body, Answer::Object).unwrap_err();
            assert_eq!(message, format!("expected a JSON object, got {kind}"));
            assert_eq!(check_body(body, Answer::Any), Ok(()));
        }
    }

    #[test]
    fn invalid_utf8_inside_a_string_is_refused() {
        // serde's IgnoredAny alone accepts this body.
        let body = b"{\"id\":\"k\",\"name\":\"\xff\xfe\"}";
        assert!(serde_json::from_slice::<IgnoredAny>(body).is_ok());
        let message = check_body(body, Answer::Object).unwrap_err();
        assert!(message.contains("UTF-8"), "{message}");
        assert!(message.contains("offset 18"), "{message}");
    }

    #[test]
    fn nesting_is_limited_without_recursion() {
        let mut ok = b"{\"a\":".to_vec();
        ok.extend(nested(MAX_DEPTH - 1));
        ok.push(b'}');
        assert_eq!(check_body(&ok, Answer::Object), Ok(()));
        let mut deep = b"{\"a\":".to_vec();
        deep.extend(nested(MAX_DEPTH));
        deep.push(b'}');
        assert!(check_body(&deep, Answer::Object)
            .unwrap_err()
            .contains("128 levels"));
        // 100,000 deep: refused by the flat scan (a recursive check would overflow the stack).
        let huge = nested(100_000);
        assert!(check_body(&huge, Answer::Any)
            .unwrap_err()
            .contains("128 levels"));
        let mut unclosed = b"{\"a\":".to_vec();
        unclosed.extend(std::iter::repeat_n(b'{', 1_000_000));
        assert!(check_body(&unclosed, Answer::Object).is_err());
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let mut body = b"{\"a\":\"".to_vec();
        body.extend(std::iter::repeat_n(b'[', 1000));
        body.extend(b"\\\"{{{\"}");
        assert_eq!(check_body(&body, Answer::Object), Ok(()));
        assert!(!nesting_exceeds(br#"{"a":"\\","b":[]}"#, 2));
        assert!(nesting_exceeds(br#"{"a":"\\","b":[]}"#, 1));
    }

    #[test]
    fn junk_is_refused_with_the_parser_message() {
        assert!(check_body(b"{\"id\": ", Answer::Object).is_err());
        assert!(check_body(b"{} {}", Answer::Object).is_err());
        assert!(check_body(b"<html>", Answer::Any).is_err());
    }
}
