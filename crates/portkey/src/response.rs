//! A successful answer, kept raw: the bindings hand the bytes to their own (fast) JSON parsers,
//! and Rust callers decode into typed models.

use bytes::Bytes;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::{Error, Headers, Result};
use crate::operation::Answer;

/// The deepest JSON nesting a successful answer may have: serde_json's own recursion limit,
/// which refuses a 128th level, so a body accepted here also decodes into the typed models
/// (the shared scenario `hostile_server.json` holds every language to it).
pub const MAX_DEPTH: usize = 127;

/// A 2xx answer, its body UTF-8 of the JSON type the operation answers with (`finish` checks
/// both, cheaply). The JSON syntax is proven by whatever parses the body, as it parses: `json`
/// here, the Python binding's `loads`, Node's `JSON.parse` (after `check_depth`, as it does not
/// bound nesting); whichever refuses it names the problem with `refused`. Checking the syntax
/// once more before every parse cost a millisecond on a list of 1,000 keys (820 KB).
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Bytes,
}

impl RawResponse {
    /// Decodes the body into `T`. Models keep unknown fields, so on a JSON body this fails
    /// only when a known field has an impossible type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        // From a `str`: serde then takes every string as it is, where from bytes it checked
        // each one's UTF-8 again (50 checks, 5% of a typed `retrieve`).
        let text = std::str::from_utf8(&self.body)
            .map_err(|e| self.refused(format!("the body is not valid UTF-8: {e}")))?;
        serde_json::from_str(text).map_err(|e| self.refused(e.to_string()))
    }

    /// Proves the body JSON, nested at most `MAX_DEPTH` deep, or the `Decode` error saying
    /// why not.
    pub fn verify(&self) -> Result<()> {
        check_json(&self.body).map_err(|message| self.decode_error(message))
    }

    /// Proves the body nested at most `MAX_DEPTH` deep if it is JSON, for a parser that checks
    /// the syntax but not the depth. Most bodies hold too few brackets to nest that deep,
    /// which a count shows; the others take the flat scan.
    pub fn check_depth(&self) -> Result<()> {
        // Counted in u8 per 64 bytes (at most 64), which the compiler vectorises: eight times
        // faster than one usize count.
        let brackets: usize = self
            .body
            .chunks(64)
            .map(|chunk| {
                let n = chunk
                    .iter()
                    .fold(0u8, |n, &b| n + u8::from(b == b'[') + u8::from(b == b'{'));
                usize::from(n)
            })
            .sum();
        if brackets > MAX_DEPTH && nesting_exceeds(&self.body, MAX_DEPTH) {
            return Err(self.refused(format!(
                "the body nests JSON more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(())
    }

    /// The `Decode` error for a body a binding's parser refused: what is wrong with its JSON,
    /// as `verify` says it, else (valid JSON the parser could not take) `parser_message`.
    pub fn refused(&self, parser_message: String) -> Error {
        self.decode_error(check_json(&self.body).err().unwrap_or(parser_message))
    }

    fn decode_error(&self, message: String) -> Error {
        Error::Decode {
            message,
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
        }
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

/// What every non-empty 2xx body must be before anyone parses it: UTF-8 throughout (serde's
/// `IgnoredAny` skips strings without looking at their bytes) and, by its first byte, the
/// JSON type the operation answers with. A body that is not a JSON value at all is named by
/// `check_json`, as is a body of another type that is not valid JSON either.
pub(crate) fn check_body(body: &[u8], answer: Answer) -> std::result::Result<(), String> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err(format!(
            "the body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ));
    }
    let kind = match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => return Ok(()),
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        _ => return check_json(body),
    };
    match answer {
        Answer::Any => Ok(()),
        Answer::Object => {
            check_json(body)?;
            Err(format!("expected a JSON object, got {kind}"))
        }
    }
}

/// The body's JSON syntax: nested at most `MAX_DEPTH` deep (checked by a flat scan first, so
/// a body of 100,000 `[` costs one pass and no recursion here or in the bindings' parsers),
/// and valid JSON.
///
/// A good body is proven so by one non-recursive pass (`well_formed`), several times faster
/// than the flat scan plus serde; only a body it refuses takes the slow path, whose verdict
/// and parser message stand.
pub(crate) fn check_json(body: &[u8]) -> std::result::Result<(), String> {
    if well_formed(body) {
        Ok(())
    } else {
        json_verdict(body)
    }
}

/// The slow path's verdict on a UTF-8 body: its nesting, then serde's opinion of its syntax.
fn json_verdict(body: &[u8]) -> std::result::Result<(), String> {
    if nesting_exceeds(body, MAX_DEPTH) {
        return Err(format!(
            "the body nests JSON more than {MAX_DEPTH} levels deep"
        ));
    }
    serde_json::from_slice::<IgnoredAny>(body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Whether brackets outside strings nest deeper than `max` at any point. Exact for valid
/// JSON; for anything else the parser that runs next refuses the body anyway. Strings are
/// skipped eight bytes at a time (`Scan::skip_plain`): a byte-at-a-time pass took 2.7 ms on a
/// list of 1,000 keys, more than proving the whole body JSON.
fn nesting_exceeds(body: &[u8], max: usize) -> bool {
    let mut s = Scan { b: body, i: 0 };
    let mut depth = 0usize;
    while let Some(&b) = body.get(s.i) {
        s.i += 1;
        match b {
            b'"' => loop {
                s.skip_plain();
                match body.get(s.i) {
                    Some(b'"') => {
                        s.i += 1;
                        break;
                    }
                    Some(b'\\') => s.i += 2,
                    // A control character: part of the (malformed) string.
                    Some(_) => s.i += 1,
                    None => return false,
                }
            },
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

/// Whether `body` is one JSON value nested at most `MAX_DEPTH` deep with only whitespace
/// around it, read by the grammar serde_json applies; strings are already known to be UTF-8.
/// One pass, no recursion. It never accepts what the slow path refuses: a `false` only sends
/// the body there for the verdict and its message.
fn well_formed(body: &[u8]) -> bool {
    let mut s = Scan { b: body, i: 0 };
    // Bit `d`: whether the container open at depth `d` is an object (MAX_DEPTH bits at most).
    let mut objects: u128 = 0;
    let mut depth = 0usize;
    'value: loop {
        s.skip_ws();
        let ok = match s.peek() {
            open @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return false;
                }
                let object = open == b'{';
                objects = (objects & !(1 << depth)) | (u128::from(object) << depth);
                depth += 1;
                s.i += 1;
                s.skip_ws();
                if s.peek() == open + 2 {
                    // `{` + 2 is `}`, `[` + 2 is `]`: an empty container is a whole value.
                    s.i += 1;
                    depth -= 1;
                    true
                } else if object && !s.key() {
                    return false;
                } else {
                    continue 'value;
                }
            }
            b'"' => s.string(),
            b't' => s.literal(b"true"),
            b'f' => s.literal(b"false"),
            b'n' => s.literal(b"null"),
            b'-' | b'0'..=b'9' => s.number(),
            _ => false,
        };
        if !ok {
            return false;
        }
        // After a value: close containers until the next element, or the end.
        loop {
            s.skip_ws();
            if depth == 0 {
                return s.i == body.len();
            }
            let object = (objects >> (depth - 1)) & 1 == 1;
            match s.peek() {
                b',' => {
                    s.i += 1;
                    if object && !s.key() {
                        return false;
                    }
                    continue 'value;
                }
                b'}' if object => {}
                b']' if !object => {}
                _ => return false,
            }
            s.i += 1;
            depth -= 1;
        }
    }
}

/// How many bytes of `text` come before its first `"`, `\` or control character (all of them
/// if it has none): the plain run of a JSON string, which every JSON reader here skips (the
/// core's checks, the Python binding's parser). Eight bytes at a time: in each word the lowest
/// flagged byte is a real match, since a false flag needs a borrow, which only a real match
/// below it starts.
#[inline]
pub fn plain_len(text: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = text.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let special = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while text
        .get(i)
        .is_some_and(|&c| !matches!(c, b'"' | b'\\' | 0..=0x1f))
    {
        i += 1;
    }
    i
}

/// A position in a body for `well_formed`; `peek` reads 0 past the end (0 is never valid
/// where a token is expected, so the end needs no separate test).
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\n' | b'\t' | b'\r') {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.b[self.i..].starts_with(word);
        self.i += word.len();
        found
    }

    /// An object's key and its colon, whitespace around.
    fn key(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != b'"' || !self.string() {
            return false;
        }
        self.skip_ws();
        let colon = self.peek() == b':';
        self.i += 1;
        colon
    }

    fn string(&mut self) -> bool {
        self.i += 1;
        loop {
            self.skip_plain();
            match self.peek() {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\\' => match self.b.get(self.i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                    Some(b'u') => {
                        let hex = self.b.get(self.i + 2..self.i + 6);
                        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                            return false;
                        }
                        self.i += 6;
                    }
                    _ => return false,
                },
                // A control character, or the end.
                _ => return false,
            }
        }
    }

    /// Moves to the string's next `"`, `\` or control character (or the end).
    fn skip_plain(&mut self) {
        // `get`: after a trailing backslash `i` may be one past the end.
        self.i += self.b.get(self.i..).map_or(0, plain_len);
    }

    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_ascii_digit() {
            self.i += 1;
        }
        self.i > start
    }

    fn number(&mut self) -> bool {
        if self.peek() == b'-' {
            self.i += 1;
        }
        match self.peek() {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return false,
        }
        if self.peek() == b'.' {
            self.i += 1;
            if !self.digits() {
                return false;
            }
        }
        if matches!(self.peek(), b'e' | b'E') {
            self.i += 1;
            if matches!(self.peek(), b'+' | b'-') {
                self.i += 1;
            }
            if !self.digits() {
                return false;
            }
        }
        true
    }
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
        assert_eq!(check_json(&ok), Ok(()));
        let mut deep = b"{\"a\":".to_vec();
        deep.extend(nested(MAX_DEPTH));
        deep.push(b'}');
        assert!(check_json(&deep).unwrap_err().contains("127 levels"));
        // 100,000 deep: refused by the flat scan (a recursive check would overflow the stack).
        let huge = nested(100_000);
        assert!(check_json(&huge).unwrap_err().contains("127 levels"));
        let mut unclosed = b"{\"a\":".to_vec();
        unclosed.extend(std::iter::repeat_n(b'{', 1_000_000));
        assert!(check_json(&unclosed).is_err());
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let mut body = b"{\"a\":\"".to_vec();
        body.extend(std::iter::repeat_n(b'[', 1000));
        body.extend(b"\\\"{{{\"}");
        assert_eq!(check_json(&body), Ok(()));
        assert!(!nesting_exceeds(br#"{"a":"\\","b":[]}"#, 2));
        assert!(nesting_exceeds(br#"{"a":"\\","b":[]}"#, 1));
    }

    #[test]
    fn junk_is_refused_with_the_parser_message() {
        assert!(check_json(b"{\"id\": ").is_err());
        assert!(check_json(b"{} {}").is_err());
        // Not JSON at all: refused by the cheap check too, with the parser's message.
        let message = check_body(b"<html>", Answer::Any).unwrap_err();
        assert_eq!(Err(message), json_verdict(b"<html>"));
    }

    #[test]
    fn the_cheap_check_leaves_the_syntax_to_the_parser() {
        // A body that opens as the right type passes; whoever parses it proves the rest.
        assert_eq!(check_body(b"{\"id\": ", Answer::Object), Ok(()));
        assert_eq!(check_body(b"[1,", Answer::Any), Ok(()));
        // Of the wrong type and broken too: the syntax is what gets named.
        let message = check_body(b"[1,", Answer::Object).unwrap_err();
        assert!(!message.contains("expected a JSON object"), "{message}");
    }

    #[test]
    fn the_depth_check_counts_brackets_before_it_scans() {
        let answer = |body: Vec<u8>| RawResponse {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
        };
        let at = |depth: usize| [b"{\"a\":".to_vec(), nested(depth - 1), b"}".to_vec()].concat();
        assert!(answer(at(MAX_DEPTH)).check_depth().is_ok());
        let Err(Error::Decode { message, .. }) = answer(at(MAX_DEPTH + 1)).check_depth() else {
            panic!("128 levels passed");
        };
        assert!(message.contains("127 levels"), "{message}");
        assert!(answer(nested(100_000)).check_depth().is_err());
        // Many brackets, shallow: scanned and passed. Brackets in strings do not nest.
        let wide: Vec<u8> = [&b"["[..], &b"[],".repeat(1000), b"[]]"].concat();
        assert!(answer(wide).check_depth().is_ok());
        let quoted = [&b"[\""[..], &b"[".repeat(1000), b"\"]"].concat();
        assert!(answer(quoted).check_depth().is_ok());
    }

    #[test]
    fn a_parser_refusal_is_named_by_the_syntax_check() {
        let answer = |body: &'static [u8]| RawResponse {
            status: 200,
            headers: Vec::new(),
            body: Bytes::from_static(body),
        };
        let bad = answer(b"{\"id\": }");
        let Err(Error::Decode {
            message,
            status,
            body,
        }) = bad.verify()
        else {
            panic!("a broken body verified");
        };
        assert_eq!((status, body.as_str()), (200, "{\"id\": }"));
        assert_eq!(Err(message), json_verdict(b"{\"id\": }"));
        let Err(Error::Decode { message, .. }) = bad.json::<serde_json::Value>() else {
            panic!("a broken body decoded");
        };
        assert_eq!(Err(message), json_verdict(b"{\"id\": }"));
        // Valid JSON the parser could not take keeps the parser's own message.
        let good = answer(b"{\"id\": 1}");
        assert!(good.verify().is_ok());
        let Error::Decode { message, .. } = good.refused("too big".to_owned()) else {
            panic!("not a decode error");
        };
        assert_eq!(message, "too big");
    }

    #[test]
    fn the_fast_pass_agrees_with_the_slow_path() {
        let good: &[&[u8]] = &[
            br#"{}"#,
            br#" { "a" : [ ] , "b":{ } } "#,
            br#"{"s":"plain \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \udc00"}"#,
            "{\"s\":\"caf\u{e9} \u{1f600}\"}".as_bytes(),
            br#"[0,-0,1.5,-2e10,3E+2,4e-3,12345678901234567890123,true,false,null]"#,
            br#""exactly eight""#,
            br#"{"k":"abcdefg","l":"abcdefgh","m":"abcdefghi"}"#,
        ];
        for body in good {
            assert!(well_formed(body), "{}", String::from_utf8_lossy(body));
        }
        let bad: &[&[u8]] = &[
            b"",
            b" ",
            b"{",
            b"{\"a\"}",
            b"{\"a\":1,}",
            b"[1,]",
            b"[1 2]",
            b"{1:2}",
            b"{\"a\":1]",
            b"[01]",
            b"[1.]",
            b"[.5]",
            b"[1e]",
            b"[-]",
            b"[+1]",
            b"[tru]",
            b"[nul",
            b"\"tab\there\"",
            b"\"a\\x\"",
            b"\"\\u12\"",
            b"\"open",
            b"{} {}",
            b"NaN",
            b"\x00",
        ];
        for body in bad {
            assert!(!well_formed(body), "{}", String::from_utf8_lossy(body));
            assert!(
                json_verdict(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for body in good {
            assert_eq!(json_verdict(body), Ok(()));
        }
        // Bodies one byte off a good one: the fast pass accepts none that serde refuses.
        let base = br#"{"a": [1, -2.5e3, "x\"y\u00e9", true, null, {}], "b": {"c": "dddddddddd"}}"#;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut body = base.to_vec();
            let at = (seed >> 8) as usize % body.len();
            let pool = br#"{}[]",:.-+eE0123456789 \tnultrfsa\/"#;
            let byte = pool[(seed >> 40) as usize % pool.len()];
            match seed % 3 {
                0 => body[at] = byte,
                1 => body.insert(at, byte),
                _ => drop(body.remove(at)),
            }
            if well_formed(&body) {
                assert_eq!(
                    json_verdict(&body),
                    Ok(()),
                    "{}",
                    String::from_utf8_lossy(&body)
                );
            }
        }
        // A body ending in a backslash inside a string is refused, not a panic.
        for body in [&b"[\"\\"[..], b"[\"abcdefgh\\", b"{\"a\":\"\\"] {
            assert!(!well_formed(body));
            assert!(!nesting_exceeds(body, MAX_DEPTH));
        }
        assert_eq!(plain_len(b"abc"), 3);
        assert_eq!(plain_len(b"abcdefghij\"k"), 10);
        // Control characters are found in every position of the eight-byte words.
        for at in 0..20 {
            let mut body = b"\"".to_vec();
            body.extend(std::iter::repeat_n(b'x', at));
            body.push(0x1f);
            body.extend(b"yy\"");
            assert!(!well_formed(&body), "{at}");
        }
    }
}
