//! Operations are data. Each API operation is one `Operation` value: its name, method, path
//! template and parameters with their shapes. The typed Rust methods, the Python and Node
//! surfaces (through `Client::call`) and the spec check all read these values, so adding an
//! operation means adding one descriptor, not touching the bindings. The descriptors
//! themselves are generated (crates/portkey/src/ops/generated, by `cargo xtask codegen`).

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether replaying the request cannot create a second object. POST is the only method
    /// here whose replay could (a second API key), so it is retried only when it provably
    /// never reached the server.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Body,
    /// The whole body (POST /logs takes one log's fields or an array of logs): given, it is
    /// the body, and no `Body` parameter may be given with it (nor are they then required).
    Whole,
}

/// The shape a value must have. A small subset of JSON Schema: what the spec uses for
/// request validation, and no more.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Anything JSON.
    Any,
    String,
    /// A string with an `@` (the spec's `format: email`).
    Email,
    /// An RFC 3339 date-time string.
    DateTime,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// Any JSON number (the spec's `type: number`), within the bounds if given.
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    Enum(&'static [&'static str]),
    Array(&'static Shape),
    /// An object with known fields; unknown fields are passed through (the API grows).
    Object(&'static [Field]),
    /// The value may also be JSON `null`.
    Nullable(&'static Shape),
}

/// A field of an object shape.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub shape: Shape,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// The name the official Python SDK uses (snake_case). Its camelCase form is accepted too.
    pub name: &'static str,
    /// The name on the wire (`sub-type` for a path segment, `apiVersion` in a body).
    pub wire: &'static str,
    /// Other spellings the official SDKs accept for it (`"sub-type"` in the Node SDK).
    pub aliases: &'static [&'static str],
    pub location: Location,
    pub required: bool,
    pub shape: Shape,
    /// One line for the docs of every language.
    pub doc: &'static str,
}

/// A rule that involves more than one parameter.
#[derive(Debug)]
pub enum Rule {
    /// `param` is required when `when` has the value `equals`.
    RequiredWhen {
        param: &'static str,
        when: &'static str,
        equals: &'static str,
    },
    /// When both are given, `min` must not be after `max` (date-times compared as instants,
    /// numbers as numbers); a reversed range names `min`.
    Ordered {
        min: &'static str,
        max: &'static str,
    },
    /// `param` is required unless the whole-body parameter `without` is given (the spec's
    /// required fields of a body that can also be given whole).
    RequiredWithout {
        param: &'static str,
        without: &'static str,
    },
}

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// Dotted Python path under the client, e.g. `api_keys.create`.
    pub name: &'static str,
    pub method: Method,
    /// Path template under the base URL, with `{wire}` placeholders, e.g. `/api-keys/{id}`.
    pub path: &'static str,
    pub params: &'static [Param],
    pub rules: &'static [Rule],
    /// Whether unknown parameters go into the body (the official SDKs' `**kwargs`); when
    /// false an unknown parameter is an error, so a typo is caught before anything is sent.
    pub extra_body: bool,
    pub summary: &'static str,
    /// Where `path` starts: under the base URL, or at its origin.
    pub base: Base,
    /// The boolean parameter that, when true, makes the answer server-sent events
    /// (`Client::stream`); `None` for an operation that never streams.
    pub stream: Option<&'static str>,
    /// A composite (helper) operation, implemented once in the core (crate::helpers): `Some`
    /// for `logs.exports.wait`, which polls another operation. Its `method` and `path` are
    /// the polled operation's; its params are the polled operation's plus the helper's own.
    pub helper: Option<&'static Helper>,
}

/// What a helper operation does.
#[derive(Debug)]
pub enum Helper {
    /// Calls `op` (with the helper's params but `poll_interval` and `max_wait`, both seconds)
    /// until the answer's `field` is one of `done` (the answer is the result) or of `failed`
    /// (`Error::JobFailed`, carrying it); `max_wait` passed first is `Error::Timeout`.
    Poll {
        op: &'static Operation,
        field: &'static str,
        done: &'static [&'static str],
        failed: &'static [&'static str],
    },
}

/// Where an operation's path starts. The spec serves the control plane under
/// `https://api.portkey.ai/v1` and a few public endpoints (model pricing) from the origin,
/// `https://api.portkey.ai`; both follow the client's base URL, so a local or self-hosted
/// control plane serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Under the client's base URL (`.../v1`).
    BaseUrl,
    /// Under the base URL without its final `/v1` segment.
    Origin,
}

/// What the body of a successful (2xx) answer must be; anything else is an
/// `APIResponseValidationError`, not a result the caller has to second-guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A JSON object. Every control-plane operation answers one (lists answer
    /// `{"data": [...], "total": n}`).
    Object,
    /// Any JSON value.
    Any,
}

impl Operation {
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// What a 2xx body of this operation must be. Every operation today answers a JSON
    /// object; the code generator will record this per operation from the spec.
    pub const fn answer(&self) -> Answer {
        Answer::Object
    }
}
