//! The descriptor of every operation, one file per resource.

pub mod api_keys;
mod shapes;
pub mod virtual_keys;

use crate::operation::Operation;

/// Every operation the client knows, in the order of the docs.
pub static OPERATIONS: &[&Operation] = &[
    &api_keys::CREATE,
    &api_keys::LIST,
    &api_keys::RETRIEVE,
    &api_keys::UPDATE,
    &api_keys::DELETE,
    &api_keys::ROTATE,
    &virtual_keys::CREATE,
    &virtual_keys::LIST,
    &virtual_keys::RETRIEVE,
    &virtual_keys::UPDATE,
    &virtual_keys::DELETE,
];

/// Finds an operation by its dotted name (`api_keys.retrieve`).
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}
