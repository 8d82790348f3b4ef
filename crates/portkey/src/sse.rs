//! An incremental parser for server-sent events (the WHATWG `text/event-stream` format), fed
//! the body's chunks as they arrive. Chunks may split the stream anywhere: inside a line,
//! inside a UTF-8 character, between the `\r` and `\n` of a line end. Lines end with `\n`,
//! `\r\n` or `\r`; a blank line ends an event; `data:` lines are joined with `\n`; lines
//! starting with `:` are comments; `event:`, `id:` and `retry:` are kept; unknown fields are
//! ignored. Buffering is bounded: an event (its pending line plus its data) larger than the
//! limit is an error, so a server that never ends an event cannot exhaust memory.

use std::collections::VecDeque;

/// The largest event the parser buffers by default: 16 MiB.
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The `event:` field, when the event had one (`error`, ...); `None` is a plain message.
    pub event: Option<String>,
    /// The last `id:` seen so far in the stream (the spec's "last event ID").
    pub id: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

/// Why the byte stream is not server-sent events the parser can accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    /// A line is not valid UTF-8.
    Utf8,
    /// An event, still unfinished, outgrew the limit (bytes).
    TooLarge(usize),
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SseError::Utf8 => f.write_str("an event stream line is not valid UTF-8"),
            SseError::TooLarge(limit) => {
                write!(f, "an event is larger than {limit} bytes")
            }
        }
    }
}

/// The parser's state between chunks.
#[derive(Debug)]
pub struct Parser {
    /// The current line's bytes so far (without its line end).
    line: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` first in the next one belongs to it.
    after_cr: bool,
    data: String,
    /// Whether the current event has had a `data` field (an empty `data:` counts).
    has_data: bool,
    event: Option<String>,
    last_id: Option<String>,
    retry: Option<u64>,
    limit: usize,
    /// Once an error is reported, the stream is not parsed further.
    failed: Option<SseError>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    pub fn new() -> Self {
        Parser::with_limit(MAX_EVENT_BYTES)
    }

    /// A parser that refuses events larger than `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            data: String::new(),
            has_data: false,
            event: None,
            last_id: None,
            retry: None,
            limit,
            failed: None,
        }
    }

    /// The last `retry:` value (milliseconds) the server sent, if any.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Parses `chunk`, appending every event it completes to `out`. After an error the parser
    /// accepts nothing more (the same error again).
    pub fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<Event>) -> Result<(), SseError> {
        self.guarded(chunk, out, false).map(|_| ())
    }

    /// Like `feed`, but stops right after the first event `chunk` completes; answers how many
    /// bytes of `chunk` it consumed (feed the rest later). A consumer that wants one event
    /// at a time parses no further ahead than that.
    pub fn feed_until_event(
        &mut self,
        chunk: &[u8],
        out: &mut VecDeque<Event>,
    ) -> Result<usize, SseError> {
        self.guarded(chunk, out, true)
    }

    fn guarded(
        &mut self,
        chunk: &[u8],
        out: &mut VecDeque<Event>,
        one: bool,
    ) -> Result<usize, SseError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.feed_inner(chunk, out, one);
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    fn feed_inner(
        &mut self,
        mut chunk: &[u8],
        out: &mut VecDeque<Event>,
        one: bool,
    ) -> Result<usize, SseError> {
        let total = chunk.len();
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while !chunk.is_empty() {
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                None => {
                    self.line.extend_from_slice(chunk);
                    self.check_size()?;
                    return Ok(total);
                }
                Some(end) => {
                    self.line.extend_from_slice(&chunk[..end]);
                    self.check_size()?;
                    let cr = chunk[end] == b'\r';
                    chunk = &chunk[end + 1..];
                    if cr {
                        match chunk.first() {
                            Some(b'\n') => chunk = &chunk[1..],
                            Some(_) => {}
                            // The `\n` of a `\r\n` may come with the next chunk.
                            None => self.after_cr = true,
                        }
                    }
                    let line = std::mem::take(&mut self.line);
                    let before = out.len();
                    self.process_line(&line, out)?;
                    // Keep the allocation for the next line.
                    self.line = line;
                    self.line.clear();
                    if one && out.len() > before {
                        return Ok(total - chunk.len());
                    }
                }
            }
        }
        Ok(total)
    }

    fn check_size(&self) -> Result<(), SseError> {
        if self.line.len() + self.data.len() > self.limit {
            Err(SseError::TooLarge(self.limit))
        } else {
            Ok(())
        }
    }

    fn process_line(&mut self, line: &[u8], out: &mut VecDeque<Event>) -> Result<(), SseError> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let line = std::str::from_utf8(line).map_err(|_| SseError::Utf8)?;
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                self.check_size()?;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        Ok(())
    }

    /// A blank line: the event so far is complete. Without any `data` field there is no event
    /// (the spec's rule), and its `event:` is forgotten.
    fn dispatch(&mut self, out: &mut VecDeque<Event>) {
        let event = self.event.take().filter(|e| !e.is_empty());
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push_back(Event {
            event,
            id: self.last_id.clone(),
            data: std::mem::take(&mut self.data),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(chunks: &[&[u8]]) -> Result<Vec<Event>, SseError> {
        let mut parser = Parser::new();
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out)?;
        }
        Ok(out.into_iter().collect())
    }

    fn parse(text: &str) -> Vec<Event> {
        parse_chunks(&[text.as_bytes()]).unwrap()
    }

    fn data(d: &str) -> Event {
        Event {
            data: d.to_owned(),
            ..Default::default()
        }
    }

    /// A sample with every feature: multi-byte characters, all three line ends, comments,
    /// multi-line data, event/id/retry fields, an error event and `[DONE]`.
    const SAMPLE: &str = ": keep-alive comment\r\n\
        data: {\"text\":\"h\u{e9}llo \u{1f600} \u{4e16}\u{754c}\"}\r\n\
        \r\n\
        id: 7\n\
        data: line one\n\
        data:line two\n\
        data\n\
        \n\
        event: error\r\
        data: {\"message\":\"bad\"}\r\
        \r\
        retry: 1500\n\
        : another comment\n\
        unknown: ignored\n\
        data: [DONE]\n\
        \n";

    fn sample_events() -> Vec<Event> {
        vec![
            data("{\"text\":\"h\u{e9}llo \u{1f600} \u{4e16}\u{754c}\"}"),
            Event {
                id: Some("7".into()),
                data: "line one\nline two\n".into(),
                event: None,
            },
            Event {
                event: Some("error".into()),
                id: Some("7".into()),
                data: "{\"message\":\"bad\"}".into(),
            },
            Event {
                id: Some("7".into()),
                data: "[DONE]".into(),
                event: None,
            },
        ]
    }

    #[test]
    fn the_sample_parses_whole() {
        assert_eq!(parse(SAMPLE), sample_events());
    }

    #[test]
    fn the_sample_split_at_every_byte_offset_parses_the_same() {
        let bytes = SAMPLE.as_bytes();
        // The sample has offsets inside multi-byte characters and inside `\r\n`.
        assert!((1..bytes.len()).any(|i| !SAMPLE.is_char_boundary(i)));
        assert!(SAMPLE.contains("\r\n"));
        for i in 0..=bytes.len() {
            let got = parse_chunks(&[&bytes[..i], &bytes[i..]]).unwrap();
            assert_eq!(got, sample_events(), "split at {i}");
        }
        // And at every pair of offsets, three chunks.
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let got = parse_chunks(&[&bytes[..i], &bytes[i..j], &bytes[j..]]).unwrap();
                assert_eq!(got, sample_events(), "split at {i} and {j}");
            }
        }
    }

    /// Drives `feed_until_event` over `chunks` the way `EventStream` does.
    fn parse_one_at_a_time(chunks: &[&[u8]]) -> Vec<Event> {
        let mut parser = Parser::new();
        let mut out = VecDeque::new();
        let mut events = Vec::new();
        for chunk in chunks {
            let mut rest = *chunk;
            while !rest.is_empty() {
                let used = parser.feed_until_event(rest, &mut out).unwrap();
                assert!(out.len() <= 1, "parsed ahead");
                events.extend(out.drain(..));
                rest = &rest[used..];
            }
        }
        events
    }

    #[test]
    fn one_event_at_a_time_split_anywhere_parses_the_same() {
        let bytes = SAMPLE.as_bytes();
        assert_eq!(parse_one_at_a_time(&[bytes]), sample_events());
        for i in 0..=bytes.len() {
            let got = parse_one_at_a_time(&[&bytes[..i], &bytes[i..]]);
            assert_eq!(got, sample_events(), "split at {i}");
        }
        let mut parser = Parser::new();
        let mut out = VecDeque::new();
        let used = parser
            .feed_until_event(b"data: 1\r\n\r\ndata: 2\n\n", &mut out)
            .unwrap();
        assert_eq!(used, 11);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn one_byte_at_a_time_parses_the_same() {
        let chunks: Vec<&[u8]> = SAMPLE.as_bytes().chunks(1).collect();
        assert_eq!(parse_chunks(&chunks).unwrap(), sample_events());
    }

    #[test]
    fn the_parser_keeps_retry() {
        let mut parser = Parser::new();
        let mut out = VecDeque::new();
        parser.feed(SAMPLE.as_bytes(), &mut out).unwrap();
        assert_eq!(parser.retry(), Some(1500));
        parser.feed(b"retry: soon\n", &mut out).unwrap();
        assert_eq!(parser.retry(), Some(1500));
    }

    #[test]
    fn a_cr_at_a_chunk_end_followed_by_another_line_is_one_line_end() {
        // `\r` then `\r`: two line ends (a blank line), not one `\r\n`.
        assert_eq!(
            parse_chunks(&[b"data: a\r", b"\r"]).unwrap(),
            vec![data("a")]
        );
        assert_eq!(
            parse_chunks(&[b"data: a\r", b"\n", b"\r\n"]).unwrap(),
            vec![data("a")]
        );
        // A lone `\r` then text: the text starts a new line.
        assert_eq!(
            parse_chunks(&[b"data: a\r", b"data: b\n\n"]).unwrap(),
            vec![data("a\nb")]
        );
    }

    #[test]
    fn only_one_leading_space_is_removed_and_colons_in_values_stay() {
        assert_eq!(parse("data:  two\n\n"), vec![data(" two")]);
        assert_eq!(parse("data:x: y\n\n"), vec![data("x: y")]);
        assert_eq!(parse("data\n\n"), vec![data("")]);
    }

    #[test]
    fn events_without_data_are_not_dispatched_and_their_type_is_forgotten() {
        assert_eq!(parse("event: ping\n\ndata: x\n\n"), vec![data("x")]);
        assert_eq!(parse("\n\n\n: only comments\n\n"), vec![]);
    }

    #[test]
    fn ids_persist_and_an_id_with_nul_is_ignored() {
        let events = parse("id: a\ndata: 1\n\ndata: 2\n\nid: b\0c\ndata: 3\n\nid\ndata: 4\n\n");
        let ids: Vec<_> = events.iter().map(|e| e.id.as_deref()).collect();
        assert_eq!(ids, [Some("a"), Some("a"), Some("a"), Some("")]);
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        assert_eq!(parse("data: a\n\ndata: b\n"), vec![data("a")]);
        assert_eq!(parse("data: a\n\ndata: b"), vec![data("a")]);
    }

    #[test]
    fn invalid_utf8_in_a_line_is_an_error() {
        let err = parse_chunks(&[b"data: \xff\xfe\n\n"]).unwrap_err();
        assert_eq!(err, SseError::Utf8);
        // But a comment's bytes are never decoded.
        assert_eq!(
            parse_chunks(&[b": \xff\n", b"data: ok\n\n"]).unwrap(),
            vec![data("ok")]
        );
    }

    #[test]
    fn an_oversized_event_is_an_error_and_the_parser_stays_failed() {
        let mut parser = Parser::with_limit(100);
        let mut out = VecDeque::new();
        // Many data lines, each small: the event's data is what grows.
        let mut failed = None;
        for i in 0..50 {
            if let Err(e) = parser.feed(b"data: 0123456789\n", &mut out) {
                failed = Some((i, e));
                break;
            }
        }
        let (at, err) = failed.expect("the limit is enforced");
        assert_eq!(err, SseError::TooLarge(100));
        assert!(at < 12, "{at}");
        assert!(parser.feed(b"\n", &mut out).is_err());
        assert!(out.is_empty());
        // One endless line, in small chunks.
        let mut parser = Parser::with_limit(1000);
        let chunk = [b'x'; 64];
        let mut fed = 0;
        while parser.feed(&chunk, &mut out).is_ok() {
            fed += chunk.len();
            assert!(fed <= 1000);
        }
        // Events at the limit pass, one after another.
        let mut parser = Parser::with_limit(20);
        for _ in 0..100 {
            parser.feed(b"data: 0123456789\n\n", &mut out).unwrap();
        }
        assert_eq!(out.len(), 100);
    }

    #[test]
    fn the_default_limit_is_16_mib() {
        let mut parser = Parser::new();
        let mut out = VecDeque::new();
        let mb = vec![b'a'; 1 << 20];
        parser.feed(b"data: ", &mut out).unwrap();
        for _ in 0..15 {
            parser.feed(&mb, &mut out).unwrap();
        }
        let mut parser = Parser::new();
        parser.feed(b"data: ", &mut out).unwrap();
        let err = (0..17).find_map(|_| parser.feed(&mb, &mut out).err());
        assert_eq!(err, Some(SseError::TooLarge(MAX_EVENT_BYTES)));
    }
}
