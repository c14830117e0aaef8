//! AWS-side test and demo fixtures on the local emulator: SDK configuration pointing at
//! it, a small EC2 estate that the sample events in `events/` can be rewritten to name
//! (optionally with the instance profile, volumes, Auto Scaling group and target groups
//! around the instance), IAM identities, a Lambda function, a trail and a recorder, and the reads that
//! check what cordon did.

mod audit;
mod estate;
mod functions;
mod guardduty;
mod identities;
mod inspect;
mod inspect_instance;
mod ledger_table;
mod sdk;
mod workload;

pub use audit::{
    ExposedGroup, TrailPlaceholders, create_logging_trail, ensure_recording_recorder,
    recorder_is_recording, trail_is_logging,
};
pub use estate::{Estate, Placeholders};
pub use functions::{create_function, function_tags, reserved_concurrency};
pub use guardduty::import_as_guardduty;
pub use identities::{
    IamUserWithKeys, access_key_statuses, create_role, has_login_profile, inline_policy, role_tags,
    user_tags,
};
pub use inspect_instance::{InstanceAttributes, ProfileAssociation, VolumeSnapshot};
pub use ledger_table::create_ledger_table;
pub use sdk::{TEST_REGION, sdk_config, sdk_config_in_account};
pub use workload::{DESIRED_CAPACITY_AFTER_SETUP, EstateClients, Workload};
