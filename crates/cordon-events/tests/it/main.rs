//! Every event file parsed, and the parse errors worded.

mod custom_action;
mod fixtures;
mod rule_changes;
