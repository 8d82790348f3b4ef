//! `/prompts`, `/prompts/partials`, `/labels` and `/collections`: versions, publishing,
//! labels, rendering (variables, sections, partials), completions (plain and streamed) and
//! collections that hold prompts.

mod common;

use common::{api, start, Response};
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

fn fails(
    mock: &MockHandle,
    method: &str,
    target: &str,
    body: Option<Value>,
    status: u16,
) -> String {
    let response = api(mock, method, target, body);
    assert_eq!(
        response.status,
        status,
        "{method} {target}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.message()
}

/// A workspace and a collection in it: (workspace id, collection id).
fn workspace_and_collection(mock: &MockHandle) -> (String, String) {
    let ws = ok(
        mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": "Prompts"})),
    );
    let ws = ws["id"].as_str().unwrap().to_owned();
    let c = ok(
        mock,
        "POST",
        "/v1/collections",
        Some(json!({"name": "Support bots", "workspace_id": ws})),
    );
    (ws, c["id"].as_str().unwrap().to_owned())
}

fn create_prompt(mock: &MockHandle, collection: &str, string: &str) -> Value {
    ok(
        mock,
        "POST",
        "/v1/prompts",
        Some(json!({
            "name": "HR bot", "collection_id": collection, "string": string,
            "parameters": {"temperature": 0.2}, "virtual_key": "vk-openai", "model": "gpt-4o",
        })),
    )
}

/// The JSON of every `data:` event of an SSE body (chunked transfer decoded), and whether
/// it ended with `[DONE]`.
fn events(response: &Response) -> (Vec<Value>, bool) {
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let mut body = Vec::new();
    if chunked {
        let mut rest = response.body.as_slice();
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            body.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
    } else {
        body = response.body.clone();
    }
    let text = String::from_utf8(body).unwrap();
    let mut out = Vec::new();
    let mut done = false;
    for line in text.lines() {
        if let Some(data) = line.strip_prefix("data: ") {
            if data == "[DONE]" {
                done = true;
            } else {
                out.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    (out, done)
}

#[test]
fn updates_make_versions_and_publish_picks_the_one_retrieve_shows() {
    let mock = start();
    let (_, collection) = workspace_and_collection(&mock);
    let created = create_prompt(&mock, &collection, "Hello {{name}}");
    assert_eq!(created["object"], "prompt");
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("pp-hr-bot-"), "{slug}");
    let first_version = created["version_id"].as_str().unwrap().to_owned();
    let target = format!("/v1/prompts/{slug}");

    // Without patch, a new version needs string and parameters.
    let message = fails(
        &mock,
        "PUT",
        &target,
        Some(json!({"string": "Hi {{name}}"})),
        400,
    );
    assert!(message.contains("\"parameters\" is required"), "{message}");
    let v2 = ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"string": "Hi {{name}}", "parameters": {"temperature": 0.5}})),
    );
    assert_eq!(v2["slug"], slug.as_str());
    let v2_id = v2["prompt_version_id"].as_str().unwrap().to_owned();
    assert_ne!(v2_id, first_version);
    // With patch, what is not sent comes from the latest version.
    let v3 = ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"patch": true, "model": "gpt-4.1", "version_description": "bigger"})),
    );
    // A rename alone makes no version.
    let renamed = ok(&mock, "PUT", &target, Some(json!({"name": "HR helper"})));
    assert_eq!(renamed["prompt_version_id"], v3["prompt_version_id"]);

    let versions = ok(&mock, "GET", &format!("{target}/versions"), None);
    assert_eq!(versions["total"], 3);
    let numbers: Vec<&Value> = versions["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["prompt_version"])
        .collect();
    assert_eq!(numbers, [&json!(1), &json!(2), &json!(3)]);
    let third = &versions["data"][2];
    assert_eq!(third["prompt_template"]["string"], "Hi {{name}}");
    assert_eq!(third["prompt_template"]["model"], "gpt-4.1");
    assert_eq!(third["prompt_description"], "bigger");

    // Version 1 stays published until publish says otherwise.
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["prompt_version"], 1);
    assert_eq!(got["string"], "Hello {{name}}");
    assert_eq!(got["name"], "HR helper");
    ok(
        &mock,
        "PUT",
        &format!("{target}/makeDefault"),
        Some(json!({"version": 2})),
    );
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["prompt_version"], 2);
    assert_eq!(got["prompt_version_id"], v2_id.as_str());
    assert_eq!(got["string"], "Hi {{name}}");
    assert_eq!(
        ok(&mock, "GET", &format!("{target}@latest"), None)["prompt_version"],
        3
    );
    assert_eq!(
        ok(&mock, "GET", &format!("{target}@1"), None)["prompt_version"],
        1
    );
    let message = fails(
        &mock,
        "PUT",
        &format!("{target}/makeDefault"),
        Some(json!({"version": 9})),
        404,
    );
    assert_eq!(message, "Prompt version not found");

    // One version by id.
    let one = ok(
        &mock,
        "GET",
        &format!("{target}/versions/{first_version}"),
        None,
    );
    assert_eq!(one["prompt_version"], 1);
    fails(
        &mock,
        "GET",
        &format!(
            "{target}/versions/{}",
            "3c90c3cc-0d44-4b50-8888-8dd25736052a"
        ),
        None,
        404,
    );

    // Labels: an existing one only; it marks one version per prompt.
    let label = ok(
        &mock,
        "POST",
        "/v1/labels",
        Some(json!({"name": "production"})),
    );
    let label = label["id"].as_str().unwrap().to_owned();
    let message = fails(
        &mock,
        "PUT",
        &format!("{target}/versions/{first_version}"),
        Some(json!({"label_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"})),
        404,
    );
    assert!(message.starts_with("Label not found"), "{message}");
    ok(
        &mock,
        "PUT",
        &format!("{target}/versions/{first_version}"),
        Some(json!({"label_id": label})),
    );
    ok(
        &mock,
        "PUT",
        &format!("{target}/versions/{v2_id}"),
        Some(json!({"label_id": label})),
    );
    let versions = ok(&mock, "GET", &format!("{target}/versions"), None);
    assert_eq!(versions["data"][0]["label_id"], Value::Null);
    assert_eq!(versions["data"][1]["label_id"], label.as_str());
    let labelled = ok(&mock, "GET", &format!("{target}@production"), None);
    assert_eq!(labelled["prompt_version"], 2);
    assert_eq!(labelled["prompt_version_label_id"], label.as_str());
    // Deleting the label takes it off the version.
    ok(&mock, "DELETE", &format!("/v1/labels/{label}"), None);
    let versions = ok(&mock, "GET", &format!("{target}/versions"), None);
    assert_eq!(versions["data"][1]["label_id"], Value::Null);

    // Deleting the prompt deletes its versions.
    ok(&mock, "DELETE", &target, None);
    assert_eq!(fails(&mock, "GET", &target, None, 404), "Prompt not found");
    fails(&mock, "GET", &format!("{target}/versions"), None, 404);
}

#[test]
fn render_fills_in_variables_sections_and_hyperparameters() {
    let mock = start();
    let (_, collection) = workspace_and_collection(&mock);
    let chat = json!([
        {"role": "system", "content": "You are {{tone}}.{{#vip}} Be extra kind.{{/vip}}"},
        {"role": "user", "content": "Who directed {{movie}}?"}
    ])
    .to_string();
    let slug = create_prompt(&mock, &collection, &chat)["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let render = format!("/v1/prompts/{slug}/render");
    let got = ok(
        &mock,
        "POST",
        &render,
        Some(json!({"variables": {"tone": "helpful", "movie": "Dune 2"}, "max_tokens": 256})),
    );
    assert_eq!(got["success"], true);
    assert_eq!(
        got["data"],
        json!({
            "model": "gpt-4o", "temperature": 0.2, "max_tokens": 256,
            "messages": [
                {"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "Who directed Dune 2?"}
            ]
        })
    );
    // Root hyperparameters win over the grouped ones and the prompt's.
    let got = ok(
        &mock,
        "POST",
        &render,
        Some(json!({
            "variables": {"tone": "terse", "movie": "Alien", "vip": true},
            "hyperparameters": {"temperature": 0.9, "top_p": 0.5}, "temperature": 1.0,
        })),
    );
    assert_eq!(got["data"]["temperature"], 1.0);
    assert_eq!(got["data"]["top_p"], 0.5);
    assert_eq!(
        got["data"]["messages"][0]["content"],
        "You are terse. Be extra kind."
    );

    let message = fails(
        &mock,
        "POST",
        &render,
        Some(json!({"variables": {"tone": "x"}})),
        400,
    );
    assert!(message.starts_with("Missing variable: movie"), "{message}");
    let message = fails(&mock, "POST", &render, Some(json!({})), 400);
    assert!(message.contains("variables"), "{message}");
    fails(
        &mock,
        "POST",
        "/v1/prompts/pp-nothing-000000/render",
        Some(json!({"variables": {}})),
        404,
    );
}

#[test]
fn partials_are_versioned_and_rendered_into_prompts() {
    let mock = start();
    let (_, collection) = workspace_and_collection(&mock);
    let partial = ok(
        &mock,
        "POST",
        "/v1/prompts/partials",
        Some(json!({"name": "House rules", "string": "Answer in {{language}}."})),
    );
    let partial_slug = partial["slug"].as_str().unwrap().to_owned();
    assert!(partial_slug.starts_with("house-rules-"), "{partial_slug}");
    let prompt = create_prompt(
        &mock,
        &collection,
        &format!("{{{{>{partial_slug}}}}} Q: {{{{q}}}}"),
    );
    let render = format!("/v1/prompts/{}/render", prompt["slug"].as_str().unwrap());
    let variables = json!({"variables": {"language": "French", "q": "Why?"}});
    let text = |v: &Value| {
        v["data"]["messages"][0]["content"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        text(&ok(&mock, "POST", &render, Some(variables.clone()))),
        "Answer in French. Q: Why?"
    );

    // A new version of the partial is used once published.
    let target = format!("/v1/prompts/partials/{partial_slug}");
    let updated = ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"string": "Always answer in {{language}}.", "description": "stricter"})),
    );
    assert!(updated["prompt_partial_version_id"].is_string());
    assert_eq!(
        text(&ok(&mock, "POST", &render, Some(variables.clone()))),
        "Answer in French. Q: Why?"
    );
    assert_eq!(ok(&mock, "GET", &target, None)["version"], 1);
    ok(
        &mock,
        "PUT",
        &format!("{target}/makeDefault"),
        Some(json!({"version": 2})),
    );
    assert_eq!(
        text(&ok(&mock, "POST", &render, Some(variables.clone()))),
        "Always answer in French. Q: Why?"
    );
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(got["version"], 2);
    assert_eq!(got["version_description"], "stricter");
    let versions = ok(&mock, "GET", &format!("{target}/versions"), None);
    assert_eq!(versions["total"], 2);
    assert_eq!(versions["data"][1]["version"], "2");
    assert_eq!(
        versions["data"][1]["string"],
        "Always answer in {{language}}."
    );
    let list = ok(&mock, "GET", "/v1/prompts/partials", None);
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["object"], "partial");
    fails(
        &mock,
        "PUT",
        &format!("{target}/makeDefault"),
        Some(json!({"version": 5})),
        404,
    );

    // A partial's variables are required like the prompt's; a deleted partial is a 400.
    let message = fails(
        &mock,
        "POST",
        &render,
        Some(json!({"variables": {"q": "Why?"}})),
        400,
    );
    assert!(
        message.starts_with("Missing variable: language"),
        "{message}"
    );
    ok(&mock, "DELETE", &target, None);
    let message = fails(&mock, "POST", &render, Some(variables), 400);
    assert!(
        message.starts_with(&format!("Unknown partial: {partial_slug}")),
        "{message}"
    );
    fails(&mock, "GET", &format!("{target}/versions"), None, 404);
}

#[test]
fn completions_answer_a_deterministic_message_plain_or_streamed() {
    let mock = start();
    let (_, collection) = workspace_and_collection(&mock);
    let slug = create_prompt(&mock, &collection, "Tell me about {{topic}}")["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let target = format!("/v1/prompts/{slug}/completions");
    let got = ok(
        &mock,
        "POST",
        &target,
        Some(json!({"variables": {"topic": "owls"}})),
    );
    assert_eq!(got["status"], "success");
    assert!(got["headers"].is_object());
    let body = &got["body"];
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(
        body["choices"][0]["message"],
        json!({"role": "assistant", "content": "You said: Tell me about owls"})
    );
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10})
    );
    let again = ok(
        &mock,
        "POST",
        &target,
        Some(json!({"variables": {"topic": "owls"}})),
    );
    assert_eq!(again["body"]["choices"], body["choices"]);

    let response = api(
        &mock,
        "POST",
        &target,
        Some(json!({"variables": {"topic": "owls"}, "stream": true})),
    );
    assert_eq!(response.status, 200);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    let (chunks, done) = events(&response);
    assert!(done, "the stream ends with [DONE]");
    assert!(chunks.len() >= 4, "{chunks:?}");
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk" && c["id"] == chunks[0]["id"]));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "You said: Tell me about owls");
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "stop"
    );

    let message = fails(&mock, "POST", &target, Some(json!({"variables": {}})), 400);
    assert!(message.starts_with("Missing variable: topic"), "{message}");
}

#[test]
fn collections_hold_prompts_and_take_them_along_when_deleted() {
    let mock = start();
    let (ws, collection) = workspace_and_collection(&mock);
    let child = ok(
        &mock,
        "POST",
        "/v1/collections",
        Some(json!({"name": "Drafts", "parent_collection_id": collection})),
    );
    let child = child["id"].as_str().unwrap().to_owned();
    let other = ok(
        &mock,
        "POST",
        "/v1/collections",
        Some(json!({"name": "Other", "workspace_id": ws})),
    );
    let other = other["id"].as_str().unwrap().to_owned();
    fails(
        &mock,
        "POST",
        "/v1/collections",
        Some(json!({"name": "x", "workspace_id": "nope"})),
        404,
    );
    fails(
        &mock,
        "POST",
        "/v1/collections",
        Some(json!({"name": "x", "parent_collection_id": "nope"})),
        404,
    );

    let a = create_prompt(&mock, &collection, "a")["id"].clone();
    create_prompt(&mock, &child, "b");
    let c = create_prompt(&mock, &other, "c")["id"].clone();
    fails(
        &mock,
        "POST",
        "/v1/prompts",
        Some(json!({"name": "x", "collection_id": "nope", "string": "x", "parameters": {}})),
        404,
    );

    let list = ok(
        &mock,
        "GET",
        &format!("/v1/prompts?collection_id={collection}"),
        None,
    );
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["id"], a);
    assert_eq!(list["data"][0]["model"], "gpt-4o");
    assert_eq!(ok(&mock, "GET", "/v1/prompts", None)["total"], 3);
    assert_eq!(
        ok(&mock, "GET", "/v1/prompts?search=HR&page_size=2", None)["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let collections = ok(
        &mock,
        "GET",
        &format!("/v1/collections?workspace_id={ws}"),
        None,
    );
    assert_eq!(collections["total"], 3);
    assert_eq!(
        collections["data"][0]["collection_details"]["prompts_count"],
        1
    );
    assert_eq!(
        collections["data"][0]["collection_details"]["child_collections_count"],
        1
    );
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("/v1/collections?workspace_id={ws}&search=draft"),
            None
        )["total"],
        1
    );
    fails(&mock, "GET", "/v1/collections", None, 400);
    fails(&mock, "GET", "/v1/collections?workspace_id=nope", None, 404);
    let got = ok(&mock, "GET", &format!("/v1/collections/{collection}"), None);
    assert_eq!(got["child_collections"][0]["id"], child.as_str());
    assert_eq!(
        got["child_collections"][0]["collection_details"]["prompts_count"],
        1
    );
    ok(
        &mock,
        "PUT",
        &format!("/v1/collections/{collection}"),
        Some(json!({"name": "Bots"})),
    );
    assert_eq!(
        ok(&mock, "GET", &format!("/v1/collections/{collection}"), None)["name"],
        "Bots"
    );

    // Deleting a collection that holds prompts deletes them, and its children with theirs.
    ok(
        &mock,
        "DELETE",
        &format!("/v1/collections/{collection}"),
        None,
    );
    let left = ok(&mock, "GET", "/v1/prompts", None);
    assert_eq!(left["total"], 1);
    assert_eq!(left["data"][0]["id"], c);
    fails(&mock, "GET", &format!("/v1/collections/{child}"), None, 404);
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("/v1/collections?workspace_id={ws}"),
            None
        )["total"],
        1
    );
}

#[test]
fn labels_check_their_names_and_list_by_workspace() {
    let mock = start();
    let (ws, _) = workspace_and_collection(&mock);
    for bad in ["latest", "default", "42", "has space", "a@b"] {
        let message = fails(&mock, "POST", "/v1/labels", Some(json!({"name": bad})), 400);
        assert!(message.contains("not a valid label name"), "{message}");
    }
    let universal = ok(
        &mock,
        "POST",
        "/v1/labels",
        Some(json!({"name": "staging", "color_code": "#FF5733"})),
    );
    let own = ok(
        &mock,
        "POST",
        "/v1/labels",
        Some(json!({"name": "canary", "workspace_id": ws})),
    );
    let message = fails(
        &mock,
        "POST",
        "/v1/labels",
        Some(json!({"name": "staging"})),
        400,
    );
    assert!(message.contains("already exists"), "{message}");
    let got = ok(
        &mock,
        "GET",
        &format!("/v1/labels/{}", universal["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(got["is_universal"], true);
    assert_eq!(got["color_code"], "#FF5733");
    assert_eq!(got["status"], "active");
    assert!(got["organisation_id"].is_string());
    assert_eq!(ok(&mock, "GET", "/v1/labels", None)["total"], 2);
    assert_eq!(
        ok(&mock, "GET", &format!("/v1/labels?workspace_id={ws}"), None)["total"],
        2
    );
    let other = ok(
        &mock,
        "POST",
        "/v1/admin/workspaces",
        Some(json!({"name": "Other"})),
    );
    let other = other["id"].as_str().unwrap();
    assert_eq!(
        ok(
            &mock,
            "GET",
            &format!("/v1/labels?workspace_id={other}"),
            None
        )["total"],
        1
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/labels?search=CAN", None)["data"][0]["id"],
        own["id"]
    );

    let target = format!("/v1/labels/{}", own["id"].as_str().unwrap());
    fails(&mock, "PUT", &target, Some(json!({"name": "latest"})), 400);
    ok(
        &mock,
        "PUT",
        &target,
        Some(json!({"name": "canary-2", "description": "10% of traffic"})),
    );
    let got = ok(&mock, "GET", &target, None);
    assert_eq!(
        (got["name"].as_str(), got["description"].as_str()),
        (Some("canary-2"), Some("10% of traffic"))
    );
    ok(&mock, "DELETE", &target, None);
    assert_eq!(fails(&mock, "GET", &target, None, 404), "Label not found");
}

#[test]
fn fixtures_preload_collections_labels_partials_and_published_prompts() {
    let fixtures = portkey_mock::Fixtures::from_json(
        &json!({
            "collections": [{"name": "Default", "slug": "default", "is_default": true}],
            "labels": [{"name": "production"}],
            "prompt_partials": [{"slug": "rules", "name": "Rules", "string": "Be {{tone}}."}],
            "prompts": [{
                "slug": "pp-hello-000001", "name": "Hello", "collection_id": "default",
                "string": "{{>rules}} Hi {{name}}", "parameters": {"temperature": 0}, "model": "gpt-4o"
            }],
        })
        .to_string(),
    )
    .unwrap();
    let mock = common::start_with(fixtures);
    let got = ok(&mock, "GET", "/v1/prompts/pp-hello-000001", None);
    assert_eq!(
        (got["prompt_version"].as_u64(), got["name"].as_str()),
        (Some(1), Some("Hello"))
    );
    let rendered = ok(
        &mock,
        "POST",
        "/v1/prompts/pp-hello-000001/render",
        Some(json!({"variables": {"tone": "brief", "name": "Ann"}})),
    );
    assert_eq!(
        rendered["data"]["messages"][0]["content"],
        "Be brief. Hi Ann"
    );
    assert_eq!(
        ok(&mock, "GET", "/v1/labels", None)["data"][0]["is_universal"],
        true
    );
    let message = fails(&mock, "DELETE", "/v1/collections/default", None, 404);
    assert!(message.contains("default collection"), "{message}");

    let bad = portkey_mock::Fixtures::from_json(
        &json!({"prompts": [{"name": "x", "collection_id": "nowhere"}]}).to_string(),
    )
    .unwrap();
    let refused = std::panic::catch_unwind(|| common::start_with(bad)).unwrap_err();
    let text = refused
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        text.contains("prompts[0]: no collection \"nowhere\""),
        "{text}"
    );
}
