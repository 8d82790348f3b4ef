mod common;

use common::{admin, api, create_api_key, send, start, start_with, API_KEY};
use portkey_mock::{Fixtures, MockState};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

#[test]
fn urls() {
    let mock = start();
    let port = mock.addr.port();
    assert_eq!(mock.base_url(), format!("http://127.0.0.1:{port}/v1"));
    assert_eq!(mock.root_url(), format!("http://127.0.0.1:{port}"));
}

#[test]
fn requests_without_an_api_key_are_unauthorised() {
    let mock = start();
    for headers in [
        &[][..],
        &[("x-portkey-api-key", "")][..],
        &[("x-portkey-api-key", "  ")][..],
    ] {
        for target in ["/v1/api-keys", "/v1/virtual-keys", "/v1/nothing-here"] {
            let response = send(&mock, "GET", target, headers, None).unwrap();
            assert_eq!(response.status, 401);
            assert_eq!(
                response.json(),
                json!({"success": false, "data": {"message": "Unauthorised Request"}})
            );
        }
    }
}

#[test]
fn every_response_has_json_content_type_and_a_fresh_request_id() {
    let mock = start();
    let responses = [
        api(&mock, "GET", "/v1/api-keys", None),
        api(&mock, "GET", "/v1/api-keys/missing", None),
        send(&mock, "GET", "/v1/api-keys", &[], None).unwrap(),
        send(&mock, "GET", "/__mock/requests", &[], None).unwrap(),
        send(&mock, "GET", "/elsewhere", &[], None).unwrap(),
    ];
    let mut ids = Vec::new();
    for response in &responses {
        assert_eq!(response.header("content-type"), Some("application/json"));
        let id = response
            .header("x-request-id")
            .expect("x-request-id")
            .to_owned();
        assert_eq!(id.len(), 36, "{id}");
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), responses.len());
}

#[test]
fn unknown_routes_404_and_wrong_methods_405() {
    let mock = start();
    for target in [
        "/v1/nothing-here",
        "/v1/admin",
        "/v1",
        "/v1/api-keys/a/b/c/d",
        "/api-keys",
        "/",
    ] {
        let response = api(&mock, "GET", target, None);
        assert_eq!(response.status, 404, "{target}");
        assert!(
            response.message().starts_with("no route for GET"),
            "{target}"
        );
    }
    for (method, target, allow) in [
        ("POST", "/v1/api-keys", "GET"),
        ("PATCH", "/v1/api-keys/some-id", "GET, PUT, DELETE"),
        ("GET", "/v1/api-keys/organisation/service", "POST"),
        ("GET", "/v1/api-keys/some-id/rotate", "POST"),
        ("DELETE", "/v1/virtual-keys", "GET, POST"),
        ("POST", "/v1/virtual-keys/slug", "GET, PUT, DELETE"),
    ] {
        let response = api(&mock, method, target, None);
        assert_eq!(response.status, 405, "{method} {target}");
        assert_eq!(response.header("allow"), Some(allow));
        response.message();
    }
}

#[test]
fn ids_are_decoded_per_segment_and_the_log_keeps_the_raw_path() {
    let mock = start();
    let response = api(&mock, "GET", "/v1/api-keys/..%2Fadmin%2Fusers", None);
    assert_eq!(
        (response.status, response.message()),
        (404, "API key not found".to_owned())
    );
    let response = api(&mock, "GET", "/v1/virtual-keys/a%2Fb", None);
    assert_eq!(
        (response.status, response.message()),
        (404, "Virtual key not found".to_owned())
    );

    let fixtures = Fixtures::from_json(r#"{"virtual_keys": [{"slug": "team/a b"}]}"#).unwrap();
    let mock2 = start_with(fixtures);
    let got = api(&mock2, "GET", "/v1/virtual-keys/team%2Fa%20b", None);
    assert_eq!(
        (got.status, got.json()["slug"].clone()),
        (200, json!("team/a b"))
    );

    let log = admin(&mock, "GET", "/__mock/requests", None);
    assert_eq!(log["count"], 2);
    assert_eq!(
        log["requests"][0]["path"],
        "/v1/api-keys/..%2Fadmin%2Fusers"
    );
    assert_eq!(log["requests"][1]["path"], "/v1/virtual-keys/a%2Fb");
}

#[test]
fn request_log_records_every_api_request_but_not_admin_ones() {
    let mock = start();
    send(
        &mock,
        "GET",
        "/v1/api-keys?page_size=1&workspace_id=ws%201",
        &[
            ("x-portkey-api-key", API_KEY),
            ("user-agent", "portkey-rs/0.1.0"),
        ],
        None,
    )
    .unwrap();
    send(&mock, "POST", "/v1/virtual-keys", &[], Some("{}")).unwrap();
    admin(&mock, "GET", "/__mock/faults", None);
    let log = admin(&mock, "GET", "/__mock/requests", None);
    assert_eq!(log["count"], 2);
    assert_eq!(
        log["requests"][0],
        json!({"method": "GET", "path": "/v1/api-keys", "query": "page_size=1&workspace_id=ws%201",
               "body": null, "user_agent": "portkey-rs/0.1.0", "api_key_present": true,
               "connection": 1})
    );
    assert_eq!(
        log["requests"][1],
        json!({"method": "POST", "path": "/v1/virtual-keys", "query": "", "body": {},
               "user_agent": null, "api_key_present": false, "connection": 2})
    );
    assert_eq!(
        admin(&mock, "DELETE", "/__mock/requests", None)["cleared"],
        2
    );
    assert_eq!(admin(&mock, "GET", "/__mock/requests", None)["count"], 0);
}

#[test]
fn fixtures_preload_and_reset_restores_them() {
    let fixtures = Fixtures::from_json(
        &json!({
            "api_keys": [
                {"id": "f47ac10b-58cc-4372-a567-0e02b2c3d479", "key": "Xk1234567890S4", "name": "Fixture",
                 "workspace_id": "ws-fixture", "status": "exhausted"},
                {"id": "second"},
            ],
            "virtual_keys": [{"slug": "openai-prod", "name": "Prod", "provider": "openai", "key": "sk-hidden"}],
        })
        .to_string(),
    )
    .unwrap();
    let mock = start_with(fixtures);
    let got = api(
        &mock,
        "GET",
        "/v1/api-keys/f47ac10b-58cc-4372-a567-0e02b2c3d479",
        None,
    )
    .json();
    assert_eq!(got["key"], "Xk*******S4");
    assert_eq!(got["name"], "Fixture");
    assert_eq!(got["status"], "exhausted");
    assert_eq!(got["object"], "api-key");
    assert_eq!(got["type"], "organisation-service");
    let second = api(&mock, "GET", "/v1/api-keys/second", None).json();
    assert!(second["key"].as_str().unwrap().contains("*******"));
    assert!(second["created_at"].is_string() && second["scopes"].is_array());
    let vk = api(&mock, "GET", "/v1/virtual-keys/openai-prod", None).json();
    assert_eq!(
        (vk["name"].clone(), vk["object"].clone()),
        (json!("Prod"), json!("virtual-key"))
    );
    assert!(!vk.to_string().contains("sk-hidden"));

    create_api_key(&mock, "added");
    api(&mock, "DELETE", "/v1/api-keys/second", None);
    common::add_fault(&mock, json!({"status": 500, "times": 5}));
    admin(&mock, "POST", "/__mock/reset", None);
    assert_eq!(admin(&mock, "GET", "/__mock/faults", None)["count"], 0);
    assert_eq!(admin(&mock, "GET", "/__mock/requests", None)["count"], 0);
    let list = api(&mock, "GET", "/v1/api-keys", None).json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"][1]["id"], "second");
}

#[test]
fn bad_fixtures_are_rejected_with_a_reason() {
    for (text, reason) in [
        (
            r#"{"api_keys": [{"name": "no id"}]}"#,
            "api_keys[0]: \"id\" must be a non-empty string",
        ),
        (
            r#"{"api_keys": [{"id": "a"}, {"id": "a"}]}"#,
            "duplicate id",
        ),
        (
            r#"{"virtual_keys": [{"name": "no slug"}]}"#,
            "virtual_keys[0]: \"slug\" must be",
        ),
        (r#"{"virtual_keys": [7]}"#, "must be an object"),
    ] {
        let fixtures = Fixtures::from_json(text).unwrap();
        let error = MockState::new(&fixtures).unwrap_err();
        assert!(error.contains(reason), "{text}: {error}");
    }
    assert!(Fixtures::from_json("{\"apikeys\": []}").is_err());
    assert!(Fixtures::from_json("nope").is_err());
}

/// Reads one response with a Content-Length body off a keep-alive connection.
fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, String) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (
        status_line.split(' ').nth(1).unwrap().parse().unwrap(),
        String::from_utf8(body).unwrap(),
    )
}

#[test]
fn keep_alive_connections_serve_many_requests() {
    let mock = start();
    let stream = TcpStream::connect(mock.addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    for i in 0..5 {
        let body = json!({"name": format!("k{i}"), "scopes": []}).to_string();
        write!(
            writer,
            "POST /v1/api-keys/workspace/service HTTP/1.1\r\nhost: x\r\nx-portkey-api-key: k\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        assert_eq!(read_response(&mut reader).0, 200);
    }
    write!(
        writer,
        "GET /v1/api-keys HTTP/1.1\r\nhost: x\r\nx-portkey-api-key: k\r\n\r\n"
    )
    .unwrap();
    let (status, body) = read_response(&mut reader);
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"],
        5
    );
}

#[test]
fn concurrent_clients() {
    let mock = start();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            std::thread::spawn(move || {
                for j in 0..5 {
                    create_api_key(&mock, &format!("t{i}-{j}"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(common::api_key_total(&mock), 80);
}

#[test]
fn oversized_bodies_are_rejected() {
    let mock = start();
    let body = format!("{{\"name\": \"{}\", \"scopes\": []}}", "x".repeat(2 << 20));
    let response = send(
        &mock,
        "POST",
        "/v1/api-keys/workspace/service",
        &[("x-portkey-api-key", API_KEY)],
        Some(&body),
    );
    // The server answers 413 as soon as the limit is crossed; depending on timing the
    // client may see the reset of the unread remainder instead.
    if let Ok(response) = response {
        assert_eq!(response.status, 413);
    }
    assert_eq!(common::api_key_total(&mock), 0);
}
