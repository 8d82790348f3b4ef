//! Auto-pagination: every item of every page of a paginated list, as a `Stream`.
//!
//! A paginated operation takes `current_page` (zero-based) and `page_size` and answers a page
//! `{"object": "list", "total": n, "data": [...]}`, its items in `data` or in the field its
//! page model names ([`Page::ITEMS`]: `audit_logs().list_all` reads `records`). `Paginator`
//! fetches one page at a time, lazily, as the caller consumes items, and stops after the page
//! that reaches `total`, at an empty page, or at a page shorter than the page size (the
//! requested one, else the first page's length). A failed page is yielded as an `Err` item and
//! ends the stream: it never ends silently with items missing.
//!
//! ```no_run
//! # async fn demo(client: portkey::Client) -> portkey::Result<()> {
//! let mut keys = client
//!     .api_keys()
//!     .list_all(&portkey::ListApiKeys::default().page_size(50));
//! while let Some(key) = keys.next().await {
//!     println!("{:?}", key?.name);
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{Client, RequestOptions};
use crate::error::Result;
use crate::operation::Operation;
use crate::request::Params;
use crate::response::RawResponse;

/// A page model: what the generated list models implement.
pub trait Page: DeserializeOwned {
    type Item;
    /// The answer's field holding the items: `data`, unless the overlay's page model says
    /// `items:` (`records` for the audit log).
    const ITEMS: &'static str;
    /// The count of all matching items, not only this page's.
    fn total(&self) -> Option<i64>;
    /// This page's items (the [`Self::ITEMS`] field), in order.
    fn into_items(self) -> Vec<Self::Item>;
}

type Fetch = Pin<Box<dyn Future<Output = Result<RawResponse>> + Send>>;

/// A decoded page: the total, if the server gave one, and the page's items.
type Decoded<T> = Result<(Option<i64>, Vec<T>)>;

/// The items of a paginated list across all its pages: a `Stream` of `Result<T>` (use
/// `futures::StreamExt`), with `next` and `collect_all` of its own for callers without the
/// `futures` crate.
pub struct Paginator<T> {
    client: Client,
    op: &'static Operation,
    params: Params,
    options: RequestOptions,
    decode: fn(&RawResponse) -> Decoded<T>,
    /// The zero-based page to fetch next.
    page: i64,
    /// The requested page size, else the first page's length once it is known.
    page_size: Option<i64>,
    buffer: VecDeque<T>,
    pending: Option<Fetch>,
    done: bool,
}

// No field is structurally pinned: the in-flight request is boxed.
impl<T> Unpin for Paginator<T> {}

impl<T> std::fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.op.name)
            .field("page", &self.page)
            .field("page_size", &self.page_size)
            .field("buffered", &self.buffer.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// Iterates `op` from `params`' `current_page` (else 0), decoding each answer as `P`.
    pub(crate) fn new<P: Page<Item = T>>(
        client: &Client,
        op: &'static Operation,
        params: Params,
        options: &RequestOptions,
    ) -> Self {
        let page = params
            .get("current_page")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let page_size = params
            .get("page_size")
            .and_then(Value::as_i64)
            .filter(|&n| n > 0);
        Paginator {
            client: client.clone(),
            op,
            params,
            options: options.clone(),
            decode: decode::<P>,
            page,
            page_size,
            buffer: VecDeque::new(),
            pending: None,
            done: false,
        }
    }

    /// The next item, fetching the next page when this one is used up; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining item, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn fetch(&self) -> Fetch {
        let client = self.client.clone();
        let options = self.options.clone();
        let op = self.op;
        let mut params = self.params.clone();
        params.insert("current_page".to_owned(), self.page.into());
        Box::pin(async move { client.call(op, params, &options).await })
    }

    /// Takes in a fetched page and decides whether it is the last one.
    fn take(&mut self, total: Option<i64>, items: Vec<T>) {
        let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let size = *self.page_size.get_or_insert(count);
        let through = self.page.saturating_add(1).saturating_mul(size);
        if count == 0 || count < size || total.is_some_and(|t| through >= t) {
            self.done = true;
        }
        self.page = self.page.saturating_add(1);
        self.buffer.extend(items);
    }
}

fn decode<P: Page>(response: &RawResponse) -> Decoded<P::Item> {
    let page: P = response.json()?;
    Ok((page.total(), page.into_items()))
}

impl<T: Send + 'static> Stream for Paginator<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                this.pending = Some(this.fetch());
            }
            let Some(pending) = this.pending.as_mut() else {
                unreachable!("a fetch was just started");
            };
            let Poll::Ready(answer) = pending.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            this.pending = None;
            match answer.and_then(|response| (this.decode)(&response)) {
                Ok((total, items)) => this.take(total, items),
                Err(error) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        (buffered, self.done.then_some(buffered))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use bytes::Bytes;
    use serde_json::json;

    use super::*;
    use crate::models::{ApiKey, ApiKeyList};
    use crate::transport::{HttpRequest, HttpResponse, SendFuture, Transport, TransportError};

    /// Answers from a script (a status and a JSON body per request) and records the URLs.
    #[derive(Default)]
    struct Pages {
        answers: Mutex<VecDeque<(u16, Value)>>,
        urls: Mutex<Vec<String>>,
    }

    impl Transport for Pages {
        fn send(&self, request: HttpRequest) -> SendFuture<'_> {
            self.urls.lock().unwrap().push(request.url);
            let answer = self.answers.lock().unwrap().pop_front();
            Box::pin(async move {
                let (status, body) = answer.ok_or(TransportError::Io("script ran out".into()))?;
                Ok(HttpResponse {
                    status,
                    headers: vec![],
                    body: Bytes::from(body.to_string()),
                })
            })
        }
    }

    fn page(ids: std::ops::Range<u32>, total: Option<u32>) -> (u16, Value) {
        let data: Vec<Value> = ids.map(|i| json!({"id": format!("k{i}")})).collect();
        match total {
            Some(total) => (200, json!({"object": "list", "total": total, "data": data})),
            None => (200, json!({"object": "list", "data": data})),
        }
    }

    fn run(
        script: Vec<(u16, Value)>,
        params: Value,
    ) -> (Vec<std::result::Result<String, String>>, Vec<String>) {
        let transport = Arc::new(Pages {
            answers: Mutex::new(script.into()),
            ..Default::default()
        });
        let client = Client::builder()
            .api_key("pk-test")
            .base_url("http://test/v1")
            .max_retries(0)
            .transport(transport.clone())
            .build()
            .unwrap();
        let params = params.as_object().unwrap().clone();
        let mut items = Paginator::new::<ApiKeyList>(
            &client,
            &crate::ops::api_keys::LIST,
            params,
            &RequestOptions::default(),
        );
        let got = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let mut got = Vec::new();
                while let Some(item) = items.next().await {
                    got.push(
                        item.map(|k: ApiKey| k.id.unwrap())
                            .map_err(|e| e.class_name().to_owned()),
                    );
                }
                // Ended streams stay ended.
                assert!(items.next().await.is_none());
                got
            });
        let urls = transport.urls.lock().unwrap().clone();
        let queries = urls
            .iter()
            .map(|u| {
                u.split_once('?')
                    .map(|(_, q)| q.to_owned())
                    .unwrap_or_default()
            })
            .collect();
        (got, queries)
    }

    fn ids(range: std::ops::Range<u32>) -> Vec<std::result::Result<String, String>> {
        range.map(|i| Ok(format!("k{i}"))).collect()
    }

    #[test]
    fn a_paginator_can_move_to_another_task() {
        fn is_send<T: Send + Unpin + 'static>() {}
        is_send::<Paginator<ApiKey>>();
    }

    #[test]
    fn stops_at_the_total() {
        let (got, queries) = run(
            vec![
                page(0..2, Some(5)),
                page(2..4, Some(5)),
                page(4..5, Some(5)),
            ],
            json!({"page_size": 2}),
        );
        assert_eq!(got, ids(0..5));
        assert_eq!(queries.len(), 3);
        for (i, query) in queries.iter().enumerate() {
            assert!(query.contains(&format!("current_page={i}")), "{query}");
            assert!(query.contains("page_size=2"), "{query}");
        }
    }

    #[test]
    fn a_full_last_page_ends_at_the_total_without_an_extra_request() {
        let (got, queries) = run(
            vec![page(0..2, Some(4)), page(2..4, Some(4))],
            json!({"page_size": 2}),
        );
        assert_eq!(got, ids(0..4));
        assert_eq!(queries.len(), 2);
    }

    #[test]
    fn without_a_total_a_short_or_empty_page_ends_it() {
        let (got, queries) = run(
            vec![page(0..3, None), page(3..6, None), page(6..7, None)],
            json!({"page_size": 3}),
        );
        assert_eq!(got, ids(0..7));
        assert_eq!(queries.len(), 3);
        let (got, queries) = run(
            vec![page(0..3, None), page(3..6, None), page(6..6, None)],
            json!({"page_size": 3}),
        );
        assert_eq!(got, ids(0..6));
        assert_eq!(queries.len(), 3);
    }

    #[test]
    fn without_a_page_size_the_first_page_sets_it() {
        let (got, queries) = run(vec![page(0..4, None), page(4..6, None)], json!({}));
        assert_eq!(got, ids(0..6));
        assert_eq!(queries.len(), 2);
        assert!(queries[1].contains("current_page=1"));
        assert!(!queries[1].contains("page_size"));
    }

    #[test]
    fn starts_at_the_given_page() {
        let (got, queries) = run(
            vec![page(4..6, Some(6))],
            json!({"page_size": 2, "current_page": 2}),
        );
        assert_eq!(got, ids(4..6));
        assert_eq!(queries.len(), 1);
        assert!(queries[0].contains("current_page=2"));
    }

    #[test]
    fn an_empty_first_page_yields_nothing() {
        let (got, queries) = run(vec![page(0..0, Some(0))], json!({"page_size": 50}));
        assert!(got.is_empty());
        assert_eq!(queries.len(), 1);
    }

    #[test]
    fn a_failed_page_is_the_last_item() {
        let (got, queries) = run(
            vec![
                page(0..2, Some(6)),
                (500, json!({"error": {"message": "boom"}})),
            ],
            json!({"page_size": 2}),
        );
        let mut want = ids(0..2);
        want.push(Err("InternalServerError".into()));
        assert_eq!(got, want);
        assert_eq!(queries.len(), 2);
        // An answer that is not a page is an error item too, never a silent end.
        let (got, _) = run(
            vec![(200, json!({"data": "not a list"}))],
            json!({"page_size": 2}),
        );
        assert_eq!(got, vec![Err("APIResponseValidationError".into())]);
    }

    #[test]
    fn invalid_parameters_fail_the_first_item_before_sending() {
        let (got, queries) = run(vec![], json!({"page_size": 0}));
        assert_eq!(got, vec![Err("InvalidParameterError".into())]);
        assert!(queries.is_empty());
    }
}
