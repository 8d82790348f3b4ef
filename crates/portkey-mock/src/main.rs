//! `portkey-mock [--host H] [--port N] [--fixtures FILE] [--demo-data] [--export-delay-ms MS]
//! [--header-timeout-ms MS] [--idle-timeout-ms MS]`: runs the mock until killed.
//! The first stdout line is `listening on http://HOST:PORT`, which is how wrappers in
//! other languages learn the port when started with `--port 0`.

use portkey_mock::{serve_with, Fixtures, MockState, ServerOptions, DEFAULT_EXPORT_DELAY};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

const USAGE: &str = "\
usage: portkey-mock [--host HOST] [--port PORT] [--fixtures FILE] [--demo-data]
                    [--export-delay-ms MS] [--header-timeout-ms MS] [--idle-timeout-ms MS]

Local imitation of the Portkey control-plane API (API keys, virtual keys, configs,
the admin API and the audit log).

  --host HOST              address to listen on (default 127.0.0.1)
  --port PORT              port to listen on, 0 for any free port (default 8787)
  --fixtures FILE          JSON file of objects to preload: {\"api_keys\": [...],
                           \"virtual_keys\", \"users\", \"workspaces\", \"invites\", \"configs\",
                           \"logs\", \"feedback\", ...}
  --demo-data              preload a week of plausible traffic ending now (logs and
                           feedback for analytics); kept across POST /__mock/reset
  --export-delay-ms MS     how long a started log export takes to finish (default 500)
  --header-timeout-ms MS   close a connection whose request head (or body) takes longer
                           than this to arrive (default 10000)
  --idle-timeout-ms MS     close a keep-alive connection idle for this long (default 30000);
                           POST /__mock/close-idle closes the idle ones at once
  -h, --help               show this help

Prints `listening on http://HOST:PORT` once ready. The mock's own control routes
live under /__mock (see the crate README).
";

struct Args {
    host: String,
    port: u16,
    fixtures: Option<PathBuf>,
    demo_data: bool,
    export_delay: Duration,
    options: ServerOptions,
}

/// `Ok(None)` means help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: "127.0.0.1".into(),
        port: 8787,
        fixtures: None,
        demo_data: false,
        export_delay: DEFAULT_EXPORT_DELAY,
        options: ServerOptions::default(),
    };
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        if arg == "--demo-data" {
            parsed.demo_data = true;
            continue;
        }
        // Both `--port 8080` and `--port=8080`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--host" => parsed.host = value()?,
            "--port" => {
                let raw = value()?;
                parsed.port = raw.parse().map_err(|_| {
                    format!("--port must be a number from 0 to 65535 (got {raw:?})")
                })?;
            }
            "--fixtures" => parsed.fixtures = Some(PathBuf::from(value()?)),
            "--header-timeout-ms" => parsed.options.header_timeout = millis(&name, &value()?)?,
            "--idle-timeout-ms" => parsed.options.idle_timeout = millis(&name, &value()?)?,
            "--export-delay-ms" => {
                let raw = value()?;
                parsed.export_delay = raw.parse().map(Duration::from_millis).map_err(|_| {
                    format!(
                        "--export-delay-ms must be a whole number of milliseconds (got {raw:?})"
                    )
                })?;
            }
            _ => return Err(format!("unknown argument {name:?}")),
        }
    }
    Ok(Some(parsed))
}

/// A timeout flag's value: whole milliseconds, at least 1 (a zero timeout would close
/// every connection before its first request).
fn millis(name: &str, raw: &str) -> Result<Duration, String> {
    match raw.parse::<u64>() {
        Ok(ms) if ms >= 1 => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "{name} must be a whole number of milliseconds, at least 1 (got {raw:?})"
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("portkey-mock: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fixtures = match &args.fixtures {
        Some(path) => Fixtures::load(path),
        None => Ok(Fixtures::default()),
    };
    let fixtures = fixtures.map(|mut f| {
        f.demo_data |= args.demo_data;
        f
    });
    let state = match fixtures.and_then(|f| MockState::new(&f)) {
        Ok(state) => state.with_export_delay(args.export_delay),
        Err(message) => {
            eprintln!("portkey-mock: {message}");
            return ExitCode::from(1);
        }
    };
    let bound = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .and_then(|listener| Ok((listener.local_addr()?, listener)));
    let (addr, listener) = match bound {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!(
                "portkey-mock: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::from(1);
        }
    };
    println!("listening on http://{addr}");
    // Whoever started us is blocked reading this line; make sure it is not buffered.
    let _ = std::io::stdout().flush();
    serve_with(listener, Arc::new(state), args.options).await;
    ExitCode::SUCCESS
}
