//! Every event file parsed, and the parse errors worded.

mod fixtures;
mod host_and_sequence;
