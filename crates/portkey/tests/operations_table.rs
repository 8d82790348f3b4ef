//! `docs/operations.md` is generated from the operation descriptors: every operation with its
//! name in Rust, Python and Node, its HTTP route and its parameters. This test fails when the
//! file is stale; `UPDATE_GENERATED=1 cargo test -p portkey --test operations_table` rewrites it.

use std::fmt::Write;
use std::path::PathBuf;

use portkey::operation::{Location, Operation};
use portkey::ops::OPERATIONS;

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn row(op: &Operation) -> String {
    let (resource, method) = op.name.rsplit_once('.').expect("names are resource.method");
    let rust = format!("`client.{}().{method}`", resource.replace('.', "()."));
    let node = format!(
        "`{}`",
        op.name.split('.').map(camel).collect::<Vec<_>>().join(".")
    );
    let params: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let place = match p.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Body => "body",
            };
            format!("{}{} ({place})", p.name, if p.required { "*" } else { "" })
        })
        .collect();
    format!(
        "| {rust} | `{}` | {node} | `{} {}` | {} | {} |\n",
        op.name,
        op.method.as_str(),
        op.path,
        params.join(", "),
        op.summary
    )
}

fn render() -> String {
    let mut out = String::from(
        "<!-- Generated from crates/portkey/src/ops by crates/portkey/tests/operations_table.rs; do not edit.\n     Regenerate: UPDATE_GENERATED=1 cargo test -p portkey --test operations_table -->\n\n",
    );
    out.push_str("# Operations\n\n");
    let _ = writeln!(
        out,
        "{} operations, each reachable from Rust, Python (`Portkey` and `AsyncPortkey`) and Node. `*` marks a required parameter. Names are the official SDKs' where they have one.\n",
        OPERATIONS.len()
    );
    out.push_str(
        "| Rust | Python | Node | HTTP | parameters | summary |\n|---|---|---|---|---|---|\n",
    );
    for op in OPERATIONS {
        out.push_str(&row(op));
    }
    out
}

#[test]
fn operations_table_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/operations.md");
    let fresh = render();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "docs/operations.md is stale: run UPDATE_GENERATED=1 cargo test -p portkey --test operations_table"
    );
}
