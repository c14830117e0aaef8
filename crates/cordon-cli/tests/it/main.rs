//! The `cordon` binary end to end, one module per command or concern. One test
//! binary: tests on `shared_moto` share one emulator, each with an estate of its own.

#![recursion_limit = "256"]

mod account_block;
mod bucket;
mod credentials_dry_run;
mod findings_filters;
mod lambda;
mod people;
mod recording;
mod release;
mod replay;
mod routing;
mod support;
