//! `/policies`: usage-limit policies with their usage per entity, and rate-limit policies.
//!
//! The mock serves no inference and keeps no request logs, so a usage-limit policy's usage
//! is a counter per entity, kept with the policy (never shown but through `entities`,
//! `retrieve?include_usage=true` and `reset`). An entity is one value of the policy's
//! `group_by` keys, named by its value key `{key}:{value}` (`api_key:pk-1`,
//! `metadata.user_id:alice`). Entities come from:
//!
//! - the policy's own `conditions`: a condition whose `key` is also a `group_by` key pins
//!   that entity (`conditions: [{key: api_key, value: pk-1}]`, `group_by: [{key: api_key}]`
//!   tracks `api_key:pk-1`), at create, with usage 0;
//! - fixtures: a `usage_limit_policies` object's `usage` (`{"api_key:pk-1": 12.5}`) preloads
//!   counters (creating those entities).
//!
//! An entity is `exhausted` when its usage reaches the policy's `credit_limit`, else
//! `active`. `reset` (or update's `reset_usage_for_value`) zeroes one; an unknown one is a
//! 404. The spec's `number` fields (`credit_limit`, `alert_threshold`, `value`) reach the
//! mock unchecked by the generated schemas (no number shape yet), so the hooks check them.

use crate::audit::ORGANISATION_ID;
use crate::engine::generic::{self, Ctx};
use crate::engine::store::Record;
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use crate::time;
use serde_json::{json, Map, Value};

const ENTITIES: &str = "entities";

/// Whether `fields[name]` is absent, null (where `nullable`), or a number >= `min`.
fn check_number(
    fields: &Map<String, Value>,
    name: &str,
    min: Option<f64>,
    nullable: bool,
) -> Result<(), ApiError> {
    match fields.get(name) {
        None => Ok(()),
        Some(Value::Null) if nullable => Ok(()),
        Some(value) => {
            let Some(n) = value.as_f64() else {
                return Err(ApiError::bad_request(format!(
                    "\"{name}\" must be a number (got {value})"
                )));
            };
            match min {
                Some(min) if n < min => Err(ApiError::bad_request(format!(
                    "\"{name}\" must be >= {min} (got {n})"
                ))),
                _ => Ok(()),
            }
        }
    }
}

/// `conditions` and `group_by`, when given, hold at least one item (the spec's minItems,
/// which the generated shapes do not carry).
fn check_not_empty(fields: &Map<String, Value>, names: &[&str]) -> Result<(), ApiError> {
    for name in names {
        if fields
            .get(*name)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            return Err(ApiError::bad_request(format!(
                "\"{name}\" must hold at least 1 item"
            )));
        }
    }
    Ok(())
}

/// `alert_threshold` must be less than `credit_limit` (the spec's description).
fn check_threshold(policy: &Map<String, Value>) -> Result<(), ApiError> {
    let limit = policy.get("credit_limit").and_then(Value::as_f64);
    let alert = policy.get("alert_threshold").and_then(Value::as_f64);
    if let (Some(limit), Some(alert)) = (limit, alert) {
        if alert >= limit {
            return Err(ApiError::bad_request(format!(
                "\"alert_threshold\" must be less than \"credit_limit\" (got {alert} >= {limit})"
            )));
        }
    }
    Ok(())
}

fn check_usage_limit_fields(fields: &Map<String, Value>) -> Result<(), ApiError> {
    check_number(fields, "credit_limit", Some(0.0), false)?;
    check_number(fields, "alert_threshold", Some(0.0), true)?;
    check_not_empty(fields, &["conditions", "group_by"])
}

/// The value keys the conditions pin: `{key}:{value}` of each condition on a group_by key.
fn pinned_entities(policy: &Map<String, Value>) -> Vec<String> {
    let keys: Vec<&str> = policy
        .get("group_by")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(|g| g["key"].as_str()).collect())
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for condition in policy
        .get("conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(key), Some(value)) = (condition["key"].as_str(), condition["value"].as_str())
        else {
            continue;
        };
        let value_key = format!("{key}:{value}");
        if keys.contains(&key) && !out.contains(&value_key) {
            out.push(value_key);
        }
    }
    out
}

fn entity(value_key: &str, usage: Value) -> Value {
    json!({ "id": ids::uuid_v4(), "value_key": value_key, "current_usage": usage })
}

/// Fills the fields a stored policy always has; values already present win.
fn with_defaults(mut fields: Map<String, Value>, extra: &[(&str, Value)]) -> Map<String, Value> {
    for (field, value) in extra {
        fields.entry(*field).or_insert_with(|| value.clone());
    }
    fields.entry("status").or_insert_with(|| json!("active"));
    fields
        .entry("organisation_id")
        .or_insert_with(|| json!(ORGANISATION_ID));
    fields.entry("workspace_id").or_insert(Value::Null);
    fields.entry("name").or_insert(Value::Null);
    generic::stamp(&mut fields);
    fields
}

fn usage_limit_defaults(fields: Map<String, Value>) -> Map<String, Value> {
    with_defaults(
        fields,
        &[
            ("alert_threshold", Value::Null),
            ("periodic_reset", Value::Null),
            ("last_reset_at", Value::Null),
        ],
    )
}

/// A `usage_limit_policies` fixture: the policy's fields (an `id` is made if absent) and
/// `usage`: `{value_key: number}`, the preloaded counters, besides the pinned entities.
pub fn usage_limit_from_fixture(mut fields: Map<String, Value>) -> Result<Record, String> {
    let usage = match fields.remove("usage") {
        None => Map::new(),
        Some(Value::Object(usage)) => usage,
        Some(_) => return Err("\"usage\" must be an object of value key -> number".into()),
    };
    let fields = usage_limit_defaults(fields);
    let mut entities: Vec<Value> = pinned_entities(&fields)
        .iter()
        .map(|k| entity(k, json!(0)))
        .collect();
    for (value_key, amount) in usage {
        if !amount.is_number() {
            return Err(format!("usage.{value_key}: must be a number"));
        }
        match entities.iter_mut().find(|e| e["value_key"] == *value_key) {
            Some(found) => found["current_usage"] = amount,
            None => entities.push(entity(&value_key, amount)),
        }
    }
    let mut record = Record::new(fields);
    record
        .hidden
        .insert(ENTITIES.into(), Value::Array(entities));
    Ok(record)
}

fn entities_of(policy: &Record) -> Vec<Value> {
    policy
        .hidden
        .get(ENTITIES)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn entity_status(policy: &Record, entity: &Value) -> &'static str {
    let limit = policy.fields.get("credit_limit").and_then(Value::as_f64);
    let usage = entity["current_usage"].as_f64().unwrap_or(0.0);
    match limit {
        Some(limit) if usage >= limit => "exhausted",
        _ => "active",
    }
}

/// Zeroes the usage of the entity `key` (its id or value key) of `policy`; false if it has
/// no such entity.
fn zero_entity(policy: &mut Record, key: &str) -> bool {
    let Some(entities) = policy
        .hidden
        .get_mut(ENTITIES)
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    let Some(found) = entities
        .iter_mut()
        .find(|e| e["id"] == *key || e["value_key"] == *key)
    else {
        return false;
    };
    found["current_usage"] = json!(0);
    policy
        .fields
        .insert("last_reset_at".into(), json!(time::now()));
    true
}

/// A policy with `status` other than the query's (default `active`) is not found.
fn check_status(ctx: &Ctx<'_>, policy: &Record) -> Result<(), ApiError> {
    let wanted = ctx
        .input
        .query
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("active");
    if policy.str("status") != wanted {
        return Err(generic::not_found(ctx.store()));
    }
    Ok(())
}

/// `usage_limit_policy_create`: checks the numbers and `alert_threshold < credit_limit`,
/// stores the policy with its pinned entities; answers `{id, object: "policy_usage_limits"}`.
pub fn usage_limit_create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    check_usage_limit_fields(&fields)?;
    check_threshold(&fields)?;
    let record = usage_limit_from_fixture(fields).map_err(ApiError::bad_request)?;
    let id = record.str("id").to_owned();
    ctx.stores.push(ctx.store(), record);
    Ok(json!({ "id": id, "object": "policy_usage_limits" }))
}

/// `usage_limit_policy_retrieve`: the policy with `object`; with `include_usage=true`, its
/// `value_key_usage_map`: `{value_key: {current_usage, status, ...}}`.
pub fn usage_limit_retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let policy = ctx.find()?;
    check_status(ctx, policy)?;
    let mut answer = policy.fields.clone();
    answer.insert("object".into(), json!("policy_usage_limits"));
    let include = ctx.input.query.get("include_usage");
    if include == Some(&json!(true)) || include == Some(&json!("true")) {
        let map: Map<String, Value> = entities_of(policy)
            .iter()
            .map(|e| {
                let key = e["value_key"].as_str().unwrap_or_default().to_owned();
                let usage = json!({
                    "current_usage": e["current_usage"],
                    "status": entity_status(policy, e),
                    "is_threshold_alerts_sent": false,
                    "is_exhausted_alerts_sent": false,
                });
                (key, usage)
            })
            .collect();
        answer.insert("value_key_usage_map".into(), Value::Object(map));
    }
    Ok(Value::Object(answer))
}

/// `usage_limit_policy_update`: the generic update, checked like create on the result (a
/// refused change changes nothing); `reset_usage_for_value` zeroes that entity (404 if the
/// policy tracks none such) instead of being stored. Answers `{}`.
pub fn usage_limit_update(ctx: &mut Ctx<'_>) -> ApiResult {
    let mut changes = ctx.input.body.clone();
    let reset = changes.remove("reset_usage_for_value");
    check_usage_limit_fields(&changes)?;
    let policy = ctx.find_mut()?;
    let mut updated = policy.clone();
    updated.fields.extend(changes);
    check_threshold(&updated.fields)?;
    if let Some(reset) = reset {
        let key = reset.as_str().unwrap_or_default();
        if !zero_entity(&mut updated, key) {
            return Err(ApiError::not_found(format!("Entity not found: {key}")));
        }
    }
    generic::touch(&mut updated);
    *policy = updated;
    Ok(json!({}))
}

/// `usage_limit_entities`: the policy's entities `{id, value_key, current_usage}`, in the
/// order they were first tracked; `status` keeps the `active` or `exhausted` ones, `search`
/// those whose value key contains it; paged by `current_page`/`page_size`. 404 for an
/// unknown policy.
pub fn usage_limit_entities(ctx: &mut Ctx<'_>) -> ApiResult {
    let policy = ctx.find()?;
    let query = &ctx.input.query;
    let status = query.get("status").and_then(Value::as_str);
    let search = query.get("search").and_then(Value::as_str);
    let items = entities_of(policy)
        .into_iter()
        .filter(|e| status.is_none_or(|s| entity_status(policy, e) == s))
        .filter(|e| search.is_none_or(|s| e["value_key"].as_str().unwrap_or_default().contains(s)))
        .collect();
    Ok(ctx.page(items))
}

/// `usage_limit_entity_reset`: zeroes one entity's usage (by its id or value key); 404 for
/// an unknown policy or entity. Answers `{}`.
pub fn usage_limit_entity_reset(ctx: &mut Ctx<'_>) -> ApiResult {
    let (store, entity) = (ctx.store(), ctx.key().to_owned());
    let policy_id = ctx.path("policyUsageLimitsId").to_owned();
    let policy = ctx
        .stores
        .all_mut(store)
        .iter_mut()
        .find(|r| r.is(&policy_id))
        .ok_or_else(|| generic::not_found(store))?;
    if !zero_entity(policy, &entity) {
        return Err(ApiError::not_found(format!("Entity not found: {entity}")));
    }
    Ok(json!({}))
}

/// `rate_limit_policy_create`: checks `value` (a number; `conditions`/`group_by` not
/// empty), stores the policy; answers `{id, object: "policy_rate_limits"}`.
pub fn rate_limit_create(ctx: &mut Ctx<'_>) -> ApiResult {
    let fields = ctx.input.body.clone();
    check_number(&fields, "value", None, false)?;
    check_not_empty(&fields, &["conditions", "group_by"])?;
    let record = Record::new(with_defaults(fields, &[]));
    let id = record.str("id").to_owned();
    ctx.stores.push(ctx.store(), record);
    Ok(json!({ "id": id, "object": "policy_rate_limits" }))
}

/// `rate_limit_policy_retrieve`: the policy with `object: "policy_rate_limits"`.
pub fn rate_limit_retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    let policy = ctx.find()?;
    check_status(ctx, policy)?;
    let mut answer = policy.fields.clone();
    answer.insert("object".into(), json!("policy_rate_limits"));
    Ok(Value::Object(answer))
}

/// `rate_limit_policy_update`: the generic update once `value` is a number.
pub fn rate_limit_update(ctx: &mut Ctx<'_>) -> ApiResult {
    check_number(&ctx.input.body, "value", None, false)?;
    generic::serve(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_on_group_by_keys_pin_entities() {
        let policy = json!({
            "conditions": [{"key": "workspace_id", "value": "ws-1"},
                           {"key": "api_key", "value": "pk-1"},
                           {"key": "api_key", "value": "pk-1"},
                           {"key": "api_key", "value": "pk-2"}],
            "group_by": [{"key": "api_key"}]
        });
        assert_eq!(
            pinned_entities(policy.as_object().unwrap()),
            ["api_key:pk-1", "api_key:pk-2"]
        );
    }

    #[test]
    fn fixture_usage_preloads_counters() {
        let fields = json!({"id": "p1", "credit_limit": 10, "group_by": [{"key": "api_key"}],
                            "conditions": [{"key": "api_key", "value": "a"}],
                            "usage": {"api_key:a": 4, "api_key:b": 12}});
        let record = usage_limit_from_fixture(fields.as_object().unwrap().clone()).unwrap();
        let entities = entities_of(&record);
        assert_eq!(entities.len(), 2);
        assert_eq!(entities[0]["current_usage"], 4);
        assert_eq!(entity_status(&record, &entities[1]), "exhausted");
        let bad = json!({"usage": {"api_key:a": "x"}});
        assert!(usage_limit_from_fixture(bad.as_object().unwrap().clone()).is_err());
    }

    #[test]
    fn threshold_below_limit() {
        let ok = json!({"credit_limit": 10, "alert_threshold": 5});
        assert!(check_threshold(ok.as_object().unwrap()).is_ok());
        let bad = json!({"credit_limit": 10, "alert_threshold": 10});
        assert!(check_threshold(bad.as_object().unwrap()).is_err());
    }
}
