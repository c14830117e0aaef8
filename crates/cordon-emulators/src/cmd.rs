//! Running child processes (cargo above all) with their output shown, and naming what
//! failed: for xtask, the demo and the bench harness.

use std::process::Command;

/// The cargo that runs this tool (or the one on PATH), at the repository root.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(crate::workspace_root());
    command
}

/// Runs `command` with inherited output; an unsuccessful exit is an error naming it.
pub fn run_checked(what: &str, command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

pub fn heading(text: &str) {
    println!("\n== {text}");
}
