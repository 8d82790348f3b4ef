//! `prompts.render` and `prompts.completions.create`: a prompt version's template filled in
//! with the request's `variables`, locally, and a deterministic completion of it (no model
//! provider, no network).
//!
//! Templates are Mustache, as Portkey's (its docs' "Supported Tags"):
//! - `{{name}}` (also `{{{name}}}` and `{{& name}}`) inserts a variable, never HTML-escaped
//!   (prompts are not HTML); dotted names (`{{user.name}}`) walk objects, `{{.}}` is the
//!   current item inside a section; numbers, booleans and JSON values are inserted as JSON
//!   text, null as nothing. A variable found nowhere is a 400 naming it (the spec is
//!   silent on missing variables).
//! - `{{#name}}..{{/name}}` renders its inside once for a truthy value (with an object as
//!   the context), once per item of a non-empty list, and not at all for false, null, "",
//!   an empty list or a variable not sent (a section is a condition, so absence is "no");
//!   `{{^name}}..{{/name}}` is the opposite.
//! - `{{! comment}}` is dropped.
//! - `{{>partial}}` includes the published version of the prompt partial with that slug (or
//!   id), rendered in the same context; an unknown partial is a 400 naming it, and partials
//!   may nest 10 deep (a cycle is a 400).
//!
//! A template is chat messages when its `string` is a JSON array of `{role, content}`
//! (content a string, or parts whose `text` is rendered); any other string is one `user`
//! message. Render answers the spec's `PromptRenderResponse`: `{success: true, data}`, data
//! being the chat completion request the prompt makes: `model`, the version's `parameters`,
//! the `hyperparameters` object if sent, then the root hyperparameters (root wins), the
//! version's tools/functions/tool_choice when set, and `messages`.

use super::{partials, prompts};
use crate::engine::generic::Ctx;
use crate::engine::store::{Record, Stores};
use crate::errors::{ApiError, ApiResult};
use crate::{ids, time};
use serde_json::{json, Map, Value};

/// How deep partials may include partials.
const MAX_PARTIAL_DEPTH: usize = 10;

/// Body fields of render and completions that are not hyperparameters.
const NOT_HYPERPARAMETERS: &[&str] = &["variables", "stream", "hyperparameters"];

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Var(String),
    Section {
        name: String,
        inverted: bool,
        children: Vec<Node>,
    },
    Partial(String),
}

fn template_error(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(format!("Invalid prompt template: {}", message.into()))
}

/// Parses a Mustache template into a tree.
fn parse(template: &str) -> Result<Vec<Node>, ApiError> {
    // (section name, inverted, the nodes before it)
    let mut open: Vec<(String, bool, Vec<Node>)> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            nodes.push(Node::Text(rest[..start].to_owned()));
        }
        let after = &rest[start + 2..];
        let (tag, tail) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner
                .find("}}}")
                .ok_or_else(|| template_error("a {{{ tag is not closed"))?;
            (format!("&{}", &inner[..end]), &inner[end + 3..])
        } else {
            let end = after
                .find("}}")
                .ok_or_else(|| template_error("a {{ tag is not closed"))?;
            (after[..end].to_owned(), &after[end + 2..])
        };
        rest = tail;
        let tag = tag.trim();
        let (sigil, name) = match tag.chars().next() {
            Some(c @ ('#' | '^' | '/' | '!' | '>' | '&')) => (Some(c), tag[1..].trim()),
            _ => (None, tag),
        };
        match sigil {
            Some('!') => {}
            Some('#' | '^') => {
                open.push((
                    name.to_owned(),
                    sigil == Some('^'),
                    std::mem::take(&mut nodes),
                ));
            }
            Some('/') => {
                let (opened, inverted, before) = open
                    .pop()
                    .ok_or_else(|| template_error(format!("{{{{/{name}}}}} closes no section")))?;
                if opened != name {
                    return Err(template_error(format!(
                        "section {opened} is closed by {{{{/{name}}}}}"
                    )));
                }
                let children = std::mem::replace(&mut nodes, before);
                nodes.push(Node::Section {
                    name: opened,
                    inverted,
                    children,
                });
            }
            Some('>') => nodes.push(Node::Partial(name.to_owned())),
            _ => {
                if name.is_empty() {
                    return Err(template_error("an empty {{}} tag"));
                }
                nodes.push(Node::Var(name.to_owned()));
            }
        }
    }
    if !rest.is_empty() {
        nodes.push(Node::Text(rest.to_owned()));
    }
    if let Some((name, _, _)) = open.last() {
        return Err(template_error(format!("section {name} is not closed")));
    }
    Ok(nodes)
}

/// `name` looked up through the context stack, innermost first; `.` is the innermost.
fn lookup<'v>(stack: &[&'v Value], name: &str) -> Option<&'v Value> {
    if name == "." {
        return stack.last().copied();
    }
    let mut parts = name.split('.');
    let first = parts.next()?;
    let mut value = stack.iter().rev().find_map(|v| v.get(first))?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Fills in templates: variables from the request, partials from the stores.
struct Renderer<'a> {
    stores: &'a Stores,
}

impl Renderer<'_> {
    fn render(&self, template: &str, variables: &Value) -> Result<String, ApiError> {
        let nodes = parse(template)?;
        let mut out = String::new();
        self.nodes(&nodes, &mut vec![variables], &mut out, 0)?;
        Ok(out)
    }

    fn nodes(
        &self,
        nodes: &[Node],
        stack: &mut Vec<&Value>,
        out: &mut String,
        depth: usize,
    ) -> Result<(), ApiError> {
        for node in nodes {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Var(name) => {
                    let value = lookup(stack, name).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "Missing variable: {name} (the template uses it; send it in variables)"
                        ))
                    })?;
                    out.push_str(&text_of(value));
                }
                Node::Section {
                    name,
                    inverted,
                    children,
                } => {
                    let value = lookup(stack, name).filter(|v| truthy(v));
                    match (value, inverted) {
                        (None, true) => self.nodes(children, stack, out, depth)?,
                        (Some(Value::Array(items)), false) => {
                            for item in items {
                                stack.push(item);
                                let done = self.nodes(children, stack, out, depth);
                                stack.pop();
                                done?;
                            }
                        }
                        (Some(value), false) => {
                            stack.push(value);
                            let done = self.nodes(children, stack, out, depth);
                            stack.pop();
                            done?;
                        }
                        _ => {}
                    }
                }
                Node::Partial(name) => {
                    if depth >= MAX_PARTIAL_DEPTH {
                        return Err(template_error(format!(
                            "partials nest more than {MAX_PARTIAL_DEPTH} deep at {{{{>{name}}}}} (a cycle?)"
                        )));
                    }
                    let text = partials::published_string(self.stores, name).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "Unknown partial: {name} (the template includes {{{{>{name}}}}}; no prompt partial has that slug or id)"
                        ))
                    })?;
                    self.nodes(&parse(&text)?, stack, out, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    /// The template as chat messages, each content rendered.
    fn messages(&self, template: &str, variables: &Value) -> Result<Vec<Value>, ApiError> {
        let parsed: Option<Vec<Value>> = serde_json::from_str::<Value>(template)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .filter(|list| {
                !list.is_empty()
                    && list
                        .iter()
                        .all(|m| m.get("role").is_some_and(Value::is_string))
            });
        let Some(list) = parsed else {
            return Ok(vec![
                json!({ "role": "user", "content": self.render(template, variables)? }),
            ]);
        };
        let mut out = Vec::new();
        for message in list {
            let mut message = message.as_object().cloned().unwrap_or_default();
            match message.get("content").cloned() {
                Some(Value::String(text)) => {
                    message.insert("content".into(), json!(self.render(&text, variables)?));
                }
                Some(Value::Array(parts)) => {
                    let mut rendered = Vec::new();
                    for part in parts {
                        let mut part = part.clone();
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            let text = self.render(text, variables)?;
                            part["text"] = json!(text);
                        }
                        rendered.push(part);
                    }
                    message.insert("content".into(), Value::Array(rendered));
                }
                _ => {}
            }
            out.push(Value::Object(message));
        }
        Ok(out)
    }
}

/// The chat completion request a prompt version makes with the request's variables and
/// hyperparameters.
fn request_of(ctx: &Ctx<'_>, version: &Record) -> Result<Map<String, Value>, ApiError> {
    let template = &version.fields["prompt_template"];
    let string = template
        .get("string")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let variables = ctx
        .input
        .body
        .get("variables")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let renderer = Renderer { stores: ctx.stores };
    let messages = renderer.messages(string, &variables)?;
    let mut data = Map::new();
    if let Some(model) = template.get("model").filter(|m| !m.is_null()) {
        data.insert("model".into(), model.clone());
    }
    if let Some(Value::Object(parameters)) = template.get("parameters") {
        data.extend(parameters.clone());
    }
    if let Some(Value::Object(grouped)) = ctx.input.body.get("hyperparameters") {
        data.extend(grouped.clone());
    }
    for (name, value) in &ctx.input.body {
        if !NOT_HYPERPARAMETERS.contains(&name.as_str()) {
            data.insert(name.clone(), value.clone());
        }
    }
    for field in ["tools", "functions", "tool_choice"] {
        match template.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) if list.is_empty() => {}
            Some(value) => {
                data.insert(field.into(), value.clone());
            }
        }
    }
    data.insert("messages".into(), Value::Array(messages));
    Ok(data)
}

/// `prompt_render`: `{success: true, data: <the chat completion request>}`; 404 for an
/// unknown prompt or version, 400 for a missing variable or a broken template.
pub fn render(ctx: &mut Ctx<'_>) -> ApiResult {
    let (_, version) = prompts::resolve(ctx.stores, ctx.path("promptId"))?;
    let data = request_of(ctx, &version)?;
    Ok(json!({ "success": true, "data": data }))
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The text of a message's content (a string, or the `text` of its parts).
fn content_text(message: &Value) -> String {
    match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// The assistant's reply: `You said: ` and the last message's text, so the same prompt
/// and variables always give the same content.
pub fn reply_to(messages: &[Value]) -> String {
    let last = messages.last().map(content_text).unwrap_or_default();
    format!("You said: {last}")
}

/// The pieces a streamed reply is cut into: one word each (with its following space), so
/// every reply of two words or more comes in several chunks.
pub fn pieces(content: &str) -> Vec<&str> {
    content.split_inclusive(' ').collect()
}

/// `prompt_completion`: renders the prompt, then answers the spec's wrapper `{status,
/// headers, body}` with body a `chat.completion` whose one choice is `reply_to(messages)`;
/// with `stream: true`, the same reply as `chat.completion.chunk` events (see `pieces`): a
/// first chunk with the role, one per piece, and a last one with `finish_reason: "stop"`.
pub fn completion(ctx: &mut Ctx<'_>) -> ApiResult {
    let (_, version) = prompts::resolve(ctx.stores, ctx.path("promptId"))?;
    let request = request_of(ctx, &version)?;
    let messages: Vec<Value> = request["messages"].as_array().cloned().unwrap_or_default();
    let content = reply_to(&messages);
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("gpt-4o-mini")
        .to_owned();
    let id = format!("chatcmpl-{}", ids::hex(24));
    let created = time::now_millis().parse::<i64>().map_or(0, |ms| ms / 1000);
    if ctx.input.body.get("stream") == Some(&json!(true)) {
        let chunk = |delta: Value, finish: Value| {
            json!({
                "id": id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish }],
            })
        };
        let mut events = vec![chunk(
            json!({ "role": "assistant", "content": "" }),
            Value::Null,
        )];
        for piece in pieces(&content) {
            events.push(chunk(json!({ "content": piece }), Value::Null));
        }
        events.push(chunk(json!({}), json!("stop")));
        ctx.sse = Some(events);
        return Ok(json!({}));
    }
    let prompt_tokens: usize = messages.iter().map(|m| words(&content_text(m))).sum();
    let completion_tokens = words(&content);
    let body = json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content },
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    });
    Ok(json!({
        "status": "success",
        "headers": { "content-type": "application/json" },
        "body": body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(template: &str, variables: Value) -> Result<String, ApiError> {
        let stores = Stores::default();
        Renderer { stores: &stores }.render(template, &variables)
    }

    #[test]
    fn variables_sections_and_comments() {
        assert_eq!(
            fill(
                "Hi {{name}}, {{{raw}}} {{& raw}} {{n}} {{user.city}}{{! gone}}",
                json!({
                    "name": "Ann", "raw": "<b>", "n": 3, "user": {"city": "Oslo"}
                })
            )
            .unwrap(),
            "Hi Ann, <b> <b> 3 Oslo"
        );
        assert_eq!(
            fill("{{#on}}yes{{/on}}{{^on}}no{{/on}}", json!({"on": false})).unwrap(),
            "no"
        );
        assert_eq!(
            fill("{{#on}}yes{{/on}}{{^on}}no{{/on}}", json!({})).unwrap(),
            "no"
        );
        assert_eq!(
            fill(
                "{{#items}}- {{sub}} {{/items}}",
                json!({"items": [{"sub": "Gold"}, {"sub": "Zinc"}]})
            )
            .unwrap(),
            "- Gold - Zinc "
        );
        assert_eq!(
            fill("{{#xs}}{{.}},{{/xs}}", json!({"xs": [1, 2]})).unwrap(),
            "1,2,"
        );
    }

    #[test]
    fn a_missing_variable_and_a_broken_template_are_400s_naming_them() {
        let e = fill("Hello {{who}}", json!({})).unwrap_err();
        assert_eq!(e.status, hyper::StatusCode::BAD_REQUEST);
        assert!(e.message.contains("Missing variable: who"), "{}", e.message);
        assert!(fill("{{#a}}x", json!({}))
            .unwrap_err()
            .message
            .contains("section a is not closed"));
        assert!(fill("{{#a}}x{{/b}}", json!({}))
            .unwrap_err()
            .message
            .contains("closed by"));
        let e = fill("{{>nowhere}}", json!({})).unwrap_err();
        assert!(
            e.message.contains("Unknown partial: nowhere"),
            "{}",
            e.message
        );
    }

    #[test]
    fn chat_templates_render_each_message() {
        let stores = Stores::default();
        let r = Renderer { stores: &stores };
        let template = r#"[{"role":"system","content":"Be {{tone}}."},{"role":"user","content":[{"type":"text","text":"Hi {{name}}"}]}]"#;
        let messages = r
            .messages(template, &json!({"tone": "brief", "name": "Bo"}))
            .unwrap();
        assert_eq!(
            messages,
            vec![
                json!({"role": "system", "content": "Be brief."}),
                json!({"role": "user", "content": [{"type": "text", "text": "Hi Bo"}]}),
            ]
        );
        let plain = r.messages("Hi {{name}}", &json!({"name": "Bo"})).unwrap();
        assert_eq!(plain, vec![json!({"role": "user", "content": "Hi Bo"})]);
        assert_eq!(reply_to(&plain), "You said: Hi Bo");
        assert_eq!(
            pieces("You said: Hi Bo"),
            vec!["You ", "said: ", "Hi ", "Bo"]
        );
    }
}
