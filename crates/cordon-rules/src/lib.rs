//! Which Lambda function handles which event, read from the SAM template (the single
//! source of truth) and decided by an EventBridge event-pattern matcher, so that
//! `cordon replay` routes an event exactly as the deployed rules would.
//!
//! The matcher is written here on purpose: no maintained Rust crate promises
//! EventBridge's pattern semantics (`$or`, `anything-but`, `prefix`/`suffix`,
//! `equals-ignore-case`, `numeric`, `exists`, `cidr`, `wildcard`), and AWS's own
//! matcher, Event Ruler, is a Java library. The tests name the user-guide page each case
//! comes from.

mod error;
mod pattern;
mod template;

pub use error::{PatternError, RulesError};
pub use pattern::Pattern;
pub use template::{Route, Routes};
