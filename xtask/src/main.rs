//! `cargo xtask codegen [--check | --report] [--spec PATH]`
//!
//! Generates the operation descriptors (crates/portkey/src/ops/generated/), docs/operations.md
//! and codegen/.stats.yml from the OpenAPI spec, read where it lies (../shared/spec by default,
//! never copied here), and the project's overlay in codegen/.
//!
//! - no flag: writes every generated file that differs, removes generated files no longer made;
//! - `--check`: regenerates in memory and fails naming each stale file;
//! - `--report`: prints what the spec has that the overlay does not cover.

mod emit_cases;
mod emit_docs;
mod emit_mock;
mod emit_node;
mod emit_python;
mod emit_rust;
mod emit_rust_typed;
mod model;
mod models;
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
    files.extend(emit_rust_typed::files(&resources, &named)?);
    files.extend(emit_cases::files(&resources, &named));
    files.extend(emit_mock::files(&resources, &named));
    files.extend(emit_python::files(&resources, &named));
    files.extend(emit_node::files(&resources, &named));
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

/// What every generated file carries in its first line, whatever the comment syntax.
const MARKER: &str = "@generated by `cargo xtask codegen`";

/// Folders never searched for generated files: build output, installed packages, VCS data.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", ".git", ".venv", "__pycache__"];

/// Generated files on disk that this run does not produce (an overlay file was removed, an
/// emitter changed its layout), relative to the root. A file counts as generated when its first
/// line carries `MARKER`, so every emitter's output is covered without registering its folders.
fn orphans(root: &Path, files: &[(String, String)]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name();
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if file_type.is_dir() {
                if !SKIPPED_DIRS.iter().any(|skip| name == *skip) {
                    pending.push(path);
                }
                continue;
            }
            if !file_type.is_file() || !first_line_has_marker(&path) {
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !files.iter().any(|(p, _)| *p == relative) {
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn first_line_has_marker(path: &Path) -> bool {
    use std::io::{BufRead, BufReader, Read};
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut line = Vec::new();
    // A bounded read: a large data file without line breaks is not read whole.
    let mut reader = BufReader::new(file).take(512);
    if reader.read_until(b'\n', &mut line).is_err() {
        return false;
    }
    String::from_utf8_lossy(&line).contains(MARKER)
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
