//! Typed Rust methods, generated one module per resource (`cargo xtask codegen`): request
//! builders (`CreateApiKey::new(..).workspace_id(..)`) and resource handles
//! (`client.admin().users()`). Each method builds parameters and goes through `Client::call`
//! with the operation's descriptor, so validation and the wire format are the ones every
//! language gets; each has a `*_with_options` twin taking `RequestOptions`, and a paginated
//! list also has `list_all`, a `Paginator` over every item of every page.

// rustfmt leaves the generated files as the generator wrote them, so `cargo fmt` and
// `cargo xtask codegen --check` can never disagree about their bytes.
#[rustfmt::skip]
mod generated;

pub use generated::*;
