//! Hand-written behaviour, by the names the overlay's `mock.hook` gives (codegen/overlay). A
//! route with a hook is served by it instead of its generic action; hooks reuse the generic
//! pieces (src/engine/generic.rs) and add what the API does beyond plain storage.

mod analytics;
mod api_keys;
mod audit_logs;
mod collections;
mod configs;
mod exports;
mod feedback;
mod guardrails;
mod integrations;
mod invites;
mod labels;
pub mod logs;
mod mcp_integrations;
mod mcp_servers;
mod members;
mod model_pricing;
mod partials;
mod policies;
mod prompts;
mod providers;
mod render;
mod scim;
mod secret_references;
mod users;
mod virtual_keys;
mod workspaces;

use crate::engine::generic::Ctx;
use crate::engine::store::{Record, Stores};
use crate::errors::ApiResult;
use serde_json::{Map, Value};

pub use users::defaults as default_users;

pub type Hook = fn(&mut Ctx<'_>) -> ApiResult;

const HOOKS: &[(&str, Hook)] = &[
    ("api_key_create", api_keys::create),
    ("api_key_update", api_keys::update),
    ("api_key_rotate", api_keys::rotate),
    ("virtual_key_create", virtual_keys::create),
    ("virtual_key_update", virtual_keys::update),
    ("user_delete", users::delete),
    ("invite_create", invites::create),
    ("invite_resend", invites::resend),
    ("workspace_create", workspaces::create),
    ("workspace_list", workspaces::list),
    ("workspace_retrieve", workspaces::retrieve),
    ("workspace_delete", workspaces::delete),
    ("workspace_member_add", members::add),
    ("config_create", configs::create),
    ("config_list", configs::list),
    ("config_retrieve", configs::retrieve),
    ("config_update", configs::update),
    ("config_versions", configs::versions),
    ("audit_list", audit_logs::list),
    ("integration_create", integrations::create),
    ("integration_list", integrations::list),
    ("integration_update", integrations::update),
    ("integration_delete", integrations::delete),
    ("integration_models_list", integrations::models_list),
    ("integration_models_update", integrations::models_update),
    ("integration_models_delete", integrations::models_delete),
    ("integration_workspaces_list", integrations::workspaces_list),
    (
        "integration_workspaces_update",
        integrations::workspaces_update,
    ),
    ("provider_create", providers::create),
    ("provider_update", providers::update),
    ("secret_reference_create", secret_references::create),
    ("secret_reference_list", secret_references::list),
    ("secret_reference_update", secret_references::update),
    ("secret_reference_delete", secret_references::delete),
    ("model_pricing_retrieve", model_pricing::retrieve),
    ("guardrail_create", guardrails::create),
    ("guardrail_update", guardrails::update),
    ("usage_limit_policy_create", policies::usage_limit_create),
    (
        "usage_limit_policy_retrieve",
        policies::usage_limit_retrieve,
    ),
    ("usage_limit_policy_update", policies::usage_limit_update),
    ("usage_limit_entities", policies::usage_limit_entities),
    (
        "usage_limit_entity_reset",
        policies::usage_limit_entity_reset,
    ),
    ("rate_limit_policy_create", policies::rate_limit_create),
    ("rate_limit_policy_retrieve", policies::rate_limit_retrieve),
    ("rate_limit_policy_update", policies::rate_limit_update),
    ("scim_workspace_create", scim::create),
    ("scim_workspace_list", scim::list),
    ("scim_workspace_delete", scim::delete),
    ("mcp_integration_create", mcp_integrations::create),
    ("mcp_integration_list", mcp_integrations::list),
    ("mcp_integration_delete", mcp_integrations::delete),
    (
        "mcp_integration_workspaces_list",
        mcp_integrations::workspaces_list,
    ),
    (
        "mcp_integration_workspaces_update",
        mcp_integrations::workspaces_update,
    ),
    (
        "mcp_integration_capabilities_list",
        mcp_integrations::capabilities_list,
    ),
    (
        "mcp_integration_capabilities_update",
        mcp_integrations::capabilities_update,
    ),
    ("mcp_integration_metadata", mcp_integrations::metadata),
    ("mcp_server_create", mcp_servers::create),
    ("mcp_server_list", mcp_servers::list),
    ("mcp_server_retrieve", mcp_servers::retrieve),
    ("mcp_server_delete", mcp_servers::delete),
    ("mcp_server_test", mcp_servers::test),
    (
        "mcp_server_capabilities_list",
        mcp_servers::capabilities_list,
    ),
    (
        "mcp_server_capabilities_update",
        mcp_servers::capabilities_update,
    ),
    ("mcp_server_user_access_list", mcp_servers::user_access_list),
    (
        "mcp_server_user_access_update",
        mcp_servers::user_access_update,
    ),
    ("mcp_server_connections_list", mcp_servers::connections_list),
    (
        "mcp_server_connections_delete",
        mcp_servers::connections_delete,
    ),
    ("analytics_graph", analytics::graph),
    ("analytics_group", analytics::group),
    ("analytics_summary", analytics::summary),
    ("log_create", logs::create),
    ("log_retrieve", logs::retrieve),
    ("feedback_create", feedback::create),
    ("feedback_update", feedback::update),
    ("export_create", exports::create),
    ("export_retrieve", exports::retrieve),
    ("export_list", exports::list),
    ("export_update", exports::update),
    ("export_start", exports::start),
    ("export_cancel", exports::cancel),
    ("export_download", exports::download),
    ("prompt_create", prompts::create),
    ("prompt_list", prompts::list),
    ("prompt_retrieve", prompts::retrieve),
    ("prompt_update", prompts::update),
    ("prompt_publish", prompts::publish),
    ("prompt_versions_list", prompts::versions_list),
    ("prompt_version_retrieve", prompts::version_retrieve),
    ("prompt_version_update", prompts::version_update),
    ("prompt_render", render::render),
    ("prompt_completion", render::completion),
    ("partial_create", partials::create),
    ("partial_list", partials::list),
    ("partial_retrieve", partials::retrieve),
    ("partial_update", partials::update),
    ("partial_publish", partials::publish),
    ("partial_versions_list", partials::versions_list),
    ("label_create", labels::create),
    ("label_list", labels::list),
    ("label_update", labels::update),
    ("collection_create", collections::create),
    ("collection_list", collections::list),
    ("collection_retrieve", collections::retrieve),
    ("collection_delete", collections::delete),
];

/// A finished log export's file (`GET /__mock/exports/{id}.jsonl`).
pub fn export_file(stores: &mut Stores, id: &str) -> Option<String> {
    exports::file(stores, id)
}

pub fn find(name: &str) -> Option<Hook> {
    HOOKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, hook)| *hook)
}

/// Keeps what one store derives from another current after a change: memberships follow
/// their users and workspaces (and users' `workspace_ids` their memberships), versions their
/// configs. The engine calls it after every mutating request that succeeded, so the generic
/// actions (deleting a user, updating a role) need no hook for it.
pub fn after_write(stores: &mut Stores) {
    members::sync(stores);
    configs::sync(stores);
    scim::sync(stores);
    prompts::sync(stores);
    partials::sync(stores);
}

/// Store names the hooks share (the overlay's `mock.store`).
pub mod stores {
    pub const API_KEYS: &str = "api_keys";
    pub const VIRTUAL_KEYS: &str = "virtual_keys";
    pub const USERS: &str = "users";
    pub const INVITES: &str = "invites";
    pub const WORKSPACES: &str = "workspaces";
    pub const WORKSPACE_MEMBERS: &str = "workspace_members";
    pub const CONFIGS: &str = "configs";
    /// Kept by the config hooks; no route stores into it directly.
    pub const CONFIG_VERSIONS: &str = "config_versions";
    pub const INTEGRATIONS: &str = "integrations";
    pub const PROVIDERS: &str = "providers";
    pub const USAGE_LIMIT_POLICIES: &str = "usage_limit_policies";
    pub const SCIM_WORKSPACES: &str = "scim_workspaces";
    pub const PROMPTS: &str = "prompts";
    /// Kept by the prompt hooks; no route stores into it directly.
    pub const PROMPT_VERSIONS: &str = "prompt_versions";
    pub const PROMPT_PARTIALS: &str = "prompt_partials";
    /// Kept by the partial hooks; no route stores into it directly.
    pub const PROMPT_PARTIAL_VERSIONS: &str = "prompt_partial_versions";
    pub const LABELS: &str = "labels";
    pub const COLLECTIONS: &str = "collections";
    pub const LOGS: &str = super::logs::LOGS;
    pub const FEEDBACK: &str = super::feedback::FEEDBACK;
}

/// A fixture object of `store` as stored, with that store's defaults.
pub fn from_fixture(
    stores: &mut Stores,
    store: &str,
    fields: Map<String, Value>,
) -> Result<Record, String> {
    match store {
        stores::API_KEYS => api_keys::from_fixture(fields),
        stores::VIRTUAL_KEYS => virtual_keys::from_fixture(fields),
        stores::USERS => users::from_fixture(fields),
        stores::INVITES => invites::from_fixture(fields),
        stores::WORKSPACES => workspaces::from_fixture(fields),
        stores::CONFIGS => configs::from_fixture(stores, fields),
        stores::USAGE_LIMIT_POLICIES => policies::usage_limit_from_fixture(fields),
        stores::COLLECTIONS => collections::from_fixture(fields),
        stores::LABELS => labels::from_fixture(fields),
        stores::PROMPTS => prompts::from_fixture(stores, fields),
        stores::PROMPT_PARTIALS => partials::from_fixture(stores, fields),
        stores::LOGS => logs::from_fixture(fields),
        stores::FEEDBACK => feedback::from_fixture(fields),
        _ => Ok(Record::new(fields)),
    }
}

/// Makes the workspaces' fixture `members` (`[{"user_id", "role"}]`) memberships, once every
/// fixture is loaded; an unknown user is an error.
pub fn link_fixture_members(stores: &mut Stores) -> Result<(), String> {
    let mut links = Vec::new();
    for (i, workspace) in stores.all(stores::WORKSPACES).iter().enumerate() {
        let Some(list) = workspace.hidden.get("members") else {
            continue;
        };
        let list = list
            .as_array()
            .ok_or_else(|| format!("workspaces[{i}].members: must be an array"))?;
        for (j, member) in list.iter().enumerate() {
            let at = format!("workspaces[{i}].members[{j}]");
            let key = member
                .get("user_id")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{at}: \"user_id\" must be a string"))?;
            let user = users::find(stores, key)
                .ok_or_else(|| format!("{at}: no user {key:?} among the users"))?;
            let role = member
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or("member");
            links.push((
                workspace.str("id").to_owned(),
                user.str("id").to_owned(),
                role.to_owned(),
            ));
        }
    }
    for (workspace, user, role) in links {
        members::upsert(stores, &workspace, &user, &role);
    }
    after_write(stores);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::ROUTES;

    #[test]
    fn every_hook_the_route_table_names_exists() {
        for route in ROUTES {
            if let Some(name) = route.hook {
                assert!(find(name).is_some(), "{}: no hook {name}", route.op);
            }
        }
    }

    #[test]
    fn every_hook_is_named_by_a_route() {
        for (name, _) in HOOKS {
            assert!(
                ROUTES.iter().any(|r| r.hook == Some(*name)),
                "hook {name} is named by no route in codegen/overlay: dead code"
            );
        }
    }
}
