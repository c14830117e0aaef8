//! Every event file parsed, and the parse errors worded.

mod fixtures;
mod rule_changes;
