//! Finds the generated route of a request. The raw path is split on '/' first and each segment
//! percent-decoded afterwards, so an id containing an encoded slash or dot segment
//! (`..%2Fadmin`) stays one opaque id instead of changing the route.

use crate::errors::ApiError;
use crate::generated::ROUTES;
use crate::schema::Route;
use crate::uri::percent_decode;

/// A route and the decoded values of its path placeholders, by wire name.
pub struct Found {
    pub route: &'static Route,
    pub path: Vec<(&'static str, String)>,
}

/// The route for `method` and the path under `/v1`, or at the origin when `at_origin`
/// (`rest`, still percent-encoded, starting with '/'). When several templates match, the most specific wins: literal segments beat
/// placeholders, compared from the left (`/api-keys/{id}/rotate` over
/// `/api-keys/{type}/{sub-type}`). A path no template matches is a 404; a path matched only
/// by templates without this method is a 405 whose `Allow` lists the methods of the most
/// specific one.
pub fn find(method: &str, raw_path: &str, rest: &str, at_origin: bool) -> Result<Found, ApiError> {
    let segments: Vec<String> = rest.split('/').skip(1).map(percent_decode).collect();
    let mut matching: Vec<(&'static Route, Vec<(&'static str, String)>)> = ROUTES
        .iter()
        .filter(|route| route.at_origin == at_origin)
        .filter_map(|route| Some((*route, bind(route.path, &segments)?)))
        .collect();
    // Most specific first; the sort is stable, so table order breaks ties.
    matching.sort_by_key(|(route, _)| std::cmp::Reverse(specificity(route.path)));
    if let Some((route, path)) = matching.iter().find(|(r, _)| r.method == method) {
        return Ok(Found {
            route,
            path: path.clone(),
        });
    }
    let Some((best, _)) = matching.first() else {
        return Err(ApiError::no_route(method, raw_path));
    };
    let mut allow: Vec<&str> = ROUTES
        .iter()
        .filter(|r| r.path == best.path && r.at_origin == at_origin)
        .map(|r| r.method)
        .collect();
    allow.sort_by_key(|m| ["GET", "POST", "PUT", "DELETE"].iter().position(|x| x == m));
    allow.dedup();
    Err(ApiError::method_not_allowed(
        method,
        raw_path,
        allow.join(", "),
    ))
}

/// The placeholder values if `segments` fit `template`.
fn bind(template: &'static str, segments: &[String]) -> Option<Vec<(&'static str, String)>> {
    let parts: Vec<&'static str> = template.split('/').skip(1).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut out = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        match placeholder(part) {
            Some(wire) => out.push((wire, segment.clone())),
            None if part == segment => {}
            None => return None,
        }
    }
    Some(out)
}

fn placeholder(part: &'static str) -> Option<&'static str> {
    part.strip_prefix('{')?.strip_suffix('}')
}

/// One flag per segment, true for a literal: compared as a sequence, literals to the left
/// weigh most.
fn specificity(template: &str) -> Vec<bool> {
    template
        .split('/')
        .skip(1)
        .map(|part| !part.starts_with('{'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_beat_placeholders() {
        let found = find(
            "POST",
            "/v1/api-keys/k%2F1/rotate",
            "/api-keys/k%2F1/rotate",
            false,
        )
        .unwrap();
        assert_eq!(found.route.op, "api_keys.rotate");
        assert_eq!(found.path, vec![("id", "k/1".to_owned())]);
        let found = find(
            "POST",
            "/v1/api-keys/workspace/user",
            "/api-keys/workspace/user",
            false,
        )
        .unwrap();
        assert_eq!(found.route.op, "api_keys.create");
    }

    #[test]
    fn unknown_paths_404_and_wrong_methods_405() {
        let err = |method, path: &str| find(method, path, path, false).err().unwrap();
        assert_eq!(err("GET", "/nope").status, 404);
        let e = err("PATCH", "/api-keys/x");
        assert_eq!(
            (e.status.as_u16(), e.allow.as_deref()),
            (405, Some("GET, PUT, DELETE"))
        );
        assert_eq!(
            err("GET", "/api-keys/x/rotate").allow.as_deref(),
            Some("POST")
        );
    }

    #[test]
    fn public_endpoints_are_served_at_the_origin_only() {
        let path = "/model-configs/pricing/openai/gpt-4o";
        let found = find("GET", path, path, true).unwrap();
        assert_eq!(found.route.op, "model_pricing.retrieve");
        assert_eq!(find("GET", path, path, false).err().unwrap().status, 404);
        let control = "/api-keys/x";
        assert_eq!(
            find("GET", control, control, true).err().unwrap().status,
            404
        );
    }
}
