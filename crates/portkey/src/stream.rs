//! Streamed answers: `EventStream`, the server-sent events of one call, read as the consumer
//! asks (`Client::stream`), and `TypedStream<T>`, the same decoded into a model.
//!
//! - Pull-based: the body is read only when the consumer asks for the next event, so a slow
//!   consumer holds at most one network chunk plus one parsed event in memory (the socket's
//!   buffers do the rest, and TCP tells the server to wait).
//! - Each wait for the next event is bounded by the call's timeout: a stall is
//!   `Error::Timeout` (APITimeoutError), and the connection is closed.
//! - Each event's data must be JSON (`Error::Decode`); `event: error` is the API error it
//!   carries (`Error::Status`); `data: [DONE]` ends the stream; a connection cut before the
//!   end is `Error::Connection`. After an error the stream is closed and yields nothing more.
//! - Dropping the stream, or `close()`, closes the connection (unless it was read to its end).

use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::error::{Error, Headers, Result, StatusError};
pub use crate::sse::Event;
use crate::sse::Parser;
use crate::transport::BodyStream;

/// The server-sent events of one streamed call.
pub struct EventStream {
    status: u16,
    headers: Headers,
    /// `None` once closed.
    body: Option<BodyStream>,
    parser: Parser,
    /// The part of the last chunk not parsed yet: events are parsed one at a time, as asked.
    rest: Bytes,
    ready: VecDeque<Event>,
    /// The longest wait for the next event.
    gap: Duration,
    /// When the current wait for an event ends; set when a wait starts.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("open", &self.body.is_some())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// A stream over `body`, each wait for an event bounded by `gap`.
    pub fn new(status: u16, headers: Headers, body: BodyStream, gap: Duration) -> Self {
        EventStream {
            status,
            headers,
            body: Some(body),
            parser: Parser::new(),
            rest: Bytes::new(),
            ready: VecDeque::new(),
            gap,
            deadline: None,
            done: false,
        }
    }

    /// Uses `parser` (e.g. one with a smaller event limit) instead of the default.
    pub fn with_parser(mut self, parser: Parser) -> Self {
        self.parser = parser;
        self
    }

    /// The next event; `None` after `[DONE]`, a clean end of the body, an error, or `close`.
    pub async fn next_event(&mut self) -> Option<Result<Event>> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    /// Closes the connection (if still open); later calls to `next_event` answer `None`.
    /// Idempotent.
    pub fn close(&mut self) {
        self.body = None;
        self.done = true;
        self.rest = Bytes::new();
        self.ready.clear();
        self.deadline = None;
    }

    /// Whether the stream has ended (finished, failed or closed).
    pub fn is_closed(&self) -> bool {
        self.done
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// A response header by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last `retry:` interval (milliseconds) the server sent, if any.
    pub fn retry_ms(&self) -> Option<u64> {
        self.parser.retry()
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Event>>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                self.deadline = None;
                return Poll::Ready(self.accept(event, cx));
            }
            if self.done {
                return Poll::Ready(None);
            }
            if !self.rest.is_empty() {
                match self.parser.feed_until_event(&self.rest, &mut self.ready) {
                    Ok(used) => self.rest = self.rest.slice(used..),
                    Err(e) => {
                        let error = Error::Decode {
                            message: e.to_string(),
                            status: self.status,
                            body: String::new(),
                        };
                        return Poll::Ready(Some(Err(self.fail(error))));
                    }
                }
                continue;
            }
            let Some(body) = self.body.as_mut() else {
                self.done = true;
                return Poll::Ready(None);
            };
            match body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    self.rest = chunk;
                    continue;
                }
                Poll::Ready(Some(Err(e))) => {
                    let message = format!("the event stream broke off before its end: {e:?}");
                    return Poll::Ready(Some(Err(self.fail(Error::Connection { message }))));
                }
                Poll::Ready(None) => {
                    // A clean end of the body (an unfinished last event is dropped, as the
                    // format says).
                    self.close();
                    return Poll::Ready(None);
                }
                Poll::Pending => {}
            }
            let gap = self.gap;
            let deadline = self
                .deadline
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(gap)));
            if deadline.as_mut().poll(cx).is_ready() {
                let message = format!("no event within {gap:?}");
                return Poll::Ready(Some(Err(self.fail(Error::Timeout { message }))));
            }
            return Poll::Pending;
        }
    }

    /// Ends the stream with `error`.
    fn fail(&mut self, error: Error) -> Error {
        self.close();
        error
    }

    /// What the consumer gets for a parsed event.
    fn accept(&mut self, event: Event, cx: &mut Context<'_>) -> Option<Result<Event>> {
        if event.data == "[DONE]" {
            // Read the rest of the body if it is already here (the end of the chunked
            // encoding), so the connection can be reused; otherwise it is closed.
            if let Some(body) = self.body.as_mut() {
                let _ = body.as_mut().poll_next(cx);
            }
            self.close();
            return None;
        }
        if event.event.as_deref() == Some("error") {
            let error = self.error_event(&event.data);
            return Some(Err(self.fail(error)));
        }
        if let Err(e) = serde_json::from_str::<IgnoredAny>(&event.data) {
            let error = Error::Decode {
                message: format!("an event's data is not JSON: {e}"),
                status: self.status,
                body: event.data,
            };
            return Some(Err(self.fail(error)));
        }
        Some(Ok(event))
    }

    /// The API error an `event: error` carries: its status from the data's `status` or
    /// `error.code` when numeric, else the stream's; its message as for any error answer.
    fn error_event(&self, data: &str) -> Error {
        let value: Option<Value> = serde_json::from_str(data).ok();
        let numeric = |v: Option<&Value>| -> Option<u16> {
            match v? {
                Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        };
        let status = value
            .as_ref()
            .and_then(|v| numeric(v.get("status")).or_else(|| numeric(v.pointer("/error/code"))))
            .filter(|s| (100..=999).contains(s))
            .unwrap_or(self.status);
        Error::Status(Box::new(StatusError::new(
            status,
            self.headers.clone(),
            data.as_bytes(),
        )))
    }
}

impl futures_core::Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

/// A streamed call's events decoded into the operation's item model `T`
/// (`create_stream` of the typed resources). Dropping it closes the connection.
pub struct TypedStream<T> {
    events: EventStream,
    item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for TypedStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TypedStream").field(&self.events).finish()
    }
}

impl<T: DeserializeOwned> TypedStream<T> {
    pub fn new(events: EventStream) -> Self {
        TypedStream {
            events,
            item: PhantomData,
        }
    }

    /// The next item; `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Closes the connection; idempotent.
    pub fn close(&mut self) {
        self.events.close();
    }

    pub fn status(&self) -> u16 {
        self.events.status()
    }

    pub fn headers(&self) -> &Headers {
        self.events.headers()
    }

    /// The raw events underneath.
    pub fn into_events(self) -> EventStream {
        self.events
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let event = match self.events.poll_event(cx) {
            Poll::Ready(Some(Ok(event))) => event,
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        Poll::Ready(Some(serde_json::from_str(&event.data).map_err(|e| {
            self.events.close();
            Error::Decode {
                message: format!("an event does not fit the model: {e}"),
                status: self.events.status,
                body: event.data,
            }
        })))
    }
}

impl<T: DeserializeOwned> futures_core::Stream for TypedStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TransportError;
    use bytes::Bytes;
    use tokio::sync::mpsc;

    /// A body fed by the test through a channel: chunks arrive when the test sends them.
    struct Fed(mpsc::Receiver<std::result::Result<Bytes, TransportError>>);

    impl futures_core::Stream for Fed {
        type Item = std::result::Result<Bytes, TransportError>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.0.poll_recv(cx)
        }
    }

    type Feed = mpsc::Sender<std::result::Result<Bytes, TransportError>>;

    fn stream(gap_ms: u64) -> (EventStream, Feed) {
        let (tx, rx) = mpsc::channel(16);
        let body: BodyStream = Box::pin(Fed(rx));
        let headers = vec![("x-request-id".to_owned(), "req-9".to_owned())];
        (
            EventStream::new(200, headers, body, Duration::from_millis(gap_ms)),
            tx,
        )
    }

    async fn send(feed: &Feed, text: &str) {
        feed.send(Ok(Bytes::from(text.to_owned()))).await.unwrap();
    }

    fn static_body(text: &'static str) -> EventStream {
        let (tx, rx) = mpsc::channel(1);
        tx.try_send(Ok(Bytes::from_static(text.as_bytes())))
            .unwrap();
        drop(tx);
        EventStream::new(200, vec![], Box::pin(Fed(rx)), Duration::from_secs(5))
    }

    #[tokio::test]
    async fn events_then_done_then_nothing() {
        let mut s = static_body(
            "data: {\"a\":1}\n\n: c\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\ndata: {\"a\":3}\n\n",
        );
        assert_eq!(s.next_event().await.unwrap().unwrap().data, "{\"a\":1}");
        assert_eq!(s.next_event().await.unwrap().unwrap().data, "{\"a\":2}");
        assert!(s.next_event().await.is_none());
        assert!(s.next_event().await.is_none());
        assert!(s.is_closed());
    }

    #[tokio::test]
    async fn a_clean_end_without_done_is_the_end() {
        let mut s = static_body("data: {}\n\ndata: {\"unfinished\"");
        assert!(s.next_event().await.unwrap().is_ok());
        assert!(s.next_event().await.is_none());
    }

    #[tokio::test]
    async fn data_that_is_not_json_is_a_decode_error_and_ends_the_stream() {
        let mut s = static_body("data: {\"a\":1}\n\ndata: {\"trunc\n\ndata: {}\n\n");
        assert!(s.next_event().await.unwrap().is_ok());
        let err = s.next_event().await.unwrap().unwrap_err();
        assert_eq!(err.class_name(), "APIResponseValidationError");
        assert!(
            matches!(&err, Error::Decode { body, .. } if body == "{\"trunc"),
            "{err:?}"
        );
        assert!(s.next_event().await.is_none());
    }

    #[tokio::test]
    async fn an_error_event_is_the_api_error_it_carries() {
        let mut s = static_body(
            "data: {}\n\nevent: error\ndata: {\"error\":{\"message\":\"overloaded\",\"code\":529}}\n\n",
        );
        assert!(s.next_event().await.unwrap().is_ok());
        let err = s.next_event().await.unwrap().unwrap_err();
        assert_eq!(err.status(), Some(529));
        assert_eq!(err.class_name(), "InternalServerError");
        assert!(err.to_string().contains("overloaded"), "{err}");
        assert!(s.next_event().await.is_none());
        for (data, status, class) in [
            (
                r#"{"status": 429, "message": "slow down"}"#,
                200_u16,
                "RateLimitError",
            ),
            (
                r#"{"status": "404", "message": "gone"}"#,
                200,
                "NotFoundError",
            ),
            (
                r#"{"error": {"code": "rate_limit", "message": "m"}}"#,
                200,
                "APIStatusError",
            ),
            ("not json at all", 200, "APIStatusError"),
        ] {
            let text: &'static str =
                Box::leak(format!("event: error\ndata: {data}\n\n").into_boxed_str());
            let err = static_body(text).next_event().await.unwrap().unwrap_err();
            assert_eq!(err.class_name(), class, "{data}");
            let want = if class == "RateLimitError" {
                429
            } else if class == "NotFoundError" {
                404
            } else {
                status
            };
            assert_eq!(err.status(), Some(want), "{data}");
        }
    }

    #[tokio::test]
    async fn a_body_error_is_a_connection_error() {
        let (mut s, feed) = stream(5_000);
        send(&feed, "data: {}\n\ndata: {\"par").await;
        assert!(s.next_event().await.unwrap().is_ok());
        feed.send(Err(TransportError::Io("reset".into())))
            .await
            .unwrap();
        let err = s.next_event().await.unwrap().unwrap_err();
        assert_eq!(err.class_name(), "APIConnectionError");
        assert!(s.next_event().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn each_gap_between_events_is_bounded() {
        let (mut s, feed) = stream(1_000);
        let feeder = tokio::spawn(async move {
            for _ in 0..3 {
                // 0.9 s apart: each gap under the limit, the total over it.
                tokio::time::sleep(Duration::from_millis(900)).await;
                send(&feed, "data: {}\n\n").await;
            }
            // Bytes that never finish an event do not extend the wait.
            for _ in 0..5 {
                tokio::time::sleep(Duration::from_millis(300)).await;
                send(&feed, ": ping\n").await;
            }
            feed
        });
        for _ in 0..3 {
            assert!(s.next_event().await.unwrap().is_ok());
        }
        let started = tokio::time::Instant::now();
        let err = s.next_event().await.unwrap().unwrap_err();
        assert_eq!(err.class_name(), "APITimeoutError");
        assert_eq!(started.elapsed(), Duration::from_millis(1_000));
        assert!(s.next_event().await.is_none());
        drop(feeder);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_consumer_is_not_timed_out_by_its_own_pauses() {
        let (mut s, feed) = stream(1_000);
        send(&feed, "data: {}\n\n").await;
        send(&feed, "data: {}\n\n").await;
        assert!(s.next_event().await.unwrap().is_ok());
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(s.next_event().await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn close_is_idempotent_and_drops_the_body() {
        let (mut s, feed) = stream(5_000);
        send(&feed, "data: {}\n\n").await;
        assert!(s.next_event().await.unwrap().is_ok());
        s.close();
        s.close();
        assert!(feed.is_closed(), "the body is dropped on close");
        assert!(s.next_event().await.is_none());
        let (s, feed) = stream(5_000);
        drop(s);
        assert!(feed.is_closed(), "the body is dropped with the stream");
    }

    #[tokio::test]
    async fn the_stream_reads_only_as_asked() {
        let (mut s, feed) = stream(5_000);
        // The channel holds 16 chunks; nothing is read until the consumer asks.
        for _ in 0..16 {
            send(&feed, "data: {}\n\n").await;
        }
        assert!(feed
            .try_send(Ok(Bytes::from_static(b"data: {}\n\n")))
            .is_err());
        assert!(s.next_event().await.unwrap().is_ok());
        // One chunk was taken, one event handed over: room for exactly one more.
        assert!(feed
            .try_send(Ok(Bytes::from_static(b"data: {}\n\n")))
            .is_ok());
        assert!(feed
            .try_send(Ok(Bytes::from_static(b"data: {}\n\n")))
            .is_err());
    }

    #[tokio::test]
    async fn an_oversized_event_is_a_decode_error() {
        let (s, feed) = stream(5_000);
        let mut s = s.with_parser(Parser::with_limit(64));
        send(&feed, &format!("data: \"{}", "x".repeat(100))).await;
        let err = s.next_event().await.unwrap().unwrap_err();
        assert_eq!(err.class_name(), "APIResponseValidationError");
        assert!(err.to_string().contains("larger than 64 bytes"), "{err}");
    }

    #[tokio::test]
    async fn the_stream_trait_and_typed_items() {
        use futures::StreamExt;
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Chunk {
            n: u32,
        }
        let s = static_body("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
        let all: Vec<_> = s.map(|e| e.unwrap().data).collect().await;
        assert_eq!(all, ["{\"n\":1}", "{\"n\":2}"]);
        let typed = TypedStream::<Chunk>::new(static_body(
            "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n",
        ));
        let items: Vec<Chunk> = typed.map(Result::unwrap).collect().await;
        assert_eq!(items, [Chunk { n: 1 }, Chunk { n: 2 }]);
        let mut typed = TypedStream::<Chunk>::new(static_body("data: {\"n\":\"x\"}\n\n"));
        let err = typed.next().await.unwrap().unwrap_err();
        assert_eq!(err.class_name(), "APIResponseValidationError");
        assert!(typed.next().await.is_none());
    }

    fn assert_send_unpin<T: Send + Unpin>() {}

    #[test]
    fn streams_are_send_and_unpin() {
        assert_send_unpin::<EventStream>();
        assert_send_unpin::<TypedStream<Value>>();
    }
}
