//! `cordon-demo`: what `cargo xtask demo` runs. It lives outside xtask so that
//! compiling xtask compiles no AWS SDK.

mod audit;
mod chapters;
mod checks;
mod demo;
mod identities;
mod people;
mod replay;
mod stage;

use std::process::ExitCode;

fn main() -> ExitCode {
    match demo::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\ncordon-demo failed: {message}");
            ExitCode::FAILURE
        }
    }
}
