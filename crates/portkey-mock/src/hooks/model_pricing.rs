//! `/model-configs/pricing/{provider}/{model}`: a small built-in price list in the spec's
//! `ModelPricingConfig` shape (USD cents per token or unit); any other pair is a 404.

use crate::engine::generic::Ctx;
use crate::errors::{ApiError, ApiResult};
use serde_json::{json, Value};

/// (provider, model, request token, response token, cache write, cache read, extra units),
/// in USD cents per token: the providers' published per-million prices divided by 10,000.
type Row = (
    &'static str,
    &'static str,
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    &'static [(&'static str, f64)],
);

const PRICES: &[Row] = &[
    (
        "openai",
        "gpt-4o",
        0.00025,
        0.001,
        Some(0.0),
        Some(0.000125),
        &[("web_search", 1.0), ("file_search", 0.25)],
    ),
    (
        "openai",
        "gpt-4o-mini",
        0.000015,
        0.00006,
        Some(0.0),
        Some(0.0000075),
        &[],
    ),
    (
        "openai",
        "gpt-4.1",
        0.0002,
        0.0008,
        Some(0.0),
        Some(0.00005),
        &[],
    ),
    (
        "anthropic",
        "claude-3-5-sonnet-20241022",
        0.0003,
        0.0015,
        Some(0.000375),
        Some(0.00003),
        &[],
    ),
    (
        "anthropic",
        "claude-3-5-haiku-20241022",
        0.00008,
        0.0004,
        Some(0.0001),
        Some(0.000008),
        &[],
    ),
    (
        "google",
        "gemini-2.5-pro",
        0.000125,
        0.001,
        None,
        None,
        &[("thinking_token", 0.001), ("web_search", 3.5)],
    ),
    (
        "mistral-ai",
        "mistral-large-latest",
        0.0002,
        0.0006,
        None,
        None,
        &[],
    ),
];

/// The models of `provider` in the price list, in its order (an integration's catalogue).
pub fn models_of(provider: &str) -> Vec<&'static str> {
    PRICES
        .iter()
        .filter(|row| row.0 == provider)
        .map(|row| row.1)
        .collect()
}

/// A model's pricing configuration, if the list has it.
pub fn pricing(provider: &str, model: &str) -> Option<Value> {
    let (_, _, request, response, write, read, extra) = PRICES
        .iter()
        .find(|row| row.0 == provider && row.1 == model)?;
    let mut rates = json!({
        "request_token": {"price": request},
        "response_token": {"price": response},
    });
    if let Some(price) = write {
        rates["cache_write_input_token"] = json!({ "price": price });
    }
    if let Some(price) = read {
        rates["cache_read_input_token"] = json!({ "price": price });
    }
    if !extra.is_empty() {
        let units: serde_json::Map<String, Value> = extra
            .iter()
            .map(|(unit, price)| ((*unit).to_owned(), json!({ "price": price })))
            .collect();
        rates["additional_units"] = Value::Object(units);
    }
    let times = |tokens: &str, rate: &str| json!({"operation": "multiply", "operands": [{"value": tokens}, {"value": rate}]});
    Some(json!({
        "pay_as_you_go": rates,
        "calculate": {
            "request": {"operation": "sum", "operands": [
                times("input_tokens", "rates.request_token"),
                times("cache_write_tokens", "rates.cache_write_input_token"),
                times("cache_read_tokens", "rates.cache_read_input_token"),
            ]},
            "response": times("output_tokens", "rates.response_token"),
        },
        "currency": "USD",
    }))
}

/// `model_pricing_retrieve`: the table's entry, or 404 `Model not found`.
pub fn retrieve(ctx: &mut Ctx<'_>) -> ApiResult {
    pricing(ctx.path("provider"), ctx.path("model"))
        .ok_or_else(|| ApiError::not_found("Model not found"))
}
