//! The CloudTrail responder: a management event in (an API call or a console
//! sign-in), audit-trail tampering repaired, admin ports closed again, risky changes
//! recorded — each read back and recorded in Security Hub. The Lambda binary and
//! `cordon replay` both call [`handle_event`].

mod handler;
mod ports;

pub use cordon_lambda::ContainmentClock;
pub use handler::{FUNCTION_NAME, handle_event};
pub use ports::{AwsTrailPorts, TrailResponderPorts};
