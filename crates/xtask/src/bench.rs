//! `cargo xtask bench`: one release build of the function binaries and of the harness
//! that measures them (`cordon-bench`), in a target directory of their own so this long
//! build never holds the lock on the debug one; then the harness. Built together, they
//! share every dependency, so a fresh machine compiles the AWS SDK once. `--only
//! latency|burst` runs the harness from the debug build instead (quick to rebuild while
//! working on the handler); `--only cold-start` still needs the release functions.

use crate::package::functions_in_template;
use cordon_emulators::{cache_dir, cargo, heading, run_checked};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The burst's size, and which benchmark to run alone (see `cordon-bench --help`).
#[derive(clap::Args)]
pub struct Args {
    /// Instances in the burst, each with its finding delivered five times (default:
    /// issue #9's 200 instances, 1,000 findings).
    #[arg(long)]
    burst_instances: Option<usize>,
    /// Run one benchmark and print it, leaving BENCHMARKS.md alone.
    #[arg(long, value_parser = ["latency", "cold-start", "burst"])]
    only: Option<String>,
}

pub fn run(args: &Args) -> Result<(), String> {
    // Read first: how long cargo had run before this, compiling xtask.
    let cargo_secs = crate::started::parent_running_secs();
    let mut passed = Vec::new();
    if let Some(n) = args.burst_instances {
        passed.extend(["--burst-instances".to_owned(), n.to_string()]);
    }
    if let Some(secs) = cargo_secs {
        passed.extend(["--cargo-secs".to_owned(), format!("{secs:.1}")]);
    }
    match args.only.as_deref() {
        None => {
            passed.extend(release_build(true)?);
            let harness = target_dir().join("release").join("cordon-bench");
            run_checked("cordon-bench", Command::new(harness).args(&passed))
        }
        Some(only) => {
            passed.extend(["--only".to_owned(), only.to_owned()]);
            if only == "cold-start" {
                passed.extend(release_build(false)?);
            }
            let mut harness = cargo();
            harness.args(["run", "--quiet", "-p", "cordon-bench", "--"]);
            run_checked("cordon-bench", harness.args(&passed))
        }
    }
}

/// `$CORDON_CACHE_DIR/target-bench`, like the other cached tools.
fn target_dir() -> PathBuf {
    cache_dir().join("target-bench")
}

/// Builds the functions (and the harness, `with_harness`) and returns what the harness
/// is told of the build.
fn release_build(with_harness: bool) -> Result<Vec<String>, String> {
    let dir = target_dir();
    let fresh = !dir.join("release").exists();
    let mut packages: Vec<String> = functions_in_template()?
        .into_iter()
        .map(|f| f.binary)
        .collect();
    if with_harness {
        packages.push("cordon-bench".to_owned());
    }
    let command = format!(
        "cargo build --release {}",
        packages
            .iter()
            .map(|p| format!("-p {p}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    heading(&format!("release build: {command}"));
    let started = Instant::now();
    let mut build = cargo();
    build
        .args(["build", "--release"])
        .args(packages.iter().flat_map(|p| ["-p", p.as_str()]))
        .env("CARGO_TARGET_DIR", &dir);
    run_checked("cargo build --release", &mut build)?;
    let mut told = vec![
        "--release-dir".to_owned(),
        dir.join("release").display().to_string(),
        "--release-build-command".to_owned(),
        command,
        "--release-build-secs".to_owned(),
        format!("{:.1}", started.elapsed().as_secs_f64()),
    ];
    if fresh {
        told.push("--release-build-fresh".to_owned());
    }
    Ok(told)
}
