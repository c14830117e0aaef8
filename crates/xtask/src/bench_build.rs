//! The function binaries in release, as the benchmarks run them: the workspace's
//! release profile for this machine's target, in a target directory of the bench's
//! own so this long build never holds the lock on the debug one.

use crate::cmd::{cargo, run_checked};
use cordon_testkit::cache_dir;
use std::path::PathBuf;
use std::time::Instant;

/// Every function binary (named like its crate).
pub const FUNCTIONS: [&str; 3] = [
    "cordon-contain-instance",
    "cordon-contain-credentials",
    "cordon-respond-cloudtrail",
];

pub const COMMAND: &str = "cargo build --release -p cordon-contain-instance \
                           -p cordon-contain-credentials -p cordon-respond-cloudtrail";

pub struct ReleaseBuild {
    pub seconds: f64,
    /// The target directory held no release build before: a fresh machine's build.
    pub fresh: bool,
    dir: PathBuf,
}

impl ReleaseBuild {
    pub fn binary(&self, function: &str) -> PathBuf {
        self.dir.join("release").join(function)
    }

    pub fn markdown(&self) -> String {
        format!(
            "- Release build of the function binaries: {:.0} s, {} (`{COMMAND}`, target \
             directory `$CORDON_CACHE_DIR/target-bench`, default `~/.cache/cordon/target-bench`)\n",
            self.seconds,
            if self.fresh {
                "from a clean target directory, as on a fresh machine"
            } else {
                "incremental: the target directory held an earlier build"
            }
        )
    }
}

/// `$CORDON_CACHE_DIR/target-bench`, like the other cached tools.
fn target_dir() -> PathBuf {
    cache_dir().join("target-bench")
}

pub fn release() -> Result<ReleaseBuild, String> {
    let dir = target_dir();
    let fresh = !dir.join("release").exists();
    let started = Instant::now();
    let mut build = cargo();
    build
        .args(["build", "--release"])
        .args(FUNCTIONS.iter().flat_map(|f| ["-p", f]))
        .env("CARGO_TARGET_DIR", &dir);
    run_checked("cargo build --release", &mut build)?;
    Ok(ReleaseBuild {
        seconds: started.elapsed().as_secs_f64(),
        fresh,
        dir,
    })
}
