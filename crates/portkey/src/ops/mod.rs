//! The descriptor of every operation, one module per resource. The descriptors are generated
//! by `cargo xtask codegen` from the OpenAPI spec and codegen/overlay; only the lookup below is
//! written by hand.

// rustfmt leaves the generated files as the generator wrote them, so `cargo fmt` and
// `cargo xtask codegen --check` can never disagree about their bytes.
#[rustfmt::skip]
mod generated;

pub use generated::*;

use crate::operation::Operation;

/// Finds an operation by its dotted name (`api_keys.retrieve`), helpers (`logs.exports.wait`)
/// included.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .chain(HELPERS)
        .copied()
        .find(|op| op.name == name)
}
