//! Body shapes shared by several operations (the spec's `components/schemas`).

use crate::operation::{field, required_field, Shape};

pub const RATE_LIMIT_TYPES: &[&str] = &["requests", "tokens"];
pub const RATE_LIMIT_UNITS: &[&str] = &["rpd", "rph", "rpm", "rps", "rpw"];

/// `rate_limits` items of CreateApiKeyObject / UpdateApiKeyObject.
pub const RATE_LIMIT: Shape = Shape::Object(&[
    required_field("type", Shape::Enum(RATE_LIMIT_TYPES)),
    required_field("unit", Shape::Enum(RATE_LIMIT_UNITS)),
    required_field(
        "value",
        Shape::Integer {
            min: Some(0),
            max: None,
        },
    ),
]);

pub const RATE_LIMITS: Shape = Shape::Nullable(&Shape::Array(&RATE_LIMIT));

/// The spec's `RateLimits`: the virtual-key create body takes one such object, not a list.
pub const VIRTUAL_KEY_RATE_LIMITS: Shape = Shape::Object(&[
    field("type", Shape::Enum(RATE_LIMIT_TYPES)),
    field("unit", Shape::Enum(&["rpd", "rph", "rpm"])),
    field(
        "value",
        Shape::Integer {
            min: None,
            max: None,
        },
    ),
]);

/// The spec's `UsageLimits`.
pub const USAGE_LIMITS: Shape = Shape::Object(&[
    field(
        "credit_limit",
        Shape::Integer {
            min: Some(1),
            max: None,
        },
    ),
    field("type", Shape::Enum(&["cost", "tokens"])),
    field(
        "alert_threshold",
        Shape::Integer {
            min: Some(1),
            max: None,
        },
    ),
    field(
        "periodic_reset",
        Shape::Nullable(&Shape::Enum(&["monthly", "weekly"])),
    ),
    field(
        "periodic_reset_days",
        Shape::Nullable(&Shape::Integer {
            min: Some(1),
            max: Some(365),
        }),
    ),
    field("next_usage_reset_at", Shape::Nullable(&Shape::DateTime)),
]);

/// `defaults` of an API key.
pub const KEY_DEFAULTS: Shape = Shape::Object(&[
    field("metadata", Shape::Object(&[])),
    field("config_id", Shape::String),
    field("allow_config_override", Shape::Boolean),
]);

/// The minimum transition period the API accepts (30 minutes).
pub const MIN_TRANSITION_MS: i64 = 1_800_000;

pub const ROTATION_POLICY: Shape = Shape::Nullable(&Shape::Object(&[
    field(
        "rotation_period",
        Shape::Nullable(&Shape::Enum(&["weekly", "monthly"])),
    ),
    field("next_rotation_at", Shape::Nullable(&Shape::DateTime)),
    field(
        "key_transition_period_ms",
        Shape::Integer {
            min: Some(MIN_TRANSITION_MS),
            max: None,
        },
    ),
]));

pub const EMAILS: Shape = Shape::Array(&Shape::Email);
pub const STRINGS: Shape = Shape::Array(&Shape::String);

/// The spec's `SecretMapping`.
pub const SECRET_MAPPINGS: Shape = Shape::Array(&Shape::Object(&[
    required_field("target_field", Shape::String),
    required_field("secret_reference_id", Shape::String),
    field("secret_key", Shape::Nullable(&Shape::String)),
    field(
        "value_format",
        Shape::Nullable(&Shape::Enum(&["json", "string"])),
    ),
]));

/// Azure deployments of a virtual key.
pub const DEPLOYMENT_CONFIG: Shape = Shape::Array(&Shape::Object(&[
    required_field("apiVersion", Shape::String),
    required_field("deploymentName", Shape::String),
    field("alias", Shape::String),
    field("is_default", Shape::Boolean),
]));

/// Paging parameters shared by list operations.
pub const PAGE_SIZE: Shape = Shape::Integer {
    min: Some(1),
    max: None,
};
pub const CURRENT_PAGE: Shape = Shape::Integer {
    min: Some(0),
    max: None,
};
