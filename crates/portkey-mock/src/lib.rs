//! portkey-mock: a local control plane. It is a real HTTP server that imitates the
//! Portkey REST API for API keys and virtual keys, keeps its state in memory, rejects
//! bad requests the way the real API does, and can inject faults on demand (see the
//! README for the `/__mock` admin routes).
//!
//! Tests in any language start it as a binary (`portkey-mock --port 0`); Rust tests
//! can start one in-process with [`spawn_background`].

mod admin;
mod conn;
mod errors;
mod faults;
mod fixtures;
mod ids;
mod options;
mod resources;
mod router;
mod server;
mod state;
mod time;
mod uri;
mod validate;

pub use fixtures::Fixtures;
pub use options::ServerOptions;
pub use server::{serve, serve_with};
pub use state::MockState;

use std::net::SocketAddr;
use std::sync::Arc;

/// Where a background mock server listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockHandle {
    pub addr: SocketAddr,
}

impl MockHandle {
    /// The API base URL, `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The server root, `http://127.0.0.1:PORT`, under which `/__mock` lives.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts a mock server on a free loopback port, on its own thread with its own tokio
/// runtime, so it works from sync and async tests alike. It is accepting connections
/// when this returns and lives until the process exits.
///
/// # Panics
///
/// If `fixtures` are invalid or no loopback port can be bound: both are test setup
/// errors.
pub fn spawn_background(fixtures: Option<Fixtures>) -> MockHandle {
    spawn_background_with(fixtures, ServerOptions::default())
}

/// [`spawn_background`] with explicit connection limits, e.g. short timeouts for tests
/// of how clients cope with a server closing idle connections.
///
/// # Panics
///
/// As [`spawn_background`].
pub fn spawn_background_with(fixtures: Option<Fixtures>, options: ServerOptions) -> MockHandle {
    let state = MockState::new(&fixtures.unwrap_or_default())
        .unwrap_or_else(|e| panic!("portkey-mock: {e}"));
    // Bind before returning, so callers can connect at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .unwrap_or_else(|e| panic!("portkey-mock: cannot bind a loopback port: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("portkey-mock: bound socket has no address: {e}"));
    std::thread::Builder::new()
        .name(format!("portkey-mock-{}", addr.port()))
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap_or_else(|e| panic!("portkey-mock: cannot start a runtime: {e}"));
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .unwrap_or_else(|e| panic!("portkey-mock: cannot register listener: {e}"));
                serve_with(listener, Arc::new(state), options).await;
            });
        })
        .unwrap_or_else(|e| panic!("portkey-mock: cannot spawn the server thread: {e}"));
    MockHandle { addr }
}
