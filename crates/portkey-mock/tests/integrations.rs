//! Integrations, providers, secret references and model pricing: masked credentials, the
//! models and workspaces an integration allows, providers tied to an existing integration,
//! and the built-in price list.

mod common;

use common::{api, start};
use portkey_mock::MockHandle;
use serde_json::{json, Value};

fn ok(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> Value {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        200,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn status(mock: &MockHandle, method: &str, target: &str, body: Option<Value>) -> u16 {
    api(mock, method, target, body).status
}

fn integration(mock: &MockHandle, body: Value) -> String {
    let created = ok(mock, "POST", "/v1/integrations", Some(body));
    assert!(created["id"].is_string(), "{created}");
    created["slug"].as_str().unwrap().to_owned()
}

fn workspace(mock: &MockHandle, name: &str) -> String {
    let created = ok(
        mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({ "name": name })),
    );
    created["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_integration_shows_its_key_and_secrets_only_masked() {
    let mock = start();
    let slug = integration(
        &mock,
        json!({
            "name": "Production Bedrock", "ai_provider_id": "bedrock", "key": "sk-very-secret-1234",
            "description": "prod", "slug": "prod-bedrock",
            "configurations": {"aws_region": "us-east-1", "aws_access_key_id": "AKIA1", "aws_secret_access_key": "abcdefgh"},
        }),
    );
    assert_eq!(slug, "prod-bedrock");
    let got = ok(&mock, "GET", "/v1/integrations/prod-bedrock", None);
    assert_eq!(got["name"], "Production Bedrock");
    assert_eq!(got["ai_provider_id"], "bedrock");
    assert_eq!(got["status"], "active");
    assert_eq!(got["object"], "integration");
    assert_eq!(got["masked_key"], "sk*******34");
    assert_eq!(got["configurations"]["aws_region"], "us-east-1");
    assert_eq!(got["configurations"]["aws_access_key_id"], "AKIA1");
    assert_eq!(
        got["configurations"]["masked_aws_secret_access_key"],
        "ab*******gh"
    );
    let text = got.to_string();
    assert!(
        !text.contains("sk-very-secret-1234") && !text.contains("abcdefgh"),
        "{text}"
    );

    // The slug is taken; a name alone makes a slug with a hex tail.
    let again = json!({"name": "x", "ai_provider_id": "openai", "slug": "prod-bedrock"});
    assert_eq!(status(&mock, "POST", "/v1/integrations", Some(again)), 400);
    let other = integration(
        &mock,
        json!({"name": "Team OpenAI", "ai_provider_id": "openai"}),
    );
    assert!(other.starts_with("team-openai-"), "{other}");

    // Update: a new key, still masked.
    let change = json!({"key": "new-secret-9876", "description": "changed"});
    assert_eq!(
        ok(&mock, "PUT", "/v1/integrations/prod-bedrock", Some(change)),
        json!({})
    );
    let got = ok(&mock, "GET", "/v1/integrations/prod-bedrock", None);
    assert_eq!(
        (got["masked_key"].clone(), got["description"].clone()),
        (json!("ne*******76"), json!("changed"))
    );
    assert!(!got.to_string().contains("new-secret-9876"));

    let bad = json!({"secret_mappings": [{"target_field": "model_config.x", "secret_reference_id": "r"}]});
    assert_eq!(
        status(&mock, "PUT", "/v1/integrations/prod-bedrock", Some(bad)),
        400
    );
    assert_eq!(status(&mock, "GET", "/v1/integrations/nope", None), 404);
}

#[test]
fn lists_filter_by_scope_and_workspace() {
    let mock = start();
    let ws = workspace(&mock, "Team");
    integration(
        &mock,
        json!({"name": "Org", "ai_provider_id": "openai", "key": "sk-org-0000"}),
    );
    integration(
        &mock,
        json!({"name": "Scoped", "ai_provider_id": "openai", "workspace_id": ws, "create_default_provider": false}),
    );
    let all = ok(&mock, "GET", "/v1/integrations", None);
    assert_eq!(all["total"], 2);
    assert!(
        all["data"][0].get("masked_key").is_none(),
        "list items show the list fields"
    );
    let names = |q: &str| -> Vec<Value> {
        ok(&mock, "GET", &format!("/v1/integrations?{q}"), None)["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].clone())
            .collect()
    };
    assert_eq!(names("type=workspace"), vec![json!("Scoped")]);
    assert_eq!(names("type=organisation"), vec![json!("Org")]);
    assert_eq!(
        names("type=all&page_size=1&current_page=1"),
        vec![json!("Scoped")]
    );
    assert_eq!(names(&format!("workspace_id={ws}")), vec![json!("Scoped")]);
}

#[test]
fn models_follow_updates_and_only_custom_ones_can_be_deleted() {
    let mock = start();
    let slug = integration(&mock, json!({"name": "OpenAI", "ai_provider_id": "openai"}));
    let target = format!("/v1/integrations/{slug}/models");
    let models = ok(&mock, "GET", &target, None);
    assert_eq!(
        models["total"], 3,
        "the provider's models in the price list: {models}"
    );
    assert_eq!(models["models"][0]["slug"], "gpt-4o");
    assert_eq!(models["models"][0]["enabled"], true);

    let change = json!({"allow_all_models": false, "models": [
        {"slug": "gpt-4o", "enabled": false},
        {"slug": "my-ft", "enabled": true, "is_custom": true, "base_model_slug": "gpt-4o-mini"},
    ]});
    assert_eq!(ok(&mock, "PUT", &target, Some(change)), json!({}));
    let models = ok(&mock, "GET", &target, None);
    assert_eq!(models["total"], 4);
    assert_eq!(models["models"][0]["enabled"], false);
    assert_eq!(models["models"][3]["slug"], "my-ft");
    assert_eq!(models["models"][3]["base_model_slug"], "gpt-4o-mini");
    let got = ok(&mock, "GET", &format!("/v1/integrations/{slug}"), None);
    assert_eq!(got["allow_all_models"], false);

    // Unknown non-custom model, missing enabled: refused, nothing changed.
    let unknown = json!({"models": [{"slug": "gpt-4.1", "enabled": false}, {"slug": "nope", "enabled": true}]});
    assert_eq!(status(&mock, "PUT", &target, Some(unknown)), 400);
    let no_enabled = json!({"models": [{"slug": "gpt-4.1"}]});
    assert_eq!(status(&mock, "PUT", &target, Some(no_enabled)), 400);
    assert_eq!(
        ok(&mock, "GET", &target, None)["models"][2]["enabled"],
        true
    );

    // Delete: catalogue models are refused, custom ones go.
    assert_eq!(
        status(
            &mock,
            "DELETE",
            &format!("{target}?slugs=my-ft,gpt-4o"),
            None
        ),
        400
    );
    assert_eq!(
        ok(&mock, "DELETE", &format!("{target}?slugs=my-ft"), None),
        json!({})
    );
    let models = ok(&mock, "GET", &target, None);
    assert_eq!(models["total"], 3);
    assert_eq!(
        status(&mock, "GET", "/v1/integrations/nope/models", None),
        404
    );
}

#[test]
fn workspace_grants_follow_updates_and_bring_default_providers() {
    let mock = start();
    let ws = workspace(&mock, "Team");
    let slug = integration(&mock, json!({"name": "OpenAI", "ai_provider_id": "openai"}));
    let target = format!("/v1/integrations/{slug}/workspaces");
    assert_eq!(
        ok(&mock, "GET", &target, None),
        json!({"total": 0, "workspaces": []})
    );

    let unknown = json!({"workspaces": [{"id": "ws-nope", "enabled": true}]});
    assert_eq!(status(&mock, "PUT", &target, Some(unknown)), 404);

    let grant = json!({"workspaces": [{"id": ws, "enabled": true,
        "usage_limits": [{"credit_limit": 5, "periodic_reset": "monthly"}]}],
        "global_workspace_access": {"enabled": false}});
    assert_eq!(ok(&mock, "PUT", &target, Some(grant)), json!({}));
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["total"], 1);
    assert_eq!(list["workspaces"][0]["id"], ws.as_str());
    assert_eq!(list["workspaces"][0]["usage_limits"][0]["credit_limit"], 5);
    let got = ok(&mock, "GET", &format!("/v1/integrations/{slug}"), None);
    assert_eq!(got["workspace_count"], 1);
    assert_eq!(got["global_workspace_access_settings"]["enabled"], false);

    // The newly enabled workspace got a default provider with the integration's slug.
    let providers = ok(
        &mock,
        "GET",
        &format!("/v1/providers?workspace_id={ws}"),
        None,
    );
    assert_eq!(providers["total"], 1);
    assert_eq!(providers["data"][0]["slug"], slug.as_str());
    assert_eq!(providers["data"][0]["integration_id"], slug.as_str());

    // Withdrawing keeps the limits; override drops grants not listed.
    let off = json!({"workspaces": [{"id": ws, "enabled": false}]});
    ok(&mock, "PUT", &target, Some(off));
    let list = ok(&mock, "GET", &target, None);
    assert_eq!(list["workspaces"][0]["enabled"], false);
    assert_eq!(list["workspaces"][0]["usage_limits"][0]["credit_limit"], 5);
    ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"override_existing_workspace_access": true, "workspaces": []})),
    );
    assert_eq!(ok(&mock, "GET", &target, None)["total"], 0);
}

#[test]
fn a_workspace_scoped_integration_gets_a_default_provider_unless_told_not_to() {
    let mock = start();
    let ws = workspace(&mock, "Team");
    integration(
        &mock,
        json!({"name": "A", "ai_provider_id": "openai", "workspace_id": ws, "default_provider_slug": "team-openai"}),
    );
    let got = ok(&mock, "GET", "/v1/providers/team-openai", None);
    assert_eq!(got["workspace_id"], ws.as_str());
    // The same default slug in the same workspace is refused, and nothing is created.
    let clash = json!({"name": "B", "ai_provider_id": "openai", "workspace_id": ws, "default_provider_slug": "team-openai"});
    assert_eq!(status(&mock, "POST", "/v1/integrations", Some(clash)), 400);
    assert_eq!(ok(&mock, "GET", "/v1/integrations", None)["total"], 1);
    integration(
        &mock,
        json!({"name": "C", "ai_provider_id": "openai", "workspace_id": ws, "create_default_provider": false}),
    );
    assert_eq!(ok(&mock, "GET", "/v1/providers", None)["total"], 1);
}

#[test]
fn providers_need_an_existing_integration_and_go_with_it() {
    let mock = start();
    let body = json!({"name": "P", "integration_id": "nope"});
    assert_eq!(status(&mock, "POST", "/v1/providers", Some(body)), 404);

    let slug = integration(
        &mock,
        json!({"name": "OpenAI", "ai_provider_id": "openai", "key": "sk-abc-123"}),
    );
    let created = ok(
        &mock,
        "POST",
        "/v1/providers",
        Some(json!({
            "name": "My first provider", "integration_id": slug, "note": "n",
            "usage_limits": {"credit_limit": 10, "periodic_reset": "monthly"},
            "rate_limits": {"type": "requests", "unit": "rpm", "value": 10},
        })),
    );
    let provider = created["slug"].as_str().unwrap().to_owned();
    assert!(provider.starts_with("my-first-provider-"), "{provider}");
    assert!(created["id"].is_string());
    let target = format!("/v1/providers/{provider}");
    let got = ok(&mock, "GET", &format!("{target}?workspace_id=ws-any"), None);
    assert_eq!(got["integration_id"], slug.as_str());
    assert_eq!(got["status"], "active");
    assert_eq!(got["object"], "provider");
    assert_eq!(got["rate_limits"][0]["unit"], "rpm");
    assert!(!got.to_string().contains("sk-abc-123"));

    let named = json!({"name": "Q", "integration_id": slug, "slug": "fixed"});
    assert_eq!(
        ok(&mock, "POST", "/v1/providers", Some(named.clone()))["slug"],
        "fixed"
    );
    assert_eq!(status(&mock, "POST", "/v1/providers", Some(named)), 400);

    let updated = ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"name": "Renamed", "reset_usage": true})),
    );
    assert_eq!(updated["slug"], provider.as_str());
    assert_eq!(ok(&mock, "GET", &target, None)["name"], "Renamed");
    assert_eq!(ok(&mock, "GET", "/v1/providers", None)["total"], 2);

    // Deleting the integration deletes its providers.
    ok(&mock, "DELETE", &format!("/v1/integrations/{slug}"), None);
    assert_eq!(status(&mock, "GET", &target, None), 404);
    assert_eq!(ok(&mock, "GET", "/v1/providers", None)["total"], 0);
}

#[test]
fn secret_references_never_return_the_secret() {
    let mock = start();
    let body = json!({
        "name": "AWS prod key", "manager_type": "aws_sm", "secret_path": "prod/openai",
        "auth_config": {"aws_auth_type": "accessKey", "aws_access_key_id": "AKIAXYZ",
                        "aws_secret_access_key": "topsecretvalue", "aws_region": "us-east-1"},
        "tags": {"env": "prod"},
    });
    let created = ok(&mock, "POST", "/v1/secret-references", Some(body.clone()));
    assert_eq!(created["slug"], "aws-prod-key");
    assert_eq!(created["object"], "secret-reference");
    let id = created["id"].as_str().unwrap().to_owned();
    let got = ok(&mock, "GET", "/v1/secret-references/aws-prod-key", None);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["status"], "ACTIVE");
    assert_eq!(got["allow_all_workspaces"], true);
    assert_eq!(got["secret_path"], "prod/openai");
    assert_eq!(got["auth_config"]["aws_access_key_id"], "AKIAXYZ");
    assert_eq!(got["auth_config"]["aws_secret_access_key"], "to*******ue");
    assert!(!got.to_string().contains("topsecretvalue"));

    // The same name again gets a tail; a wrong auth_config, or both workspace settings, is refused.
    let again = ok(&mock, "POST", "/v1/secret-references", Some(body.clone()));
    assert_ne!(again["slug"], "aws-prod-key");
    let mut wrong = body.clone();
    wrong["auth_config"] = json!({"aws_auth_type": "accessKey"});
    assert_eq!(
        status(&mock, "POST", "/v1/secret-references", Some(wrong)),
        400
    );
    let mut both = body.clone();
    both["allow_all_workspaces"] = json!(true);
    both["allowed_workspaces"] = json!(["ws-nope"]);
    assert_eq!(
        status(&mock, "POST", "/v1/secret-references", Some(both)),
        400
    );

    // Lists: search, manager_type, tags.
    let vault = json!({"name": "Vault", "manager_type": "hashicorp_vault", "secret_path": "kv/x",
        "auth_config": {"vault_auth_type": "token", "vault_addr": "https://v", "vault_token": "hvs.abcdef"}});
    ok(&mock, "POST", "/v1/secret-references", Some(vault));
    let total =
        |q: &str| ok(&mock, "GET", &format!("/v1/secret-references?{q}"), None)["total"].clone();
    assert_eq!(total(""), 3);
    assert_eq!(total("search=aws"), 2);
    assert_eq!(total("manager_type=hashicorp_vault"), 1);
    assert_eq!(total("tags=%7B%22env%22%3A%22prod%22%7D"), 2);
    assert_eq!(
        status(&mock, "GET", "/v1/secret-references?tags=nope", None),
        400
    );
    let page = ok(&mock, "GET", "/v1/secret-references?page_size=1", None);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert!(page["data"][0].get("auth_config").is_none());

    // Update merges auth_config; an empty update is refused.
    let change =
        json!({"auth_config": {"aws_secret_access_key": "rotatedsecret"}, "name": "Renamed"});
    ok(
        &mock,
        "PUT",
        "/v1/secret-references/aws-prod-key",
        Some(change),
    );
    let got = ok(&mock, "GET", &format!("/v1/secret-references/{id}"), None);
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["auth_config"]["aws_access_key_id"], "AKIAXYZ");
    assert_eq!(got["auth_config"]["aws_secret_access_key"], "ro*******et");
    assert_eq!(
        status(
            &mock,
            "PUT",
            "/v1/secret-references/aws-prod-key",
            Some(json!({}))
        ),
        400
    );

    // In use by an integration: delete refused until the mapping goes.
    let slug = integration(
        &mock,
        json!({"name": "Mapped", "ai_provider_id": "openai",
        "secret_mappings": [{"target_field": "key", "secret_reference_id": "aws-prod-key"}]}),
    );
    assert_eq!(
        status(&mock, "DELETE", "/v1/secret-references/aws-prod-key", None),
        400
    );
    ok(&mock, "DELETE", &format!("/v1/integrations/{slug}"), None);
    ok(&mock, "DELETE", "/v1/secret-references/aws-prod-key", None);
    assert_eq!(
        status(&mock, "GET", "/v1/secret-references/aws-prod-key", None),
        404
    );
}

#[test]
fn model_pricing_answers_from_the_built_in_table() {
    // The spec serves prices from the origin (https://api.portkey.ai), not under /v1.
    let mock = start();
    let got = ok(&mock, "GET", "/model-configs/pricing/openai/gpt-4o", None);
    assert_eq!(got["currency"], "USD");
    assert_eq!(got["pay_as_you_go"]["request_token"]["price"], 0.00025);
    assert_eq!(got["pay_as_you_go"]["response_token"]["price"], 0.001);
    assert_eq!(
        got["pay_as_you_go"]["additional_units"]["web_search"]["price"],
        1.0
    );
    assert_eq!(got["calculate"]["response"]["operation"], "multiply");
    let claude = ok(
        &mock,
        "GET",
        "/model-configs/pricing/anthropic/claude-3-5-sonnet-20241022",
        None,
    );
    assert_eq!(
        claude["pay_as_you_go"]["cache_write_input_token"]["price"],
        0.000375
    );
    let unknown = api(&mock, "GET", "/model-configs/pricing/openai/gpt-0", None);
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.message().contains("Model not found"),
        "{}",
        unknown.message()
    );
    assert_eq!(
        status(&mock, "GET", "/model-configs/pricing/nope/gpt-4o", None),
        404
    );
    assert_eq!(
        status(
            &mock,
            "GET",
            "/v1/model-configs/pricing/openai/gpt-4o",
            None
        ),
        404,
        "not under /v1"
    );
    // "Portkey Public API (no auth required)": no API key needed.
    let anonymous = common::send(
        &mock,
        "GET",
        "/model-configs/pricing/openai/gpt-4o",
        &[],
        None,
    )
    .unwrap();
    assert_eq!(anonymous.status, 200);
}
