//! The generic engine: finds a request's route in the generated table (src/generated), checks
//! its parameters against the route's schemas, serves it with the route's hook or generic
//! action over the named store, and records a mutating request in the audit log.

pub mod generic;
pub mod request;
pub mod routes;
pub mod store;

use crate::audit;
use crate::errors::{ApiError, ApiResult};
use crate::hooks;
use crate::state::MockState;
use generic::Ctx;
use hyper::HeaderMap;

/// What the engine needs from an API request, with the body already read.
pub struct ApiRequest<'a> {
    pub method: &'a str,
    /// Raw path, still percent-encoded.
    pub path: &'a str,
    /// Raw query string without the '?', "" when absent.
    pub query: &'a str,
    /// Whether a non-empty `x-portkey-api-key` header was sent.
    pub authorized: bool,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The `x-request-id` the answer carries.
    pub request_id: &'a str,
    pub client_ip: &'a str,
}

pub fn dispatch(state: &MockState, req: &ApiRequest<'_>) -> ApiResult {
    dispatch_answer(state, req).0
}

/// `dispatch`, with the server-sent events a hook chose to answer with (`Ctx::sse`), if any.
pub fn dispatch_answer(
    state: &MockState,
    req: &ApiRequest<'_>,
) -> (ApiResult, Option<Vec<serde_json::Value>>) {
    let mut sse = None;
    let result = dispatch_inner(state, req, &mut sse);
    (result, sse)
}

fn dispatch_inner(
    state: &MockState,
    req: &ApiRequest<'_>,
    sse: &mut Option<Vec<serde_json::Value>>,
) -> ApiResult {
    // The control plane lives under `/v1`; the spec's public endpoints (model pricing) at the
    // origin, without an API key.
    let (rest, at_origin) = match req.path.strip_prefix("/v1") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (rest, false),
        _ => (req.path, true),
    };
    // Like the real API, authentication is checked before the route is looked up.
    if !at_origin && !req.authorized {
        return Err(ApiError::unauthorised());
    }
    let found = routes::find(req.method, req.path, rest, at_origin)?;
    let mut stores = state.stores();
    // Where this request was addressed, for URLs the mock answers (log export downloads).
    if let Some(host) = req
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        stores.env.origin = format!("http://{host}");
    }
    let mut workspace = None;
    let result = request::read(found.route, found.path, req.query, req.body).and_then(|input| {
        workspace = audit::workspace_of(&input);
        let mut ctx = Ctx {
            route: found.route,
            stores: &mut stores,
            input,
            sse: None,
        };
        let result = match found.route.hook {
            Some(name) => match hooks::find(name) {
                Some(hook) => hook(&mut ctx),
                None => Err(ApiError::new(
                    hyper::StatusCode::NOT_IMPLEMENTED,
                    format!("the mock has no hook {name} (named for {})", found.route.op),
                )),
            },
            None => generic::serve(&mut ctx),
        };
        *sse = ctx.sse.take();
        result
    });
    if req.method != "GET" {
        if result.is_ok() {
            hooks::after_write(&mut stores);
        }
        audit::record(&mut stores, found.route, req, workspace, &result);
    }
    result
}
