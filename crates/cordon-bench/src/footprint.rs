//! Benchmark 3, memory and size: each release function binary's peak resident set while
//! it handles one event (VmHWM, read after its answer and before it is killed), and the
//! size of its Lambda zip.

use crate::Why;
use crate::build::{FUNCTIONS, ReleaseBuild};
use crate::cold_start::ColdStarts;
use crate::process::cold_start;
use crate::report::{Section, Target, header, megabytes, met, row};
use crate::world::{World, sample_event};
use cordon_emulators::cache_dir;
use std::path::{Path, PathBuf};
use std::process::Command;
use tokio::runtime::Runtime;

const PEAK_RSS: u64 = 30_000_000;
const ZIP: u64 = 8_000_000;

/// The other functions, each on a sample event it handles.
const OTHERS: [(&str, &str); 4] = [
    (
        "cordon-contain-credentials",
        "guardduty/iam-user-credential-exfiltration.json",
    ),
    (
        "cordon-respond-cloudtrail",
        "cloudtrail/cloudtrail-stop-logging.json",
    ),
    (
        "cordon-contain-bucket",
        "guardduty/s3-bucket-public-access-granted.json",
    ),
    ("cordon-contain-lambda", "guardduty/lambda-c2-activity.json"),
];

pub fn run(runtime: &Runtime, build: &ReleaseBuild, cold: &ColdStarts) -> Result<Section, String> {
    let mut body = String::from(
        "Peak RSS is `VmHWM` from `/proc/<pid>/status`, read after the function's first \
         answer and before it is killed: the most memory it held while starting and \
         handling one event. The instance function's figures are the largest of section \
         2's starts; the others are started the same way, once each, in enforce mode \
         against the emulator on their sample event as it is (the user, trail, \
         recorder and bucket it names do not exist there, so the outcome is what cordon does \
         about that).\n\n",
    );
    body.push_str(&header(&[
        "Function",
        "Event",
        "Answer",
        "Peak RSS",
        "Target ≤ 30 MB",
    ]));
    let mut targets = Vec::new();
    let mut memory = vec![
        (
            FUNCTIONS[0],
            "guardduty/backdoor-c2-two-enis.json, dry-run".to_owned(),
            "observed (dry-run)".to_owned(),
            cold.dry_run_peak,
        ),
        (
            FUNCTIONS[0],
            "guardduty/backdoor-c2-two-enis.json, a fresh instance".to_owned(),
            "contained".to_owned(),
            cold.containment_peak,
        ),
    ];
    let world = runtime.block_on(World::start())?;
    let mut env = world.function_env();
    env.push(("CORDON_MODE", "enforce".into()));
    for (function, event) in OTHERS {
        let run = cold_start(
            &build.binary(function),
            &world.moto.endpoint(),
            &env,
            &sample_event(event)?,
        )?;
        memory.push((function, event.to_owned(), run.summary(), run.peak_rss));
    }
    for (function, event, answer, peak) in &memory {
        body.push_str(&row(&[
            format!("`{function}`"),
            format!("`{event}`"),
            answer.replace('|', "\\|"),
            megabytes(*peak),
            met(*peak <= PEAK_RSS),
        ]));
    }
    for function in FUNCTIONS {
        let peak = memory
            .iter()
            .filter(|m| m.0 == function)
            .map(|m| m.3)
            .max()
            .unwrap_or(0);
        targets.push(Target::new(
            &format!("Peak RSS of `{function}` handling one event"),
            "≤ 30 MB",
            megabytes(peak),
            peak <= PEAK_RSS,
            String::new(),
        ));
    }

    body.push_str(
        "\nZip sizes: `bootstrap.zip` as `cargo xtask package` builds it (arm64, \
         cargo-lambda) when that build is present, and this machine's x86_64 release \
         binary zipped here as `bootstrap` (deflate) for comparison.\n\n",
    );
    body.push_str(&header(&[
        "Function",
        "x86_64 binary",
        "x86_64 zip",
        "arm64 zip (`cargo xtask package`)",
        "Target ≤ 8 MB",
    ]));
    let mut largest: Option<(u64, &str, &str)> = None;
    for function in FUNCTIONS {
        let binary = build.binary(function);
        let binary_size = size(&binary)?;
        let x86_zip = zip_as_bootstrap(&binary)?;
        let arm_zip = size(&package_zip(function)).ok();
        let (judged, which) = match arm_zip {
            Some(arm) => (arm, "arm64"),
            None => (x86_zip, "x86_64"),
        };
        if largest.is_none_or(|(l, _, _)| judged > l) {
            largest = Some((judged, function, which));
        }
        body.push_str(&row(&[
            format!("`{function}`"),
            megabytes(binary_size),
            megabytes(x86_zip),
            arm_zip.map_or_else(|| "not built".into(), megabytes),
            format!("{} ({which})", met(judged <= ZIP)),
        ]));
    }
    if let Some((bytes, function, which)) = largest {
        targets.push(Target::new(
            "Lambda zip, largest function",
            "≤ 8 MB",
            format!("{} (`{function}`, {which})", megabytes(bytes)),
            bytes <= ZIP,
            String::new(),
        ));
    }
    Ok(Section {
        title: "3. Memory and size".into(),
        body,
        targets,
    })
}

fn size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .why(&path.display().to_string())
}

/// Where `cargo xtask package` leaves a function's zip.
fn package_zip(function: &str) -> PathBuf {
    std::env::var_os("CORDON_LAMBDA_TARGET_DIR")
        .map_or_else(|| cache_dir().join("target-lambda"), PathBuf::from)
        .join("lambda")
        .join(function)
        .join("bootstrap.zip")
}

/// The size of `binary` zipped as Lambda wants it (one `bootstrap` entry, deflated),
/// with Python's zipfile: nothing beyond Python 3 is assumed on the machine.
fn zip_as_bootstrap(binary: &Path) -> Result<u64, String> {
    const ZIP_IT: &str = "import sys, zipfile\n\
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    \
        z.write(sys.argv[2], 'bootstrap')";
    let zip = std::env::temp_dir().join(format!("cordon-bench-{}.zip", std::process::id()));
    let status = Command::new("python3")
        .args(["-c", ZIP_IT])
        .arg(&zip)
        .arg(binary)
        .status()
        .why("running python3 to zip")?;
    if !status.success() {
        return Err(format!("zipping {} failed ({status})", binary.display()));
    }
    let bytes = size(&zip);
    let _ = std::fs::remove_file(&zip);
    bytes
}
