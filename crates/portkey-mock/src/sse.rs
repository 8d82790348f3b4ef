//! Server-sent events answers. A hook that sets `Ctx::sse` makes the server answer 200
//! `text/event-stream`: one `data: <json>\n\n` per item, then `data: [DONE]\n\n`, with the
//! matching stream fault (`{"stream": {...}}`, see faults.rs) applied. The body is fed through
//! a channel of one chunk by a task that writes as the connection takes it, so a client that
//! goes away is noticed on the next write (or during a pause), and the request log's `stream`
//! record (`events_sent`, `finished`, `client_closed`) follows along.
//!
//! `POST /__mock/sse` is a test aid for clients' stream handling, independent of any API
//! route: it answers `events` (its body's array) or `count` chat-completion-like chunks
//! (default 3) as such a stream, needs no API key, is logged, and ordinary and stream faults
//! apply to it as to an API route.

use crate::conn::Busy;
use crate::errors::ApiResult;
use crate::faults::StreamFault;
use crate::state::MockState;
use hyper::body::{Bytes, Frame};
use serde_json::{json, Value};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The test route's path.
pub const TEST_PATH: &str = "/__mock/sse";

/// The most events the test route generates from a `count`.
const MAX_TEST_EVENTS: u64 = 1_000_000;

/// A streamed answer decided on, to be written once the response head is out.
pub struct Pending {
    pub seq: u64,
    pub events: Vec<Value>,
    pub fault: StreamFault,
}

/// The response body: chunks from the writing task; an error chunk cuts the connection.
pub struct SseBody(mpsc::Receiver<io::Result<Bytes>>);

impl hyper::body::Body for SseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| c.map(Frame::data)))
    }
}

/// Starts writing `pending` and returns the body that carries it. `busy` keeps the
/// connection exempt from the idle timeout until the stream is over.
pub fn start(state: Arc<MockState>, pending: Pending, busy: Busy) -> SseBody {
    let (tx, rx) = mpsc::channel(1);
    state.log_stream(pending.seq, |_| {});
    tokio::spawn(async move {
        let _busy = busy;
        let seq = pending.seq;
        let outcome = write(&state, pending, &tx).await;
        state.log_stream(seq, |log| match outcome {
            Outcome::Finished => log.finished = true,
            Outcome::ClientClosed => log.client_closed = true,
            Outcome::Cut => {}
        });
    });
    SseBody(rx)
}

enum Outcome {
    Finished,
    ClientClosed,
    Cut,
}

async fn write(
    state: &MockState,
    pending: Pending,
    tx: &mpsc::Sender<io::Result<Bytes>>,
) -> Outcome {
    let Pending { seq, events, fault } = pending;
    let total = events.len() as u64;
    // Slot `i` is event number i+1; slot `total` is `[DONE]`.
    for (i, item) in events.iter().map(Some).chain([None]).enumerate() {
        let i = i as u64;
        // "After n events" with n past the end: in place of `[DONE]`.
        let at = |n: Option<u64>| n.is_some_and(|n| n.min(total) == i);
        if at(fault.cut_after) {
            // An error chunk makes hyper drop the connection without ending the body.
            let _ = tx.send(Err(io::Error::other("injected cut"))).await;
            return Outcome::Cut;
        }
        if at(fault.stall_after) {
            let ms = fault.stall_ms.unwrap_or(StreamFault::DEFAULT_STALL_MS);
            if !pause(tx, ms).await {
                return Outcome::ClientClosed;
            }
        }
        if let Some(ms) = fault.pace_ms {
            if !pause(tx, ms).await {
                return Outcome::ClientClosed;
            }
        }
        if at(fault.error_after) {
            let status = fault.status.unwrap_or(500);
            let message = fault
                .message
                .clone()
                .unwrap_or_else(|| "injected stream error".to_owned());
            let data = json!({
                "error": {"message": message, "type": "server_error", "code": status},
                "status": status,
            });
            if tx
                .send(Ok(Bytes::from(format!("event: error\ndata: {data}\n\n"))))
                .await
                .is_err()
            {
                return Outcome::ClientClosed;
            }
            return Outcome::Finished;
        }
        let frame = match item {
            None => Bytes::from_static(b"data: [DONE]\n\n"),
            Some(_) if fault.malformed_after == Some(i) => {
                Bytes::from_static(b"data: {\"choices\": [{\"delta\": {\"content\": \"trunc\n\n")
            }
            Some(item) => Bytes::from(format!("data: {item}\n\n")),
        };
        if tx.send(Ok(frame)).await.is_err() {
            return Outcome::ClientClosed;
        }
        if item.is_none() {
            return Outcome::Finished;
        }
        state.log_stream(seq, |log| log.events_sent += 1);
    }
    Outcome::Finished
}

/// Sleeps `ms`, or less if the client goes away; whether it is still there.
async fn pause(tx: &mpsc::Sender<io::Result<Bytes>>, ms: u64) -> bool {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => true,
        () = tx.closed() => false,
    }
}

/// `POST /__mock/sse`: the events its body asks for.
pub fn test_route(body: &[u8]) -> (ApiResult, Option<Vec<Value>>) {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let events = match body.get("events").and_then(Value::as_array) {
        Some(events) => events.clone(),
        None => {
            let count = body.get("count").and_then(Value::as_u64).unwrap_or(3);
            let count = count.min(MAX_TEST_EVENTS);
            (0..count).map(chunk).collect()
        }
    };
    (Ok(json!({})), Some(events))
}

/// A chat-completion chunk whose content is `word{i} `.
fn chunk(i: u64) -> Value {
    json!({
        "id": "chatcmpl-mock",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "mock",
        "choices": [{"index": 0, "delta": {"content": format!("word{i} ")}, "finish_reason": null}],
    })
}
