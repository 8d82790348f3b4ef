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
    let mut workspace = None;
    let result = request::read(found.route, found.path, req.query, req.body).and_then(|input| {
        workspace = audit::workspace_of(&input);
        let mut ctx = Ctx {
            route: found.route,
            stores: &mut stores,
            input,
        };
        match found.route.hook {
            Some(name) => match hooks::find(name) {
                Some(hook) => hook(&mut ctx),
                None => Err(ApiError::new(
                    hyper::StatusCode::NOT_IMPLEMENTED,
                    format!("the mock has no hook {name} (named for {})", found.route.op),
                )),
            },
            None => generic::serve(&mut ctx),
        }
    });
    if req.method != "GET" {
        if result.is_ok() {
            hooks::after_write(&mut stores);
        }
        audit::record(&mut stores, found.route, req, workspace, &result);
    }
    result
}
