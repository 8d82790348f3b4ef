//! Typed answers. Every field is optional and unknown fields are kept in `extra`, so a
//! response from a newer API never fails to decode.

pub mod api_key;
pub mod common;
pub mod enums;
pub mod virtual_key;

pub use api_key::*;
pub use common::*;
pub use enums::*;
pub use virtual_key::*;
