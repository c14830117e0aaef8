//! What every end-to-end test of the binary shares.

use std::process::Command;

/// The `cordon` binary with throwaway credentials from the standard AWS environment
/// and nothing inherited that could change its behaviour (profiles, endpoints,
/// CORDON_* settings).
pub fn cordon_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cordon"));
    for (name, _) in std::env::vars_os() {
        if let Some(text) = name.to_str()
            && (text.starts_with("AWS_") || text.starts_with("CORDON_"))
        {
            command.env_remove(&name);
        }
    }
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1");
    command
}

/// `cordon replay --json` of `file` against `endpoint` with cordon's `ledger` table and
/// `env` on top: the first record it prints.
pub fn replay_json(
    endpoint: &str,
    ledger: &str,
    file: &std::path::Path,
    env: &[(&str, &str)],
) -> serde_json::Value {
    let output = cordon_command()
        .env("CORDON_LEDGER_TABLE", ledger)
        .envs(env.iter().copied())
        .args(["replay", "--json", "--endpoint", endpoint])
        .arg(file)
        .output()
        .expect("cordon runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let text = format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let line = stdout
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no record: {text}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {text}"))
}
