//! Typed Rust methods, one file per resource. Each builds parameters and goes through
//! `Client::call` with the resource's descriptor, so validation and the wire format are the
//! ones every language gets.

pub mod api_keys;
pub mod virtual_keys;

/// Builder setters for optional request fields.
macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                self.$field = Some(value.into());
                self
            }
        )*
    };
}

pub(crate) use setters;

/// Adds a path parameter to a request struct's parameters.
pub(crate) fn with_id(
    mut params: crate::request::Params,
    name: &str,
    id: &str,
) -> crate::request::Params {
    params.insert(name.to_owned(), serde_json::Value::String(id.to_owned()));
    params
}
