use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_portkey-mock");

#[test]
fn prints_the_address_first_then_serves() {
    let fixtures =
        std::env::temp_dir().join(format!("portkey-mock-cli-{}.json", std::process::id()));
    std::fs::write(&fixtures, r#"{"virtual_keys": [{"slug": "from-file"}]}"#).unwrap();
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(&fixtures)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        let addr = line
            .trim_end()
            .strip_prefix("listening on http://127.0.0.1:")
            .map(|port| format!("127.0.0.1:{port}"))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET /v1/virtual-keys/from-file HTTP/1.1\r\nhost: x\r\nx-portkey-api-key: k\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("\"slug\":\"from-file\""), "{response}");
    });
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&fixtures).unwrap();
    result.unwrap();
}

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("usage: portkey-mock"));
    for args in [
        &["--port", "http"][..],
        &["--port"][..],
        &["--verbose"][..],
        &["--port=99999"][..],
        &["--header-timeout-ms", "0"][..],
        &["--header-timeout-ms=-5"][..],
        &["--idle-timeout-ms", "soon"][..],
        &["--idle-timeout-ms"][..],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("portkey-mock:"),
            "{args:?}"
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn bad_fixtures_exit_1() {
    let missing = Command::new(BIN)
        .args(["--port", "0", "--fixtures", "/nonexistent/fixtures.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read fixtures file"));
    let bad = std::env::temp_dir().join(format!("portkey-mock-bad-{}.json", std::process::id()));
    std::fs::write(&bad, r#"{"api_keys": [{"name": "no id"}]}"#).unwrap();
    let output = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(&bad)
        .output()
        .unwrap();
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("\"id\" must be a non-empty string"));
}

#[test]
fn timeout_flags_apply() {
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--header-timeout-ms",
            "200",
            "--idle-timeout-ms=300",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        let addr = line
            .trim_end()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        // A connection that never sends a request is closed after the header timeout.
        let mut silent = TcpStream::connect(&addr).unwrap();
        silent
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let started = Instant::now();
        let mut buf = Vec::new();
        let _ = silent.read_to_end(&mut buf);
        let taken = started.elapsed();
        assert!(
            buf.is_empty() && taken >= Duration::from_millis(150) && taken < Duration::from_secs(3),
            "closed after {taken:?} with {buf:?}"
        );
        // A keep-alive connection is closed after the idle timeout, once answered.
        let mut idle = TcpStream::connect(&addr).unwrap();
        idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            idle,
            "GET /v1/api-keys HTTP/1.1\r\nhost: x\r\nx-portkey-api-key: k\r\n\r\n"
        )
        .unwrap();
        let started = Instant::now();
        let mut response = String::new();
        let _ = idle.read_to_string(&mut response);
        let taken = started.elapsed();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            taken >= Duration::from_millis(250) && taken < Duration::from_secs(3),
            "closed after {taken:?}"
        );
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}
