//! Server settings that are not state: how long a client may hold a connection without
//! making progress.

use std::time::Duration;

/// How long a started log export takes to finish (`--export-delay-ms`, see
/// `MockState::with_export_delay`).
pub const DEFAULT_EXPORT_DELAY: Duration = Duration::from_millis(500);

/// Connection limits. Without them a handful of clients that open connections and then
/// trickle or send nothing (slowloris) would hold sockets and tasks forever (defect 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    /// A request head (request line and headers) must be complete within this long of
    /// its first byte, or of connecting for a connection's first request; a request body
    /// within this long of its head. Otherwise the connection is closed without an answer.
    pub header_timeout: Duration,
    /// A keep-alive connection is closed once it has been this long without a request in
    /// progress: after an answer was handed over, nothing (or only a partial head that
    /// was already buffered) arrived. Time spent handling a request, e.g. in a `delay_ms`
    /// fault, does not count.
    pub idle_timeout: Duration,
}

impl ServerOptions {
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            header_timeout: Self::DEFAULT_HEADER_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
        }
    }
}
