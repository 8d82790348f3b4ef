//! `/api-keys`: organisation and workspace API keys.

use super::shapes::*;
use crate::operation::*;

pub const KEY_TYPES: &[&str] = &["organisation", "workspace"];
pub const KEY_SUB_TYPES: &[&str] = &["user", "service"];

/// Body fields shared by create and update (CreateApiKeyObject / UpdateApiKeyObject).
macro_rules! key_body_fields {
    () => {
        [
            body("description", Shape::String, "What the key is for."),
            body("rate_limits", RATE_LIMITS, "Request or token rate limits."),
            body("usage_limits", USAGE_LIMITS, "Cost or token budget."),
            body(
                "defaults",
                KEY_DEFAULTS,
                "Default metadata and config for requests made with the key.",
            ),
            body(
                "alert_emails",
                EMAILS,
                "Who is told when the budget runs low.",
            ),
            body(
                "expires_at",
                Shape::Nullable(&Shape::DateTime),
                "When the key stops working (RFC 3339).",
            ),
            body(
                "rotation_policy",
                ROTATION_POLICY,
                "Automatic rotation settings.",
            ),
        ]
    };
}

const CREATE_SHARED: [Param; 7] = key_body_fields!();
const UPDATE_SHARED: [Param; 7] = key_body_fields!();

pub const CREATE: Operation = Operation {
    name: "api_keys.create",
    method: Method::Post,
    path: "/api-keys/{type}/{sub-type}",
    params: &[
        Param {
            shape: Shape::Enum(KEY_TYPES),
            ..path("type", "type", "organisation or workspace.")
        },
        Param {
            aliases: &["sub-type"],
            shape: Shape::Enum(KEY_SUB_TYPES),
            ..path("sub_type", "sub-type", "user or service.")
        },
        required_body("name", Shape::String, "Display name of the key."),
        required_body("scopes", STRINGS, "Permissions, e.g. completions.write."),
        body(
            "workspace_id",
            Shape::String,
            "Workspace the key belongs to.",
        ),
        body(
            "user_id",
            Shape::String,
            "Owner; required when sub_type is user.",
        ),
        body(
            "organisation_id",
            Shape::String,
            "Organisation; taken from the calling key when absent.",
        ),
        CREATE_SHARED[0],
        CREATE_SHARED[1],
        CREATE_SHARED[2],
        CREATE_SHARED[3],
        CREATE_SHARED[4],
        CREATE_SHARED[5],
        CREATE_SHARED[6],
    ],
    rules: &[Rule::RequiredWhen {
        param: "user_id",
        when: "sub_type",
        equals: "user",
    }],
    extra_body: true,
    summary: "Create an API key. The answer holds the full secret, shown only this once.",
};

pub const LIST: Operation = Operation {
    name: "api_keys.list",
    method: Method::Get,
    path: "/api-keys",
    params: &[
        query("page_size", PAGE_SIZE, "Keys per page."),
        query("current_page", CURRENT_PAGE, "Zero-based page number."),
        query(
            "workspace_id",
            Shape::String,
            "Only keys of this workspace.",
        ),
    ],
    rules: &[],
    extra_body: false,
    summary: "List API keys, one page at a time, with the total count.",
};

pub const RETRIEVE: Operation = Operation {
    name: "api_keys.retrieve",
    method: Method::Get,
    path: "/api-keys/{id}",
    params: &[path("id", "id", "The key's id.")],
    rules: &[],
    extra_body: false,
    summary: "Retrieve an API key; its secret is shown masked.",
};

pub const UPDATE: Operation = Operation {
    name: "api_keys.update",
    method: Method::Put,
    path: "/api-keys/{id}",
    params: &[
        path("id", "id", "The key's id."),
        body("name", Shape::String, "Display name of the key."),
        body("scopes", STRINGS, "Permissions, e.g. completions.write."),
        body(
            "reset_usage",
            Shape::Boolean,
            "Reset accumulated usage (an exhausted key becomes active).",
        ),
        UPDATE_SHARED[0],
        UPDATE_SHARED[1],
        UPDATE_SHARED[2],
        UPDATE_SHARED[3],
        UPDATE_SHARED[4],
        UPDATE_SHARED[5],
        UPDATE_SHARED[6],
    ],
    rules: &[],
    extra_body: true,
    summary: "Update an API key's name, limits, scopes, defaults, expiry or rotation policy.",
};

pub const DELETE: Operation = Operation {
    name: "api_keys.delete",
    method: Method::Delete,
    path: "/api-keys/{id}",
    params: &[path("id", "id", "The key's id.")],
    rules: &[],
    extra_body: false,
    summary: "Delete an API key.",
};

pub const ROTATE: Operation = Operation {
    name: "api_keys.rotate",
    method: Method::Post,
    path: "/api-keys/{id}/rotate",
    params: &[
        path("id", "id", "The key's id."),
        body(
            "key_transition_period_ms",
            Shape::Integer {
                min: Some(MIN_TRANSITION_MS),
                max: None,
            },
            "How long the previous secret keeps working, in ms (at least 30 minutes).",
        ),
    ],
    rules: &[],
    extra_body: false,
    summary: "Rotate an API key: a new secret, the old one valid for a transition period.",
};
