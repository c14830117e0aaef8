//! Across the crates, against the emulator: one module per concern. One test binary:
//! tests on `shared_moto` share one emulator, each on resources of its own (see
//! `World`); those that read the whole emulator back start a private one.

#![recursion_limit = "256"]

mod aws_calls;
mod burst;
mod contain_credentials;
mod contain_instance;
mod contain_runtime;
mod contain_sequence;
mod exactly_once;
mod exemption;
mod faults;
mod hostile_input;
mod instance_playbook;
mod multi_account;
mod record_incident;
mod respond_cloudtrail;
mod respond_exposure;
