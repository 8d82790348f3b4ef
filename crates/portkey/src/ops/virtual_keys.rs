//! `/virtual-keys`: provider credentials stored by Portkey.

use super::shapes::*;
use crate::operation::*;

/// The spec's provider enum for virtual keys.
pub const PROVIDERS: &[&str] = &[
    "openai",
    "azure-openai",
    "ai21",
    "anthropic",
    "anyscale",
    "bedrock",
    "cohere",
    "deepinfra",
    "fireworks-ai",
    "google",
    "groq",
    "hugging-face",
    "jina",
    "lingyi",
    "mistral-ai",
    "monsterapi",
    "moonshot",
    "nomic",
    "novita-ai",
    "open-ai",
    "openrouter",
    "palm",
    "perplexity-ai",
    "predibase",
    "reka-ai",
    "segmind",
    "stability-ai",
    "together-ai",
    "vertex-ai",
    "workers-ai",
    "zhipu",
];

const NULLABLE_STRING: Shape = Shape::Nullable(&Shape::String);

pub const CREATE: Operation = Operation {
    name: "virtual_keys.create",
    method: Method::Post,
    path: "/virtual-keys",
    params: &[
        body("name", Shape::String, "Display name."),
        body(
            "provider",
            Shape::Enum(PROVIDERS),
            "The AI provider, e.g. openai.",
        ),
        body("key", Shape::String, "The provider's secret."),
        body("note", NULLABLE_STRING, "Free text."),
        Param {
            aliases: &["api_version"],
            ..body("apiVersion", NULLABLE_STRING, "Azure API version.")
        },
        Param {
            aliases: &["resource_name"],
            ..body("resourceName", NULLABLE_STRING, "Azure resource name.")
        },
        Param {
            aliases: &["deployment_name"],
            ..body("deploymentName", NULLABLE_STRING, "Azure deployment name.")
        },
        Param {
            aliases: &["deployment_config"],
            ..body("deploymentConfig", DEPLOYMENT_CONFIG, "Azure deployments.")
        },
        body(
            "workspace_id",
            Shape::String,
            "Workspace; needed with organisation keys.",
        ),
        body("usage_limits", USAGE_LIMITS, "Cost or token budget."),
        body(
            "rate_limits",
            VIRTUAL_KEY_RATE_LIMITS,
            "One request or token rate limit.",
        ),
        body(
            "expires_at",
            Shape::DateTime,
            "When the key stops working (RFC 3339).",
        ),
        body(
            "secret_mappings",
            SECRET_MAPPINGS,
            "Secrets resolved at run time.",
        ),
    ],
    rules: &[],
    extra_body: true,
    summary: "Create a virtual key. The answer holds its slug.",
};

pub const LIST: Operation = Operation {
    name: "virtual_keys.list",
    method: Method::Get,
    path: "/virtual-keys",
    params: &[
        query(
            "current_page",
            CURRENT_PAGE,
            "Zero-based page number (default 0).",
        ),
        query("page_size", PAGE_SIZE, "Keys per page (default 50)."),
        query(
            "workspace_id",
            Shape::String,
            "Only keys of this workspace.",
        ),
    ],
    rules: &[],
    extra_body: false,
    summary: "List virtual keys with the total count.",
};

pub const RETRIEVE: Operation = Operation {
    name: "virtual_keys.retrieve",
    method: Method::Get,
    path: "/virtual-keys/{slug}",
    params: &[path("slug", "slug", "The virtual key's slug.")],
    rules: &[],
    extra_body: false,
    summary: "Retrieve a virtual key.",
};

pub const UPDATE: Operation = Operation {
    name: "virtual_keys.update",
    method: Method::Put,
    path: "/virtual-keys/{slug}",
    params: &[
        path("slug", "slug", "The virtual key's slug."),
        body("name", Shape::String, "Display name."),
        body("key", Shape::String, "The provider's new secret."),
        body("note", NULLABLE_STRING, "Free text."),
        Param {
            aliases: &["deployment_config"],
            ..body("deploymentConfig", DEPLOYMENT_CONFIG, "Azure deployments.")
        },
        body("usage_limits", USAGE_LIMITS, "Cost or token budget."),
        body(
            "secret_mappings",
            SECRET_MAPPINGS,
            "Secrets resolved at run time.",
        ),
    ],
    rules: &[],
    // The official SDKs also send `rate_limits`, which the spec's update body lacks; it
    // passes through unchecked like any other extra field.
    extra_body: true,
    summary: "Update a virtual key.",
};

pub const DELETE: Operation = Operation {
    name: "virtual_keys.delete",
    method: Method::Delete,
    path: "/virtual-keys/{slug}",
    params: &[path("slug", "slug", "The virtual key's slug.")],
    rules: &[],
    extra_body: false,
    summary: "Delete a virtual key.",
};
