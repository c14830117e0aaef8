//! `cargo xtask demo`: runs `cordon-demo`, which holds the demo and the AWS SDK it
//! needs, so xtask itself compiles none of it.

use cordon_emulators::{cargo, run_checked};

pub fn run() -> Result<(), String> {
    run_checked(
        "cordon-demo",
        cargo().args(["run", "--quiet", "-p", "cordon-demo"]),
    )
}
