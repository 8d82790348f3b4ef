//! Maps an API request to its resource handler. Routing splits the raw path on '/'
//! first and percent-decodes each segment afterwards, so an id containing an encoded
//! slash or dot segment (`..%2Fadmin`) stays one opaque id instead of changing the route.

use crate::errors::{ApiError, ApiResult};
use crate::resources::{api_keys, virtual_keys};
use crate::state::MockState;
use crate::uri::percent_decode;
use hyper::Method;

/// What a handler needs from an API request, with the body already read.
pub struct ApiRequest<'a> {
    pub method: &'a Method,
    /// Raw path, still percent-encoded.
    pub path: &'a str,
    /// Raw query string without the '?', "" when absent.
    pub query: &'a str,
    /// Whether a non-empty `x-portkey-api-key` header was sent.
    pub authorized: bool,
    pub body: &'a [u8],
}

pub fn dispatch(state: &MockState, req: &ApiRequest<'_>) -> ApiResult {
    let segments: Vec<String> = req.path.split('/').skip(1).map(percent_decode).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["v1", rest @ ..] if req.authorized => v1(state, req, rest),
        // Like the real API, authentication is checked before the route is looked up.
        ["v1", ..] => Err(ApiError::unauthorised()),
        _ => Err(ApiError::no_route(req.method.as_str(), req.path)),
    }
}

fn v1(state: &MockState, req: &ApiRequest<'_>, segments: &[&str]) -> ApiResult {
    let not_allowed = |allow| ApiError::method_not_allowed(req.method.as_str(), req.path, allow);
    let (query, body) = (req.query, req.body);
    match (segments, req.method) {
        (["api-keys"], &Method::GET) => api_keys::list(state, query),
        (["api-keys"], _) => Err(not_allowed("GET")),
        // `/api-keys/{id}/rotate` and `/api-keys/{type}/{sub-type}` share a shape; the
        // literal "rotate" decides, as no key type is called that.
        (["api-keys", id, "rotate"], &Method::POST) => api_keys::rotate(state, id, body),
        (["api-keys", _, "rotate"], _) => Err(not_allowed("POST")),
        (["api-keys", kind, sub_kind], &Method::POST) => {
            api_keys::create(state, kind, sub_kind, body)
        }
        (["api-keys", _, _], _) => Err(not_allowed("POST")),
        (["api-keys", id], &Method::GET) => api_keys::retrieve(state, id),
        (["api-keys", id], &Method::PUT) => api_keys::update(state, id, body),
        (["api-keys", id], &Method::DELETE) => api_keys::delete(state, id),
        (["api-keys", _], _) => Err(not_allowed("GET, PUT, DELETE")),
        (["virtual-keys"], &Method::GET) => virtual_keys::list(state, query),
        (["virtual-keys"], &Method::POST) => virtual_keys::create(state, body),
        (["virtual-keys"], _) => Err(not_allowed("GET, POST")),
        (["virtual-keys", slug], &Method::GET) => virtual_keys::retrieve(state, slug),
        (["virtual-keys", slug], &Method::PUT) => virtual_keys::update(state, slug, body),
        (["virtual-keys", slug], &Method::DELETE) => virtual_keys::delete(state, slug),
        (["virtual-keys", _], _) => Err(not_allowed("GET, PUT, DELETE")),
        _ => Err(ApiError::no_route(req.method.as_str(), req.path)),
    }
}
