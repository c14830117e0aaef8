//! Every event file parsed, and the parse errors worded.

mod account_block;
mod custom_action;
mod fixtures;
mod host_and_sequence;
mod rule_changes;
