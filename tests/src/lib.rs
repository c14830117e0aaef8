//! Shared set-up for the integration tests in `tests/`: an estate in the emulator and
//! each function's real adapters pointed at it.

mod fleet;
mod hostile;
mod identity_world;
mod trail_world;
mod world;

pub use fleet::{FaultyFleet, launch_fleet, numbered_finding};
pub use hostile::{FOREIGN_ACCOUNT, hostile_corpus, hostile_texts};
pub use identity_world::IdentityWorld;
pub use trail_world::{CORDON_ROLE, TrailWorld};
pub use world::World;

/// The functions' configuration in enforce mode (unset, `CORDON_MODE` means dry-run),
/// with any other variable from `lookup`.
pub fn enforcing(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<cordon_lambda::FunctionConfig, cordon_lambda::ConfigError> {
    cordon_lambda::FunctionConfig::from_lookup(|name| match name {
        "CORDON_MODE" => Some("enforce".to_owned()),
        _ => lookup(name),
    })
}

/// `events/<dir>/<name>` with each `(placeholder, real)` pair replaced.
pub fn sample_event(dir: &str, name: &str, replacements: &[(&str, &str)]) -> serde_json::Value {
    let path = cordon_emulators::workspace_root()
        .join("events")
        .join(dir)
        .join(name);
    let mut raw = std::fs::read_to_string(&path).unwrap();
    for (placeholder, real) in replacements {
        raw = raw.replace(placeholder, real);
    }
    serde_json::from_str(&raw).unwrap()
}
