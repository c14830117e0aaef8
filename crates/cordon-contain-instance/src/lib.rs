//! The instance-containment function: a GuardDuty finding about an EC2 instance in,
//! a verified isolation (or a reasoned refusal) out, recorded in Security Hub. The
//! Lambda binary and `cordon replay` both call [`handle_event`], so what replay shows
//! is what runs.

mod handler;
mod ports;

pub use cordon_lambda::ContainmentClock;
pub use handler::{FUNCTION_NAME, handle_event};
pub use ports::{AwsInstancePorts, InstancePorts};
