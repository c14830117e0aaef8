//! Which Lambda function handles which event, read from the SAM template (the single
//! source of truth) and decided by an EventBridge event-pattern matcher, so that
//! `cordon replay` routes an event exactly as the deployed rules would.

mod error;
mod pattern;
mod template;

pub use error::{PatternError, RulesError};
pub use pattern::Pattern;
pub use template::{Route, Routes};
