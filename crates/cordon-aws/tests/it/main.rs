//! The adapters against the emulator, one module per port family. One test binary:
//! the tests that share an emulator (`shared_moto`) share this one, so each builds
//! resources of its own under names of its own (`support::unique`).

mod account_block;
mod buckets;
mod credentials;
mod evidence;
mod functions;
mod isolation;
mod ledger;
mod principals;
mod rotation;
mod support;
