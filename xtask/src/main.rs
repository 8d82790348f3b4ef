//! `cargo xtask codegen [--check | --report] [--spec PATH]`
//!
//! Generates the operation descriptors (crates/portkey/src/ops/generated/), docs/operations.md
//! and codegen/.stats.yml from the OpenAPI spec, read where it lies (../shared/spec by default,
//! never copied here), and the project's overlay in codegen/.
//!
//! - no flag: writes every generated file that differs, removes generated files no longer made;
//! - `--check`: regenerates in memory and fails naming each stale file;
//! - `--report`: prints what the spec has that the overlay does not cover.

mod emit_docs;
mod emit_rust;
mod model;
mod overlay;
mod servers;
mod shape;
mod spec;
mod stats;

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::servers::Groups;
use crate::shape::Named;
use crate::spec::Spec;

/// Relative to the repository root: the spec lives beside the repositories, in shared/.
const DEFAULT_SPEC: &str = "../shared/spec/portkey-openapi.yaml";

const USAGE: &str = "usage: cargo xtask codegen [--check | --report] [--spec PATH]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Report,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository root");
    let (mode, spec_path) = parse_args(&args, root)?;
    let shown = normalise(&spec_path).display().to_string();

    let Some(spec) = Spec::load(&spec_path)? else {
        if mode != Mode::Check {
            return Err(format!("spec not found at {shown} (pass --spec PATH)"));
        }
        // Without ../shared there is nothing to compare with; CI always has it, so there a
        // missing spec means the check did not happen, which must not pass as green.
        if std::env::var("CI").as_deref() == Ok("true") {
            eprintln!("codegen: spec not found at {shown}, and CI=true needs the check");
            return Ok(ExitCode::FAILURE);
        }
        println!("codegen: skipped: spec not found at {shown}");
        return Ok(ExitCode::SUCCESS);
    };

    let overlay = overlay::load(&root.join("codegen/overlay"))?;
    let servers_file = root.join("codegen/servers.yaml");
    let servers_text = std::fs::read_to_string(&servers_file)
        .map_err(|e| format!("cannot read {}: {e}", servers_file.display()))?;
    let groups = Groups::new(&spec, &servers::load_unmarked(&servers_text)?)?;
    let mut named = Named::default();
    let resources = model::resolve(&spec, overlay, &mut named).map_err(|e| e.join("\n"))?;
    let coverage = stats::coverage(&spec, &groups, &resources);
    if mode == Mode::Report {
        print!("{}", coverage.report(&shown));
        return Ok(ExitCode::SUCCESS);
    }

    let mut files = emit_rust::files(&resources, &named);
    files.push((emit_docs::PATH.to_owned(), emit_docs::file(&resources)));
    files.push((stats::PATH.to_owned(), coverage.file()));
    let orphans = orphans(root, &files)?;
    let differing: Vec<&(String, String)> = files
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(text))
        .collect();
    let elapsed = started.elapsed().as_secs_f64();

    if mode == Mode::Check {
        if differing.is_empty() && orphans.is_empty() {
            println!(
                "codegen: {} files are current ({elapsed:.2} s)",
                files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for (path, _) in &differing {
            eprintln!("codegen: stale: {path}");
        }
        for path in &orphans {
            eprintln!("codegen: stale: {path} (no longer generated)");
        }
        eprintln!("codegen: run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    for (path, text) in &differing {
        let path = root.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    for path in &orphans {
        std::fs::remove_file(root.join(path)).map_err(|e| format!("cannot remove {path}: {e}"))?;
    }
    println!(
        "codegen: {} of {} files rewritten, {} removed ({elapsed:.2} s)",
        differing.len(),
        files.len(),
        orphans.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_args(args: &[String], root: &Path) -> Result<(Mode, PathBuf), String> {
    let mut args = args.iter();
    if args.next().map(String::as_str) != Some("codegen") {
        return Err(USAGE.to_owned());
    }
    let mut mode = Mode::Write;
    let mut spec = root.join(DEFAULT_SPEC);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" if mode == Mode::Write => mode = Mode::Check,
            "--report" if mode == Mode::Write => mode = Mode::Report,
            "--spec" => spec = PathBuf::from(args.next().ok_or(USAGE)?),
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok((mode, spec))
}

/// Generated Rust files on disk that this run does not produce (a resource whose overlay
/// file was removed), relative to the root.
fn orphans(root: &Path, files: &[(String, String)]) -> Result<Vec<String>, String> {
    let dir = root.join(emit_rust::DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let path = format!("{}/{name}", emit_rust::DIR);
        if !files.iter().any(|(p, _)| *p == path) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// `/work/gen/../shared/x` -> `/work/shared/x`, for messages that name the file plainly.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
