//! Rust client for the Portkey control-plane API, and the core behind the `portkey-ai`
//! Python and Node packages.
//!
//! ```no_run
//! # async fn demo() -> portkey::Result<()> {
//! let client = portkey::Client::builder().api_key("pk-...").build()?;
//! let key = client.api_keys().retrieve("f47ac10b-58cc-4372-a567-0e02b2c3d479").await?;
//! println!("{:?} {:?}", key.name, key.status);
//! # Ok(()) }
//! ```

pub mod batches;
mod client;
mod config;
mod error;
pub mod helpers;
pub mod limits;
pub mod models;
pub mod operation;
pub mod ops;
pub mod pagination;
mod pool;
mod proxy;
mod request;
pub mod resources;
mod response;
pub mod retry;
pub mod sse;
pub mod stream;
pub mod transport;
mod validate;

pub use client::{Client, RequestOptions};
pub use config::{
    ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, VERSION,
};
pub use error::{header_lines, Error, Headers, Result, StatusError};
pub use pagination::{Page, Paginator};
pub use request::{prepare, Params, Prepared};
/// The request builders (`CreateApiKey`, `ListAdminUsers`, ...), their enums and the resource
/// handles (`ApiKeys`, `AdminUsers`, ...).
pub use resources::*;
pub use response::{plain_len, RawResponse};
pub use sse::Event;
pub use stream::{EventStream, TypedStream};
