//! HTTP(S) proxies: `https_proxy`, `http_proxy`, `all_proxy` and `no_proxy` (either case), or
//! one proxy given to the builder. An https URL goes through a CONNECT tunnel, so TLS stays
//! end to end and the proxy never sees the API key; an http URL is sent to the proxy in
//! absolute form, as HTTP proxies expect.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper::Uri;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which proxy, if any, each destination uses. `None` from `from_env` means no proxy variable
/// is set, so the transport skips the per-call matching entirely.
pub(crate) fn from_env(env: impl Fn(&str) -> Option<String>) -> Option<Matcher> {
    let var = |name: &str| {
        env(name)
            .or_else(|| env(&name.to_ascii_uppercase()))
            .filter(|v| !v.trim().is_empty())
    };
    let (all, http, https) = (var("all_proxy"), var("http_proxy"), var("https_proxy"));
    if all.is_none() && http.is_none() && https.is_none() {
        return None;
    }
    let mut builder = Matcher::builder();
    if let Some(url) = all {
        builder = builder.all(url);
    }
    if let Some(url) = http {
        builder = builder.http(url);
    }
    if let Some(url) = https {
        builder = builder.https(url);
    }
    if let Some(list) = var("no_proxy") {
        builder = builder.no(list);
    }
    Some(builder.build())
}

/// One proxy for every destination (the builder's `proxy`).
pub(crate) fn fixed(url: &str) -> Matcher {
    Matcher::builder().all(url.to_owned()).build()
}

/// The TCP connector under TLS: direct, through a CONNECT tunnel, or to an HTTP proxy.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    pub(crate) tcp: HttpConnector,
    pub(crate) matcher: Option<Arc<Matcher>>,
}

impl Service<Uri> for ProxyConnector {
    type Response = ProxiedIo;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<ProxiedIo, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let intercept = self.matcher.as_ref().and_then(|m| m.intercept(&dst));
        // HttpConnector is always ready, so the clones below may be called without polling.
        let mut tcp = self.tcp.clone();
        Box::pin(async move {
            let Some(proxy) = intercept else {
                return Ok(ProxiedIo::direct(tcp.call(dst).await?));
            };
            if dst.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), tcp);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                return Ok(ProxiedIo::direct(tunnel.call(dst).await?));
            }
            let io = tcp.call(proxy.uri().clone()).await?;
            Ok(ProxiedIo {
                io,
                absolute_form: true,
            })
        })
    }
}

/// A connection that tells hyper whether requests on it must use the absolute form.
pub(crate) struct ProxiedIo {
    io: TokioIo<TcpStream>,
    absolute_form: bool,
}

impl ProxiedIo {
    fn direct(io: TokioIo<TcpStream>) -> Self {
        ProxiedIo {
            io,
            absolute_form: false,
        }
    }
}

/// The socket under a connection, TLS or not (see `pool.rs`: an idle connection's socket is
/// asked directly whether the server closed it).
#[cfg(unix)]
pub(crate) fn raw_fd(io: &hyper_rustls::MaybeHttpsStream<ProxiedIo>) -> std::os::fd::RawFd {
    use std::os::fd::AsRawFd;
    let proxied = match io {
        hyper_rustls::MaybeHttpsStream::Http(proxied) => proxied,
        hyper_rustls::MaybeHttpsStream::Https(tls) => tls.inner().get_ref().0.inner(),
    };
    proxied.io.inner().as_raw_fd()
}

impl Connection for ProxiedIo {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.absolute_form)
    }
}

impl Read for ProxiedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl Write for ProxiedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn via(m: &Matcher, url: &'static str) -> Option<String> {
        m.intercept(&Uri::from_static(url))
            .map(|i| i.uri().to_string())
    }

    #[test]
    fn no_variables_means_no_matcher() {
        assert!(from_env(env(&[])).is_none());
        assert!(from_env(env(&[("HTTPS_PROXY", " ")])).is_none());
    }

    #[test]
    fn variables_pick_the_proxy_per_scheme_and_no_proxy_wins() {
        let m = from_env(env(&[
            ("https_proxy", "http://secure.proxy:3128"),
            ("HTTP_PROXY", "http://plain.proxy:8080"),
            ("NO_PROXY", "localhost,127.0.0.1,.internal"),
        ]))
        .unwrap();
        assert_eq!(
            via(&m, "https://api.portkey.ai/v1").as_deref(),
            Some("http://secure.proxy:3128/")
        );
        assert_eq!(
            via(&m, "http://api.portkey.ai/v1").as_deref(),
            Some("http://plain.proxy:8080/")
        );
        assert_eq!(via(&m, "http://127.0.0.1:8787/v1"), None);
        assert_eq!(via(&m, "https://portkey.internal/v1"), None);
    }
}
