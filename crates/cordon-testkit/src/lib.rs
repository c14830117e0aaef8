//! Test and demo support: the local AWS emulator (moto, installed and started by the
//! project itself), SDK configuration pointing at it, and a small EC2 estate that the
//! sample events in `events/` can be rewritten to name — optionally with the instance
//! profile, volumes, Auto Scaling group and target groups around the instance.

#[cfg(feature = "aws")]
mod audit;
mod cmd;
#[cfg(feature = "aws")]
mod estate;
mod fault_proxy;
#[cfg(feature = "aws")]
mod guardduty;
mod http;
#[cfg(feature = "aws")]
mod identities;
#[cfg(feature = "aws")]
mod inspect;
#[cfg(feature = "aws")]
mod inspect_instance;
#[cfg(feature = "aws")]
mod ledger_table;
mod moto;
mod python_env;
mod runtime_api;
#[cfg(feature = "aws")]
mod sdk;
#[cfg(feature = "aws")]
mod workload;

#[cfg(feature = "aws")]
pub use audit::{
    ExposedGroup, TrailPlaceholders, create_logging_trail, ensure_recording_recorder,
    recorder_is_recording, trail_is_logging,
};
pub use cmd::{cargo, heading, run_checked};
#[cfg(feature = "aws")]
pub use estate::{Estate, Placeholders};
pub use fault_proxy::{CallRecord, FaultKind, FaultProxy, Faults};
#[cfg(feature = "aws")]
pub use guardduty::{import_as_guardduty, publish_finding};
#[cfg(feature = "aws")]
pub use identities::{
    IamUserWithKeys, access_key_statuses, create_role, has_login_profile, inline_policy, role_tags,
    user_tags,
};
#[cfg(feature = "aws")]
pub use inspect_instance::{InstanceAttributes, ProfileAssociation, VolumeSnapshot};
#[cfg(feature = "aws")]
pub use ledger_table::create_ledger_table;
pub use moto::{MOTO_VERSION, MotoError, MotoServer, ensure_moto_installed, shared_moto};
pub use python_env::{PythonEnv, PythonEnvError, cache_dir, ensure_python_env};
pub use runtime_api::{InvocationResult, ResultKind, RuntimeApi};
#[cfg(feature = "aws")]
pub use sdk::{TEST_REGION, sdk_config, sdk_config_in_account};
#[cfg(feature = "aws")]
pub use workload::{DESIRED_CAPACITY_AFTER_SETUP, EstateClients, Workload};

/// The repository root, for tests and tools that read `events/` or `template.yaml`.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/cordon-testkit sits two levels below the root")
        .to_path_buf()
}
