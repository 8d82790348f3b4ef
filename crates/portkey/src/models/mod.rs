//! Typed answers, generated from the spec and codegen/overlay (`cargo xtask codegen`). Every
//! field is optional and unknown fields are kept in `extra`, so a response from a newer API
//! never fails to decode; string enums keep values they do not know as `Other(..)`. Every
//! model also converts into a `serde_json::Value`, so it can be passed where a request takes
//! an object.

pub mod enums;

// rustfmt leaves the generated files as the generator wrote them, so `cargo fmt` and
// `cargo xtask codegen --check` can never disagree about their bytes.
#[rustfmt::skip]
mod generated;

pub use generated::*;
