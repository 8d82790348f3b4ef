//! Client configuration: argument > environment > default, resolved once when the client is
//! built. There is no silent fallback to another host.

use std::sync::Arc;
use std::time::Duration;

use crate::client::{Client, Inner};
use crate::error::{Error, Result};
use crate::limits;
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

    /// Per-attempt timeout for every call (a call can lower or raise it). Positive and at most
    /// `limits::MAX_TIMEOUT` (one day), checked by `build`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt, at most `limits::MAX_RETRIES`, checked by `build`.
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

    /// Resolves the configuration. Fails, before anything is sent, with `Error::Config` when
    /// no API key is given nor set in `PORTKEY_API_KEY`, and with `Error::InvalidParam` naming
    /// the setting when the base URL is not a plain http(s) URL (`base_url`, see
    /// `check_base_url`), the timeout is not in (0, one day] (`timeout`), the retries exceed
    /// `limits::MAX_RETRIES` (`max_retries`) or the API key cannot be sent in a header
    /// (`api_key`).
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
        let timeout = limits::check_timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT), "timeout")?;
        let max_retries = limits::check_max_retries(
            self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            "max_retries",
        )?;
        let headers = default_headers(&api_key, &user_agent(self.language.as_deref()))?;
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
        Ok(Client::from_inner(Inner {
            origin_url: origin_of(&base_url).to_owned(),
            base_url,
            headers,
            timeout,
            max_retries,
            transport,
        }))
    }
}

/// The base URL without its final `/v1` segment (`https://api.portkey.ai/v1` ->
/// `https://api.portkey.ai`); a base URL that does not end in `/v1` is its own origin.
fn origin_of(base_url: &str) -> &str {
    base_url.strip_suffix("/v1").unwrap_or(base_url)
}

fn user_agent(language: Option<&str>) -> String {
    let language = language.unwrap_or("rust");
    format!("portkey-ai/{VERSION} ({language}; rust-core)")
}

fn default_headers(api_key: &str, user_agent: &str) -> Result<HeaderMap> {
    // Never echo the key: the message says what is wrong, not what was given.
    let mut key = HeaderValue::from_str(api_key.trim()).map_err(|_| {
        Error::invalid(
            "api_key",
            "'api_key' contains characters that cannot be sent in a header (control characters or line breaks)",
        )
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

/// The base URL, parsed strictly once, so that every call goes exactly where it says: an
/// `http` or `https` scheme, a host (an IPv6 address in brackets), an optional port from 1 to
/// 65535, an optional path, and nothing else. Credentials (`user:pw@`), a query or a fragment
/// would be dropped or would swallow the request path, and a port out of range would be
/// ignored (the `http` crate keeps `:99999` as text and the connection goes to port 80), so
/// all of them are refused. Surrounding whitespace and trailing `/` are trimmed.
pub(crate) fn check_base_url(url: &str) -> Result<String> {
    let url = url.trim();
    // Trailing `/` go (`.../v1/` is `.../v1`), but not those of the scheme separator.
    let trimmed = match url.find("://") {
        Some(i) => &url[..i + 3 + url[i + 3..].trim_end_matches('/').len()],
        None => url.trim_end_matches('/'),
    };
    // Userinfo is redacted from every message: it may be a password.
    let shown = redact_userinfo(trimmed);
    let bad = |why: &str| {
        Error::invalid(
            "base_url",
            format!("'base_url' {why}, got {shown:?}; expected a URL like {DEFAULT_BASE_URL}"),
        )
    };
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(&format!(
            "must not contain whitespace or control characters (found {c:?})"
        )));
    }
    if !trimmed.is_ascii() {
        // The `http` crate would pass such bytes raw into the request line.
        return Err(bad(
            "must be ASCII (percent-encode other characters; write hosts in punycode)",
        ));
    }
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(bad("must start with http:// or https://"));
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(bad("must start with http:// or https://"));
    }
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(bad("must not contain credentials (user:password@)"));
    }
    if trimmed.contains('?') {
        return Err(bad("must not contain a query ('?')"));
    }
    if trimmed.contains('#') {
        return Err(bad("must not contain a fragment ('#')"));
    }
    let (host, port) = split_host_port(authority).map_err(&bad)?;
    if host.is_empty() {
        return Err(bad("must name a host"));
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
        if !valid {
            return Err(bad(&format!(
                "has port {port:?}, not a number from 1 to 65535"
            )));
        }
    }
    // What is left (host characters, the path) is judged by the parser the transport uses.
    let parsed: hyper::Uri = trimmed
        .parse()
        .map_err(|e| bad(&format!("is not a valid URL ({e})")))?;
    if !matches!(parsed.scheme_str(), Some("http" | "https"))
        || parsed.host().is_none_or(str::is_empty)
        || parsed.port_u16() != port.map(|p| p.parse::<u16>().unwrap_or(0))
    {
        return Err(bad("is not a valid URL"));
    }
    Ok(trimmed.to_owned())
}

/// Splits `host[:port]` / `[v6][:port]`; the port is the text after the colon, unchecked.
fn split_host_port(authority: &str) -> std::result::Result<(&str, Option<&str>), &'static str> {
    if let Some(v6) = authority.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return Err("has an IPv6 address without its closing ']'");
        };
        let after = &v6[close + 1..];
        return match after.strip_prefix(':') {
            Some(port) => Ok((&authority[..close + 2], Some(port))),
            None if after.is_empty() => Ok((&authority[..close + 2], None)),
            None => Err("has text after the IPv6 address"),
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// `scheme://user:pw@host/..` shown as `scheme://***@host/..`. Everything before the last
/// `@` goes, wherever it is: a message is better a little short than showing a password.
fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    match rest.rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
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

    fn invalid_param(result: Result<impl std::fmt::Debug>) -> (String, String) {
        match result.unwrap_err() {
            Error::InvalidParam { param, message } => (param, message),
            other => panic!("expected an invalid parameter, got {other:?}"),
        }
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        for (given, kept) in [
            ("http://127.0.0.1:1/v1/", "http://127.0.0.1:1/v1"),
            (
                "  https://api.portkey.ai/v1//\n",
                "https://api.portkey.ai/v1",
            ),
            ("https://api.portkey.ai", "https://api.portkey.ai"),
            ("http://localhost:65535/v1", "http://localhost:65535/v1"),
            ("http://[::1]:8080/v1", "http://[::1]:8080/v1"),
            ("http://[::1]/v1", "http://[::1]/v1"),
            ("HTTPS://Example.com/v1", "HTTPS://Example.com/v1"),
            ("http://h/a%20b/v1", "http://h/a%20b/v1"),
        ] {
            assert_eq!(check_base_url(given).unwrap(), kept, "{given}");
        }
    }

    #[test]
    fn the_http_crate_alone_would_accept_a_port_out_of_range() {
        // Why the port is checked by hand: the authority keeps `99999` as text, `port_u16`
        // is None, and the connection would go to port 80.
        let uri: hyper::Uri = "http://127.0.0.1:99999/v1".parse().unwrap();
        assert_eq!(uri.port_u16(), None);
        assert_eq!(
            invalid_param(check_base_url("http://127.0.0.1:99999/v1")).0,
            "base_url"
        );
    }

    #[test]
    fn malformed_base_urls_are_refused_by_name_with_the_reason() {
        for (given, reason) in [
            ("http://127.0.0.1:99999/v1", "port"),
            ("http://127.0.0.1:0/v1", "port"),
            ("http://127.0.0.1:65536/v1", "port"),
            ("http://127.0.0.1:/v1", "port"),
            ("http://127.0.0.1:-1/v1", "port"),
            ("http://127.0.0.1:+80/v1", "port"),
            ("http://127.0.0.1:0000080/v1", "port"),
            ("http://host:80:80/v1", "port"),
            ("http://[::1]:99999/v1", "port"),
            ("http://[::1/v1", "IPv6"),
            ("http://[::1]x/v1", "IPv6"),
            ("http://127.0.0.1:1/v1?x=1", "query"),
            ("http://127.0.0.1:1/v1?", "query"),
            ("http://127.0.0.1:1/v1#frag", "fragment"),
            ("http://user:pw@127.0.0.1:1/v1", "credentials"),
            ("http://user@127.0.0.1:1/v1", "credentials"),
            ("ftp://127.0.0.1/v1", "http://"),
            ("127.0.0.1:8080/v1", "http://"),
            ("not a url", "whitespace"),
            ("http://exa mple.com/v1", "whitespace"),
            ("http://example.com/v1\r\nX-Evil: 1", "control"),
            ("http://example.com\t/v1", "whitespace"),
            ("http:///v1", "host"),
            ("http://:8080/v1", "host"),
            ("http://", "host"),
            ("https://", "host"),
            ("http://exa\u{e9}mple.com/v1", "ASCII"),
            ("http://example.com/v\u{e9}", "ASCII"),
            ("http://exa<mple.com/v1", "valid URL"),
        ] {
            let (param, message) = invalid_param(check_base_url(given));
            assert_eq!(param, "base_url", "{given}");
            assert!(message.contains(reason), "{given}: {message}");
            assert!(message.contains("'base_url'"), "{given}: {message}");
        }
    }

    #[test]
    fn credentials_in_a_base_url_are_never_shown() {
        for given in [
            "http://user:hunter2@127.0.0.1:1/v1",
            "http://user:hunter2@127.0.0.1:99999/v1",
            "http://user:hun/ter2@127.0.0.1:1/v1",
            "user:hunter2@127.0.0.1:1/v1",
            "http://user:hunter2@exa mple.com/v1",
        ] {
            let err = ClientBuilder::default()
                .api_key("pk")
                .base_url(given)
                .build_with_env(|_| None)
                .unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(!shown.contains("ter2"), "{shown}");
            assert!(shown.contains("***@"), "{shown}");
        }
    }

    #[test]
    fn build_names_the_setting_that_is_wrong() {
        let builder = || ClientBuilder::default().api_key("pk");
        let build = |b: ClientBuilder| b.build_with_env(|_| None);
        assert_eq!(
            invalid_param(build(builder().base_url("http://h:0"))).0,
            "base_url"
        );
        for timeout in [Duration::ZERO, MAX_TIMEOUT_PLUS, Duration::MAX] {
            assert_eq!(
                invalid_param(build(builder().timeout(timeout))).0,
                "timeout"
            );
        }
        assert_eq!(
            invalid_param(build(builder().max_retries(1001))).0,
            "max_retries"
        );
        assert_eq!(
            invalid_param(build(builder().max_retries(u32::MAX))).0,
            "max_retries"
        );
        let client = build(builder().timeout(limits::MAX_TIMEOUT).max_retries(1000)).unwrap();
        assert_eq!(
            (client.timeout(), client.max_retries()),
            (limits::MAX_TIMEOUT, 1000)
        );
        for key in ["pk\nX-Evil: 1", "p\rk", "pk\u{0}x", "p\u{7f}k"] {
            let (param, message) = invalid_param(build(ClientBuilder::default().api_key(key)));
            assert_eq!(param, "api_key");
            assert!(!message.contains("Evil"), "{message}");
        }
        // Missing stays a configuration error.
        assert!(matches!(
            build(ClientBuilder::default()).unwrap_err(),
            Error::Config { .. }
        ));
    }

    const MAX_TIMEOUT_PLUS: Duration = Duration::from_nanos(86_400_000_000_001);

    #[test]
    fn public_endpoints_live_at_the_base_urls_origin() {
        assert_eq!(
            origin_of("https://api.portkey.ai/v1"),
            "https://api.portkey.ai"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8787/v1"),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            origin_of("https://cp.example.com/portkey/v1"),
            "https://cp.example.com/portkey"
        );
        assert_eq!(
            origin_of("https://cp.example.com/api"),
            "https://cp.example.com/api"
        );
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
