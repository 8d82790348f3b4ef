//! Which server group serves an operation. The spec's `x-server-groups` name the groups
//! (control plane, data plane, public); an operation's `servers` say which of them serves it.
//! Some paths declare no servers at all; codegen/servers.yaml says which group serves those.

use std::collections::BTreeMap;

use crate::spec::{Spec, SpecOperation};

/// The group whose operations this SDK covers; the inference surface is out of scope.
pub const CONTROL_PLANE: &str = "ControlPlaneServers";

pub struct Groups {
    /// Each group with the server URLs that only it has: `https://api.portkey.ai/v1` serves
    /// both planes and tells nothing, `SELF_HOSTED_CONTROL_PLANE_URL` tells.
    distinctive: Vec<(String, Vec<String>)>,
    /// (path prefix, group) for paths without servers, from codegen/servers.yaml.
    unmarked: Vec<(String, String)>,
}

impl Groups {
    pub fn new(spec: &Spec, unmarked: &BTreeMap<String, Vec<String>>) -> Result<Groups, String> {
        let mut all: Vec<(String, Vec<String>)> = Vec::new();
        for (name, servers) in spec.root["x-server-groups"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let name = name
                .as_str()
                .ok_or("x-server-groups has a non-string key")?;
            let urls = servers
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|s| s["url"].as_str())
                .map(normalise)
                .collect();
            all.push((name.to_owned(), urls));
        }
        let distinctive = all
            .iter()
            .map(|(name, urls)| {
                let own = urls
                    .iter()
                    .filter(|u| !all.iter().any(|(n, o)| n != name && o.contains(u)))
                    .cloned()
                    .collect();
                (name.clone(), own)
            })
            .collect();
        let mut groups = Groups {
            distinctive,
            unmarked: Vec::new(),
        };
        for (group, prefixes) in unmarked {
            if !all.iter().any(|(n, _)| n == group) {
                return Err(format!(
                    "codegen/servers.yaml: {group} is not one of the spec's x-server-groups"
                ));
            }
            for prefix in prefixes {
                groups.unmarked.push((prefix.clone(), group.clone()));
            }
        }
        // An entry that matches no unmarked path is stale: the spec now says it itself.
        let operations = spec.operations();
        for (prefix, _) in &groups.unmarked {
            if !operations
                .iter()
                .any(|o| o.servers.is_empty() && under(o.path, prefix))
            {
                return Err(format!(
                    "codegen/servers.yaml: no path without servers starts with {prefix}"
                ));
            }
        }
        Ok(groups)
    }

    /// The group serving `op`, or `None` when neither the spec nor servers.yaml says.
    pub fn group_of(&self, op: &SpecOperation) -> Option<&str> {
        if op.servers.is_empty() {
            return self
                .unmarked
                .iter()
                .filter(|(prefix, _)| under(op.path, prefix))
                .max_by_key(|(prefix, _)| prefix.len())
                .map(|(_, group)| group.as_str());
        }
        let urls: Vec<String> = op.servers.iter().map(|u| normalise(u)).collect();
        let mut matching = self
            .distinctive
            .iter()
            .filter(|(_, own)| own.iter().any(|u| urls.contains(u)));
        match (matching.next(), matching.next()) {
            (Some((name, _)), None) => Some(name),
            _ => None,
        }
    }
}

/// Reads codegen/servers.yaml: `{group: [path prefix, ...]}`.
pub fn load_unmarked(text: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    serde_yaml::from_str(text).map_err(|e| format!("codegen/servers.yaml: {e}"))
}

/// The spec spells one server both `SELF_HOSTED_CONTROL_PLANE_URL` and
/// `https://SELF_HOSTED_CONTROL_PLANE_URL`; compare them without scheme or trailing slash.
fn normalise(url: &str) -> String {
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    url.trim_end_matches('/').to_owned()
}

/// Whether `path` is `prefix` or lies below it, segment-wise (`/models` is not under `/model`).
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse;

    const SPEC: &str = "
x-server-groups:
  ControlPlaneServers: [{url: 'https://api.example/v1'}, {url: CONTROL}]
  DataPlaneServers: [{url: 'https://api.example/v1'}, {url: GATEWAY}]
paths:
  /keys: {servers: [{url: 'https://api.example/v1'}, {url: 'https://CONTROL'}], get: {}}
  /chat: {servers: [{url: 'https://api.example/v1'}, {url: GATEWAY}], post: {}}
  /both: {servers: [{url: 'https://api.example/v1'}], get: {}}
  /policies/limits: {get: {}}
  /models/{id}: {get: {}}
";

    fn groups(unmarked: &str) -> Result<Vec<Option<String>>, String> {
        let spec = parse(SPEC);
        let groups = Groups::new(&spec, &load_unmarked(unmarked)?)?;
        Ok(spec
            .operations()
            .iter()
            .map(|o| groups.group_of(o).map(str::to_owned))
            .collect())
    }

    #[test]
    fn operations_are_classified_by_their_distinctive_server() {
        let control = Some("ControlPlaneServers".to_owned());
        let data = Some("DataPlaneServers".to_owned());
        assert_eq!(
            groups("ControlPlaneServers: [/policies]").unwrap(),
            [control.clone(), data, None, control, None]
        );
    }

    #[test]
    fn stale_or_unknown_entries_are_refused() {
        assert!(groups("ControlPlaneServers: [/keys]")
            .unwrap_err()
            .contains("no path without servers"));
        assert!(groups("ControlPlaneServers: [/model]").is_err());
        assert!(groups("Elsewhere: [/policies]")
            .unwrap_err()
            .contains("not one of"));
    }
}
