//! `/mcp-servers`: workspace instances of an MCP integration, which must exist (404
//! otherwise). A server's capabilities are its integration's, with the server's own
//! `enabled` where `capabilities.update` set one; user access is the server's default
//! (`allow` until changed) unless a user has an override. `test` never calls out: it answers
//! success with the integration's URL. Connections are made outside the API (a user's OAuth
//! flow), so the mock has none unless they are put into its store.

use super::mcp_integrations::{
    self as integrations, by_current_page, by_page, capability_page, child, contains, parent,
    query_str, slug_for, upsert_capability,
};
use super::{stores, users};
use crate::audit::{CALLER_ID, ORGANISATION_ID};
use crate::engine::generic::{self, Ctx};
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use serde_json::{json, Map, Value};

pub const SERVERS: &str = "mcp_servers";
/// The server's own `{name, type, enabled}` settings (`hidden.parent`: the server's id).
pub const CAPABILITIES: &str = "mcp_server_capabilities";
/// `{user_id, enabled}` overrides (`hidden.parent`).
pub const USER_ACCESS: &str = "mcp_server_user_access";
/// `{user_id, connected, created_at, last_updated_at}` (`hidden.parent`).
pub const CONNECTIONS: &str = "mcp_server_connections";

/// Where the mock says a server's gateway URL is (`{gateway_base}/{slug}/mcp`).
const GATEWAY_BASE: &str = "https://mcp.portkey.ai";

fn not_found() -> ApiError {
    ApiError::not_found("MCP server not found")
}

/// The server the path names (404 if none).
fn path_server(ctx: &Ctx<'_>) -> Result<Record, ApiError> {
    ctx.stores
        .find(SERVERS, ctx.path("mcpServerId"))
        .cloned()
        .ok_or_else(not_found)
}

/// Removes what belongs to server `id`, which is gone.
pub fn purge(stores: &mut Stores, id: &str) {
    for store in [CAPABILITIES, USER_ACCESS, CONNECTIONS] {
        stores.remove_where(store, |r| parent(r) == id);
    }
}

/// `mcp_server_create`: `mcp_integration_id` (id or slug) must name an existing MCP
/// integration (404 otherwise) and is stored as its id; the slug given (409 if taken) or
/// made from the name; answers `{id, slug}`.
pub fn create(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut fields = ctx.input.body.clone();
    let key = fields
        .get("mcp_integration_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let integration = integrations::find(ctx.stores, key)?.str("id").to_owned();
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let slug = slug_for(ctx.stores, SERVERS, fields.get("slug"), &name, "mcp-server")?;
    fields.insert("slug".into(), json!(slug));
    fields.insert("mcp_integration_id".into(), json!(integration));
    let defaults = [
        ("status", json!("active")),
        ("description", Value::Null),
        ("workspace_id", Value::Null),
        ("organisation_id", json!(ORGANISATION_ID)),
        ("owner_id", json!(CALLER_ID)),
    ];
    for (field, value) in defaults {
        fields.entry(field).or_insert(value);
    }
    generic::stamp(&mut fields);
    fields.remove("last_updated_at");
    let mut record = Record::new(fields);
    record
        .hidden
        .insert("default_user_access".into(), json!("allow"));
    let answer = json!({"id": record.str("id"), "slug": slug});
    ctx.stores.push(SERVERS, record);
    Ok(answer)
}

/// The server as list shows it: with its integration's slug, URL and auth type, its
/// workspace's name and slug, and its gateway `url`.
fn summary(stores: &Stores, server: &Record) -> Value {
    let mut item = server.fields.clone();
    let integration = stores.find(integrations::INTEGRATIONS, server.str("mcp_integration_id"));
    let of_integration = |f: &str| {
        integration
            .and_then(|i| i.fields.get(f).cloned())
            .unwrap_or(Value::Null)
    };
    item.insert("mcp_integration_slug".into(), of_integration("slug"));
    item.insert("mcp_integration_url".into(), of_integration("url"));
    item.insert("auth_type".into(), of_integration("auth_type"));
    let workspace = stores.find(stores::WORKSPACES, server.str("workspace_id"));
    let of_workspace = |f: &str| {
        workspace
            .and_then(|w| w.fields.get(f).cloned())
            .unwrap_or(Value::Null)
    };
    item.insert("workspace_name".into(), of_workspace("name"));
    item.insert("workspace_slug".into(), of_workspace("slug"));
    item.insert(
        "url".into(),
        json!(format!("{GATEWAY_BASE}/{}/mcp", server.str("slug"))),
    );
    Value::Object(item)
}

/// `mcp_server_list`: `workspace_id` by equality, `id` one of the comma-separated ids,
/// `search` in the name or slug; paged by `current_page`/`page_size`.
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult {
    let workspace = query_str(ctx, "workspace_id");
    let ids: Option<Vec<&str>> =
        query_str(ctx, "id").map(|ids| ids.split(',').map(str::trim).collect());
    let search = query_str(ctx, "search");
    let items: Vec<Value> = ctx
        .stores
        .all(SERVERS)
        .iter()
        .filter(|r| workspace.is_none_or(|w| r.str("workspace_id") == w))
        .filter(|r| ids.as_ref().is_none_or(|ids| ids.iter().any(|id| r.is(id))))
        .filter(|r| search.is_none_or(|s| contains(r, &["name", "slug"], s)))
        .map(|r| summary(ctx.stores, r))
        .collect();
    let mut page = by_current_page(ctx, items);
    if let Some(page) = page.as_object_mut() {
        page.remove("has_more");
    }
    Ok(page)
}

/// `mcp_server_retrieve`: the server with `mcp_integration_details`.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let server = ctx.find()?;
    let mut answer = server.fields.clone();
    answer.remove("organisation_id");
    answer.remove("owner_id");
    let details = ctx
        .stores
        .find(integrations::INTEGRATIONS, server.str("mcp_integration_id"))
        .map_or(Value::Null, |i| {
            let mut details = Map::new();
            for field in [
                "id",
                "slug",
                "status",
                "configurations",
                "url",
                "transport",
                "auth_type",
            ] {
                details.insert(
                    field.into(),
                    i.fields.get(field).cloned().unwrap_or(Value::Null),
                );
            }
            Value::Object(details)
        });
    answer.insert("mcp_integration_details".into(), details);
    Ok(Value::Object(answer))
}

/// `mcp_server_delete`: removes the server with its capability settings, user access and
/// connections.
pub fn delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = ctx.remove()?.str("id").to_owned();
    purge(ctx.stores, &id);
    Ok(json!({}))
}

/// `mcp_server_test`: no network: answers success, status 200 in 0 ms, with the
/// integration's URL and the server's name; 404 for an unknown server.
pub fn test(ctx: &mut Ctx<'_>) -> ApiResult {
    let server = path_server(ctx)?;
    let url = ctx
        .stores
        .find(integrations::INTEGRATIONS, server.str("mcp_integration_id"))
        .and_then(|i| i.fields.get("url").cloned())
        .unwrap_or(Value::Null);
    Ok(json!({
        "success": true,
        "status_code": 200,
        "response_time_ms": 0,
        "url": url,
        "server_name": server.str("name"),
        "error": null,
    }))
}

/// `mcp_server_capabilities_list`: the integration's capabilities, each with
/// `integration_enabled` (the integration's setting) and `enabled` (the server's, else the
/// integration's), then those set only on the server; filtered by `type`, paged by `page`,
/// with `counts` per type.
pub fn capabilities_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let server = path_server(ctx)?;
    let id = server.str("id");
    let own: Vec<&Record> = ctx
        .stores
        .all(CAPABILITIES)
        .iter()
        .filter(|c| parent(c) == id)
        .collect();
    let same =
        |a: &Record, b: &Record| a.str("name") == b.str("name") && a.str("type") == b.str("type");
    let inherited = integrations::capabilities_of(ctx.stores, server.str("mcp_integration_id"));
    let mut all: Vec<Value> = inherited
        .iter()
        .map(|c| {
            let mut item = c.fields.clone();
            let integration_enabled = item.get("enabled").cloned().unwrap_or(json!(true));
            if let Some(mine) = own.iter().find(|o| same(o, c)) {
                item.insert("enabled".into(), mine.fields["enabled"].clone());
                item.insert(
                    "last_updated_at".into(),
                    mine.fields["last_updated_at"].clone(),
                );
            }
            item.insert("integration_enabled".into(), integration_enabled);
            Value::Object(item)
        })
        .collect();
    all.extend(
        own.iter()
            .filter(|o| !inherited.iter().any(|c| same(o, c)))
            .map(|o| {
                let mut item = o.fields.clone();
                item.insert("integration_enabled".into(), Value::Null);
                Value::Object(item)
            }),
    );
    Ok(capability_page(ctx, all))
}

/// `mcp_server_capabilities_update`: sets the server's `enabled` for each `{name, type}`;
/// answers `{success: true}`.
pub fn capabilities_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_server(ctx)?.str("id").to_owned();
    let changes = ctx.input.body.get("capabilities").cloned();
    for change in changes
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        upsert_capability(ctx.stores, CAPABILITIES, &id, change);
    }
    Ok(json!({"success": true}))
}

/// `mcp_server_user_access_list`: one row per organisation user: `enabled` from the user's
/// override (`has_override`), else the server's `default_user_access`; `connection_status`
/// from the connections; `search` in the names or email; paged by `page`.
pub fn user_access_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let server = path_server(ctx)?;
    let id = server.str("id");
    let default = server
        .hidden
        .get("default_user_access")
        .cloned()
        .unwrap_or(json!("allow"));
    let search = query_str(ctx, "search");
    let items: Vec<Value> = ctx
        .stores
        .all(stores::USERS)
        .iter()
        .filter(|u| search.is_none_or(|s| contains(u, &["first_name", "last_name", "email"], s)))
        .map(|u| {
            let user = u.str("id");
            let over = ctx
                .stores
                .all(USER_ACCESS)
                .iter()
                .find(|a| parent(a) == id && a.str("user_id") == user);
            let enabled = over.map_or(json!(default == "allow"), |a| a.fields["enabled"].clone());
            let connected = ctx.stores.all(CONNECTIONS).iter().any(|c| {
                parent(c) == id
                    && c.str("user_id") == user
                    && c.fields.get("connected") != Some(&json!(false))
            });
            json!({
                "user_id": user,
                "first_name": u.fields.get("first_name").cloned().unwrap_or(Value::Null),
                "last_name": u.fields.get("last_name").cloned().unwrap_or(Value::Null),
                "enabled": enabled,
                "has_override": over.is_some(),
                "connection_status": if connected { "connected" } else { "not_connected" },
            })
        })
        .collect();
    let total = items.len();
    let (data, has_more) = by_page(ctx, items);
    Ok(json!({"data": data, "default_user_access": default, "total": total, "has_more": has_more}))
}

/// `mcp_server_user_access_update`: every `user_access[].user_id` must be an organisation
/// user (404 otherwise, nothing changed); each becomes that user's override;
/// `default_user_access` replaces the server's default; answers `{success: true}`.
pub fn user_access_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_server(ctx)?.str("id").to_owned();
    let body = ctx.input.body.clone();
    let changes: Vec<&Value> = body
        .get("user_access")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let mut resolved = Vec::new();
    for change in &changes {
        let key = change
            .get("user_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let user = users::find(ctx.stores, key)
            .ok_or_else(|| ApiError::not_found(format!("User {key:?} not found")))?;
        let enabled = change.get("enabled").cloned().unwrap_or(json!(true));
        resolved.push((user.str("id").to_owned(), enabled));
    }
    for (user, enabled) in resolved {
        let existing = ctx
            .stores
            .all_mut(USER_ACCESS)
            .iter_mut()
            .find(|a| parent(a) == id && a.str("user_id") == user);
        match existing {
            Some(row) => {
                row.fields.insert("enabled".into(), enabled);
                generic::touch(row);
            }
            None => {
                let mut fields = Map::new();
                fields.insert("user_id".into(), json!(user));
                fields.insert("enabled".into(), enabled);
                ctx.stores.push(USER_ACCESS, child(&id, fields));
            }
        }
    }
    if let Some(default) = body.get("default_user_access") {
        if let Some(server) = ctx
            .stores
            .all_mut(SERVERS)
            .iter_mut()
            .find(|s| s.str("id") == id)
        {
            server
                .hidden
                .insert("default_user_access".into(), default.clone());
        }
    }
    Ok(json!({"success": true}))
}

/// `mcp_server_connections_list`: the server's connections, `user_id` by equality, paged by
/// `current_page`/`page_size`; 404 for an unknown server.
pub fn connections_list(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_server(ctx)?.str("id").to_owned();
    let user = query_str(ctx, "user_id").map(str::to_owned);
    let items: Vec<Value> = ctx
        .stores
        .all(CONNECTIONS)
        .iter()
        .filter(|c| parent(c) == id && user.as_deref().is_none_or(|u| c.str("user_id") == u))
        .map(Record::render)
        .collect();
    Ok(by_current_page(ctx, items))
}

/// `mcp_server_connections_delete`: removes the connections of `user_id` (the calling user
/// when absent) to the server; answers `{success: true}`, also when there were none; 404
/// for an unknown server.
pub fn connections_delete(ctx: &mut Ctx<'_>) -> ApiResult {
    let id = path_server(ctx)?.str("id").to_owned();
    let user = query_str(ctx, "user_id").unwrap_or(CALLER_ID).to_owned();
    ctx.stores
        .remove_where(CONNECTIONS, |c| parent(c) == id && c.str("user_id") == user);
    Ok(json!({"success": true}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::request::Input;
    use crate::generated::ROUTES;

    fn route(op: &str) -> &'static crate::schema::Route {
        ROUTES.iter().find(|r| r.op == op).expect(op)
    }

    fn call(stores: &mut Stores, op: &str, server: &str, query: Value) -> Value {
        let mut ctx = Ctx {
            route: route(op),
            stores,
            input: Input {
                path: vec![("mcpServerId", server.to_owned())],
                query: query.as_object().cloned().unwrap_or_default(),
                body: Map::new(),
            },
            sse: None,
        };
        super::super::find(ctx.route.hook.unwrap()).unwrap()(&mut ctx).unwrap()
    }

    /// Connections come from outside the API, so they are put into the store directly.
    #[test]
    fn connections_are_listed_per_user_and_deleted() {
        let mut stores = Stores::default();
        let mut server = Map::new();
        server.insert("id".into(), json!("srv-1"));
        server.insert("slug".into(), json!("srv"));
        stores.push(SERVERS, Record::new(server));
        for user in ["u-1", "u-2"] {
            let mut fields = Map::new();
            fields.insert("user_id".into(), json!(user));
            fields.insert("connected".into(), json!(true));
            stores.push(CONNECTIONS, child("srv-1", fields));
        }
        let all = call(
            &mut stores,
            "mcp_servers.connections.list",
            "srv",
            json!({}),
        );
        assert_eq!(all["total"], 2);
        assert_eq!(all["has_more"], false);
        assert_eq!(all["data"][1]["user_id"], "u-2");
        let one = call(
            &mut stores,
            "mcp_servers.connections.list",
            "srv-1",
            json!({"user_id": "u-1"}),
        );
        assert_eq!(one["total"], 1);
        let paged = call(
            &mut stores,
            "mcp_servers.connections.list",
            "srv-1",
            json!({"page_size": 1}),
        );
        assert_eq!(paged["data"].as_array().unwrap().len(), 1);
        assert_eq!(paged["has_more"], true);

        // A connected user shows as connected in user access.
        let mut user = Map::new();
        user.insert("id".into(), json!("u-2"));
        user.insert("email".into(), json!("u2@example.com"));
        stores.push(stores::USERS, Record::new(user));
        let access = call(
            &mut stores,
            "mcp_servers.user_access.list",
            "srv",
            json!({}),
        );
        assert_eq!(access["data"][0]["connection_status"], "connected");
        assert_eq!(access["data"][0]["enabled"], true);

        let gone = call(
            &mut stores,
            "mcp_servers.connections.delete",
            "srv",
            json!({"user_id": "u-1"}),
        );
        assert_eq!(gone, json!({"success": true}));
        let left = call(
            &mut stores,
            "mcp_servers.connections.list",
            "srv",
            json!({}),
        );
        assert_eq!(left["total"], 1);
        assert_eq!(left["data"][0]["user_id"], "u-2");
        call(
            &mut stores,
            "mcp_servers.connections.delete",
            "srv",
            json!({"user_id": "u-2"}),
        );
        let access = call(
            &mut stores,
            "mcp_servers.user_access.list",
            "srv",
            json!({}),
        );
        assert_eq!(access["data"][0]["connection_status"], "not_connected");

        purge(&mut stores, "srv-1");
        assert!(stores.all(CONNECTIONS).is_empty());
    }
}
