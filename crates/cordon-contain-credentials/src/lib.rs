//! The credential-containment function: a GuardDuty finding about an abused access
//! key in, exactly that credential disabled and its sessions denied (or a reasoned
//! refusal) out, recorded in Security Hub. The Lambda binary and `cordon replay` both
//! call [`handle_event`].

mod handler;
mod ports;

pub use cordon_lambda::ContainmentClock;
pub use handler::{FUNCTION_NAME, handle_event};
pub use ports::{AwsCredentialPorts, CredentialPorts};
