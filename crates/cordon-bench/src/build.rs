//! The release build of the function binaries that `cargo xtask bench` ran before it
//! started this harness: where the binaries are, and how long building them took.

use std::path::PathBuf;

/// Every function binary (named like its crate).
pub const FUNCTIONS: [&str; 5] = [
    "cordon-contain-instance",
    "cordon-contain-credentials",
    "cordon-respond-cloudtrail",
    "cordon-contain-bucket",
    "cordon-contain-lambda",
];

/// What xtask reports of the build, on the command line.
#[derive(clap::Args, Clone, Debug)]
pub struct ReleaseBuild {
    /// The release directory holding the function binaries.
    #[arg(long = "release-dir")]
    dir: Option<PathBuf>,
    /// The build command, as BENCHMARKS.md names it.
    #[arg(long = "release-build-command", default_value = "")]
    command: String,
    /// How long the build took.
    #[arg(long = "release-build-secs")]
    pub seconds: Option<f64>,
    /// The target directory held no release build before: a fresh machine's build.
    #[arg(long = "release-build-fresh")]
    pub fresh: bool,
}

impl ReleaseBuild {
    /// The build, if xtask ran one: the benchmarks of release binaries need it.
    pub fn ran(&self) -> Result<&Self, String> {
        match (&self.dir, self.seconds) {
            (Some(_), Some(_)) => Ok(self),
            _ => Err("no release build of the functions (run it as `cargo xtask bench`)".into()),
        }
    }

    pub fn binary(&self, function: &str) -> PathBuf {
        self.dir.clone().unwrap_or_default().join(function)
    }

    pub fn markdown(&self) -> String {
        format!(
            "- Release build of the function binaries and this harness: {:.0} s, {} (`{}`, \
             target directory `$CORDON_CACHE_DIR/target-bench`, default \
             `~/.cache/cordon/target-bench`)\n",
            self.seconds.unwrap_or_default(),
            if self.fresh {
                "from a clean target directory, as on a fresh machine"
            } else {
                "incremental: the target directory held an earlier build"
            },
            self.command
        )
    }
}

/// How this harness was built: its in-process handler runs in this profile.
pub fn harness_profile() -> &'static str {
    match cfg!(debug_assertions) {
        true => "debug",
        false => "release",
    }
}
