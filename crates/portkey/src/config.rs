//! Client configuration: argument > environment > default, resolved once when the client is
//! built. There is no silent fallback to another host.

use std::sync::Arc;
use std::time::Duration;

use crate::client::{Client, Inner};
use crate::error::{Error, Result};
use crate::proxy;
use crate::transport::{HeaderMap, HeaderValue, HyperTransport, Transport};

pub const DEFAULT_BASE_URL: &str = "https://api.portkey.ai/v1";
pub const API_KEY_ENV: &str = "PORTKEY_API_KEY";
pub const BASE_URL_ENV: &str = "PORTKEY_BASE_URL";
/// Bounded by default: a stalled server ends in a timeout error, never a hang.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The SDK version, shown in the User-Agent of every language.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Builds a `Client`. Every setting is optional.
#[derive(Default, Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    language: Option<String>,
    proxy: Option<String>,
    transport: Option<Arc<dyn Transport>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Per-attempt timeout for every call (a call can lower or raise it).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The host language and its version for the User-Agent (`python/3.11.7`); the bindings
    /// set it, Rust users need not.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Sends every call through this proxy (`http://user:pass@host:port`), whatever the
    /// `https_proxy` / `http_proxy` / `no_proxy` variables say. Without it those are used.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Replaces the network (tests script answers through this).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Resolves the configuration. Fails, before anything is sent, when no API key is given
    /// nor set in `PORTKEY_API_KEY`, or when the base URL is not an http(s) URL.
    pub fn build(self) -> Result<Client> {
        self.build_with_env(|name| std::env::var(name).ok())
    }

    /// `build` with the environment passed in, so tests need not change the process's.
    fn build_with_env(self, env: impl Fn(&str) -> Option<String>) -> Result<Client> {
        let api_key = resolve(self.api_key, env(API_KEY_ENV), None).ok_or_else(|| Error::Config {
            message: format!(
                "The API key is missing: pass api_key (apiKey in Node) or set the {API_KEY_ENV} environment variable"
            ),
        })?;
        let base_url = resolve(self.base_url, env(BASE_URL_ENV), Some(DEFAULT_BASE_URL))
            .expect("a default is given");
        let base_url = check_base_url(&base_url)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(
                HyperTransport::new(
                    timeout.min(Duration::from_secs(10)),
                    match &self.proxy {
                        Some(url) => Some(proxy::fixed(url)),
                        None => proxy::from_env(&env),
                    },
                )
                .map_err(|message| Error::Config { message })?,
            ),
        };
        let language = self.language.unwrap_or_else(|| "rust".to_owned());
        let user_agent = format!("portkey-ai/{VERSION} ({language}; rust-core)");
        Ok(Client::from_inner(Inner {
            base_url,
            headers: default_headers(&api_key, &user_agent)?,
            timeout,
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            transport,
        }))
    }
}

fn default_headers(api_key: &str, user_agent: &str) -> Result<HeaderMap> {
    let mut key = HeaderValue::from_str(api_key.trim()).map_err(|_| Error::Config {
        message: "The API key contains characters that cannot be sent in a header".to_owned(),
    })?;
    key.set_sensitive(true);
    let agent = HeaderValue::from_str(user_agent).map_err(|_| Error::Config {
        message: format!("The language tag makes an invalid User-Agent: {user_agent:?}"),
    })?;
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert("x-portkey-api-key", key);
    headers.insert("user-agent", agent);
    headers.insert("accept", HeaderValue::from_static("application/json"));
    Ok(headers)
}

/// Argument > environment > default; empty strings count as absent.
fn resolve(arg: Option<String>, env: Option<String>, default: Option<&str>) -> Option<String> {
    arg.filter(|s| !s.trim().is_empty())
        .or_else(|| env.filter(|s| !s.trim().is_empty()))
        .or_else(|| default.map(str::to_owned))
}

fn check_base_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed: hyper::Uri = trimmed.parse().map_err(|e| Error::Config {
        message: format!("base_url {trimmed:?} is not a URL: {e}"),
    })?;
    if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
        return Err(Error::Config {
            message: format!("base_url {trimmed:?} must start with http:// or https://"),
        });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_beats_environment_beats_default() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(resolve(s("arg"), s("env"), Some("def")), s("arg"));
        assert_eq!(resolve(None, s("env"), Some("def")), s("env"));
        assert_eq!(resolve(s(""), s("env"), Some("def")), s("env"));
        assert_eq!(resolve(None, s(" "), Some("def")), s("def"));
        assert_eq!(resolve(None, None, None), None);
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            check_base_url("http://127.0.0.1:1/v1/").unwrap(),
            "http://127.0.0.1:1/v1"
        );
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn a_missing_api_key_is_a_clear_error() {
        let err = ClientBuilder::default()
            .build_with_env(|_| None)
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(err.to_string().contains("PORTKEY_API_KEY"), "{err}");
    }

    #[test]
    fn environment_fills_what_arguments_leave_out() {
        let env = |name: &str| match name {
            API_KEY_ENV => Some("pk-env".to_owned()),
            BASE_URL_ENV => Some("http://127.0.0.1:1/v1".to_owned()),
            _ => None,
        };
        let client = ClientBuilder::default().build_with_env(env).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1/v1");
        let client = ClientBuilder::default()
            .base_url("http://localhost:2/v1")
            .build_with_env(env)
            .unwrap();
        assert_eq!(client.base_url(), "http://localhost:2/v1");
        let client = ClientBuilder::default()
            .api_key("pk")
            .build_with_env(|_| None)
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let b = ClientBuilder::default().api_key("pk-secret-123");
        assert!(!format!("{b:?}").contains("secret"));
    }
}
