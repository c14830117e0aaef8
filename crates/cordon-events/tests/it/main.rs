//! Every event file parsed, and the parse errors worded.

mod access_key;
mod account_block;
mod bucket;
mod cloudtrail;
mod common;
mod custom_action;
mod envelope;
mod fixtures;
mod guardduty;
mod host_and_sequence;
mod instance;
mod invalid;
mod lambda;
mod rule_changes;
mod samples;
