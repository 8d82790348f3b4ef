//! The OpenAPI spec as read at generation time: loading, its sha256, `$ref` resolution and
//! looking up operations. The spec is never copied into the repository, so everything here
//! works on whatever file `--spec` (or ../shared) points at.

use std::path::Path;

use serde_yaml::Value;
use sha2::{Digest, Sha256};

/// The methods an operation can have, in the order of OpenAPI's path item fields.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub struct Spec {
    pub root: Value,
    pub sha256: String,
}

/// One operation of the spec, for the coverage statistics and the report.
#[derive(Clone)]
pub struct SpecOperation<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub summary: &'a str,
    /// The servers the operation declares, its own or its path's (empty when neither does).
    pub servers: Vec<&'a str>,
}

impl Spec {
    /// Reads and parses the spec; `Ok(None)` when there is no file at `path`, which callers
    /// treat differently from a file that is there but broken.
    pub fn load(path: &Path) -> Result<Option<Spec>, String> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let root = serde_yaml::from_slice(&bytes)
            .map_err(|e| format!("{} is not valid YAML: {e}", path.display()))?;
        let sha256 = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Some(Spec { root, sha256 }))
    }

    /// Follows `$ref` until it reaches a value that is not a reference. Only local references
    /// (`#/...`) exist in the spec; anything else is an error rather than a silent `Any`.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> Result<&'a Value, String> {
        // A chain longer than this can only be a cycle of references to references.
        for _ in 0..32 {
            let Some(reference) = ref_of(value) else {
                return Ok(value);
            };
            value = self.pointer(reference)?;
        }
        Err(format!("$ref cycle through {:?}", ref_of(value)))
    }

    /// The value a local `$ref` names, e.g. `#/components/schemas/UsageLimits`.
    pub fn pointer(&self, reference: &str) -> Result<&Value, String> {
        let pointer = reference
            .strip_prefix("#/")
            .ok_or_else(|| format!("only local references are supported, not {reference}"))?;
        let mut value = &self.root;
        for token in pointer.split('/') {
            let key = token.replace("~1", "/").replace("~0", "~");
            value = value
                .get(key.as_str())
                .ok_or_else(|| format!("dangling reference {reference}"))?;
        }
        Ok(value)
    }

    /// The operation object at `method path`, with the path item it belongs to.
    pub fn operation(&self, method: &str, path: &str) -> Result<(&Value, &Value), String> {
        let item = self.root["paths"]
            .get(path)
            .ok_or_else(|| format!("the spec has no path {path}"))?;
        let operation = item
            .get(method.to_ascii_lowercase().as_str())
            .ok_or_else(|| format!("the spec has no {method} {path}"))?;
        Ok((item, operation))
    }

    /// Every operation of the spec, in its order.
    pub fn operations(&self) -> Vec<SpecOperation<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.root["paths"].as_mapping() else {
            return out;
        };
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                // An operation's own `servers` replace its path's (OpenAPI 3.0, 4.8.10.1).
                let servers = operation
                    .get("servers")
                    .or_else(|| item.get("servers"))
                    .and_then(Value::as_sequence)
                    .map(|list| list.iter().filter_map(|s| s["url"].as_str()).collect())
                    .unwrap_or_default();
                out.push(SpecOperation {
                    method,
                    path,
                    summary: operation["summary"].as_str().unwrap_or(""),
                    servers,
                });
            }
        }
        out
    }
}

pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

#[cfg(test)]
pub(crate) fn parse(text: &str) -> Spec {
    Spec {
        root: serde_yaml::from_str(text).unwrap(),
        sha256: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_followed_through_chains_and_escapes() {
        let spec = parse(
            "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {type: integer}\n    a/b: {type: string}\n",
        );
        let a: Value = serde_yaml::from_str("$ref: '#/components/schemas/A'").unwrap();
        assert_eq!(spec.resolve(&a).unwrap()["type"].as_str(), Some("integer"));
        let slash: Value = serde_yaml::from_str("$ref: '#/components/schemas/a~1b'").unwrap();
        assert_eq!(
            spec.resolve(&slash).unwrap()["type"].as_str(),
            Some("string")
        );
        let cycle = parse("x: {$ref: '#/x'}\n");
        assert!(cycle
            .resolve(&cycle.root["x"])
            .unwrap_err()
            .contains("cycle"));
        let dangling: Value = serde_yaml::from_str("$ref: '#/nowhere'").unwrap();
        assert!(spec.resolve(&dangling).unwrap_err().contains("dangling"));
    }

    #[test]
    fn an_operations_own_servers_replace_its_paths() {
        let spec = parse(
            "paths:\n  /a:\n    servers: [{url: P}]\n    get: {summary: s}\n    put: {servers: [{url: O}]}\n",
        );
        let ops = spec.operations();
        assert_eq!(
            ops.iter()
                .map(|o| (o.method, o.servers.clone()))
                .collect::<Vec<_>>(),
            [("get", vec!["P"]), ("put", vec!["O"])]
        );
    }
}
