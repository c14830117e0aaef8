//! The instance-containment function: a GuardDuty finding about an EC2 instance in,
//! a verified isolation (or a reasoned refusal) out. The Lambda binary and
//! `cordon replay` both call [`handle_event`], so what replay shows is what runs.

mod handler;

pub use handler::{FUNCTION_NAME, handle_event};
