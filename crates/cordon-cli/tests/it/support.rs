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
