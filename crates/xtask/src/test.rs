//! `cargo xtask test`: every check CI runs, in the order that fails fastest.

use cordon_emulators::{cargo, heading, run_checked as run_command};
use std::time::Instant;

pub fn run() -> Result<(), String> {
    step("format check", || {
        run_command("cargo fmt", cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    step("clippy", || {
        run_command(
            "cargo clippy",
            cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )
    })?;
    // Installed once up front, so parallel test binaries do not queue on it.
    step("local AWS emulator", || {
        cordon_emulators::ensure_moto_installed()
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    step("unit and emulator tests", || {
        run_command("cargo test", cargo().args(["test", "--workspace"]))
    })?;
    step("template lint", crate::lint::run)?;
    // Slowest, and only when template.yaml or a dependency changed: last.
    step("package check", crate::package::check)?;
    println!("\nall checks passed");
    Ok(())
}

fn step(name: &str, action: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    heading(name);
    let started = Instant::now();
    let result = action();
    println!(
        "-- {name}: {} in {:.1}s",
        if result.is_ok() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    result
}
