//! `cargo xtask package`: every function in template.yaml built by cargo-lambda into a
//! Lambda zip for the template's architecture, then `sam build` on the template. Both
//! use their own target directory, so these long release builds never hold the lock on
//! the debug one; `sam build` runs the same cargo-lambda command per function there, so
//! it reuses the first build instead of compiling again.

use cordon_emulators::{
    PythonEnv, cache_dir, ensure_python_env, heading, run_checked, workspace_root as root,
};
use serde_norway::Value as Yaml;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// cargo-lambda links through zig and finds it as `python3 -m ziglang` on PATH.
const TOOLS_ENV: (&str, [&str; 2]) = (
    "cargo-lambda-1.9.2-zig-0.17.1",
    ["cargo-lambda==1.9.2", "ziglang==0.17.1"],
);
/// The pins of lint.rs, so the SAM CLI is installed once for both.
const SAM_ENV: (&str, [&str; 2]) = (
    "lint-cfn-lint-1.58.0-sam-1.170.0",
    ["cfn-lint==1.58.0", "aws-sam-cli==1.170.0"],
);
const STAMP: &str = "package-check.stamp";

/// Packages unless the last successful package saw the same template, manifests and
/// lock file: what `cargo xtask test` runs, since a cold release build takes minutes.
pub fn check() -> Result<(), String> {
    let inputs = inputs_hash()?;
    let stamp = cache_dir().join(STAMP);
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == inputs) {
        println!(
            "package check up to date: template.yaml, Cargo.lock and the manifests are as \
             when it last passed ({})",
            stamp.display()
        );
        return Ok(());
    }
    package(&inputs)
}

/// `cargo xtask package`: always builds.
pub fn run() -> Result<(), String> {
    package(&inputs_hash()?)
}

/// Builds the zips, runs `sam build`, and records the inputs that passed.
fn package(inputs: &str) -> Result<(), String> {
    let functions = functions_in_template()?;
    let target_dir = lambda_target_dir();
    let tools = ensure_python_env(TOOLS_ENV.0, &TOOLS_ENV.1).map_err(|e| e.to_string())?;
    let arch = Arch::for_template()?;

    heading(&format!(
        "cargo lambda build --release {} --output-format zip ({} functions, target dir {})",
        arch.flag(),
        functions.len(),
        target_dir.display()
    ));
    let started = Instant::now();
    let mut build = with_tools(
        Command::new(tools.tool("cargo-lambda")),
        &tools,
        &target_dir,
    );
    build.args(["lambda", "build", "--release", arch.flag()]);
    build.args(["--output-format", "zip"]);
    // `--bin` without `-p`, as `sam build` does: cargo then resolves the same features
    // for the same units, so SAM's builds find them all fresh.
    for function in &functions {
        build.args(["--bin", &function.binary]);
    }
    run_checked("cargo lambda build", &mut build)?;
    println!("-- built in {:.0}s", started.elapsed().as_secs_f64());
    print_zips(&functions, &target_dir)?;

    if let Arch::X86Fallback = arch {
        println!(
            "\nsam build skipped: template.yaml asks for arm64 and this machine has no \
             aarch64-unknown-linux-gnu target; the package check is not recorded as passed"
        );
        return Ok(());
    }
    sam_build(&functions, &tools, &target_dir)?;
    std::fs::write(cache_dir().join(STAMP), inputs).map_err(|e| format!("{STAMP}: {e}"))
}

/// A function resource built with `BuildMethod: rust-cargolambda`.
pub struct Function {
    logical_id: String,
    pub binary: String,
}

pub fn functions_in_template() -> Result<Vec<Function>, String> {
    let template = read_template()?;
    let resources = template
        .get("Resources")
        .and_then(Yaml::as_mapping)
        .ok_or("template.yaml has no Resources")?;
    let mut functions = Vec::new();
    for (id, resource) in resources {
        let metadata = resource.get("Metadata");
        if metadata
            .and_then(|m| m.get("BuildMethod"))
            .and_then(Yaml::as_str)
            != Some("rust-cargolambda")
        {
            continue;
        }
        let logical_id = id.as_str().unwrap_or_default().to_owned();
        let binary = metadata
            .and_then(|m| m.get("BuildProperties"))
            .and_then(|p| p.get("Binary"))
            .and_then(Yaml::as_str)
            .ok_or_else(|| {
                format!("template.yaml: {logical_id} has no Metadata.BuildProperties.Binary")
            })?;
        functions.push(Function {
            logical_id,
            binary: binary.to_owned(),
        });
    }
    if functions.is_empty() {
        return Err("template.yaml has no rust-cargolambda function".into());
    }
    Ok(functions)
}

fn read_template() -> Result<Yaml, String> {
    let path = root().join("template.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What to build for: the template's `Globals.Function.Architectures`, or x86_64 when
/// the template wants arm64 and the aarch64 target cannot be installed.
enum Arch {
    Arm64,
    X86,
    X86Fallback,
}

impl Arch {
    fn for_template() -> Result<Self, String> {
        let template = read_template()?;
        let arm = template
            .get("Globals")
            .and_then(|g| g.get("Function"))
            .and_then(|f| f.get("Architectures"))
            .and_then(Yaml::as_sequence)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("arm64")));
        if !arm {
            return Ok(Self::X86);
        }
        const TARGET: &str = "aarch64-unknown-linux-gnu";
        if has_target(TARGET) {
            return Ok(Self::Arm64);
        }
        println!("installing the Rust target {TARGET}");
        if run_checked(
            "rustup target add",
            Command::new("rustup").args(["target", "add", TARGET]),
        )
        .is_ok()
            && has_target(TARGET)
        {
            return Ok(Self::Arm64);
        }
        eprintln!(
            "WARNING: the Rust target {TARGET} cannot be installed, so these zips are built \
             for x86_64: to deploy them, template.yaml's Architectures must say x86_64"
        );
        Ok(Self::X86Fallback)
    }

    fn flag(&self) -> &'static str {
        match self {
            Self::Arm64 => "--arm64",
            Self::X86 | Self::X86Fallback => "--x86-64",
        }
    }
}

/// Whether the toolchain has the standard library for `target` (rustup or not).
fn has_target(target: &str) -> bool {
    Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .args(["--print", "target-libdir", "--target", target])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .is_some_and(|mut entries| {
            entries.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libstd-")))
        })
}

/// `CORDON_LAMBDA_TARGET_DIR`, else `target-lambda` in the cache directory.
fn lambda_target_dir() -> PathBuf {
    std::env::var_os("CORDON_LAMBDA_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("target-lambda"))
}

/// The tools' bin directory first on PATH (cargo-lambda for SAM, python3 for zig),
/// the Lambda target directory, and no prompt that could wait for an answer.
fn with_tools(mut command: Command, tools: &PythonEnv, target_dir: &Path) -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(tools.dir.join("bin")).chain(std::env::split_paths(&path));
    command
        .current_dir(root())
        .env("PATH", std::env::join_paths(paths).unwrap_or(path))
        .env("CARGO_TARGET_DIR", target_dir)
        .stdin(Stdio::null());
    command
}

fn print_zips(functions: &[Function], target_dir: &Path) -> Result<(), String> {
    println!("\n{:<28} {:>9} {:>10}  zip", "binary", "zip", "bootstrap");
    for function in functions {
        let zip = target_dir
            .join("lambda")
            .join(&function.binary)
            .join("bootstrap.zip");
        let bytes = std::fs::read(&zip).map_err(|e| format!("{}: {e}", zip.display()))?;
        let bootstrap = bootstrap_size(&bytes)
            .ok_or_else(|| format!("{}: no bootstrap entry in the zip", zip.display()))?;
        println!(
            "{:<28} {:>9} {:>10}  {}",
            function.binary,
            mib(bytes.len() as u64),
            mib(bootstrap),
            zip.display()
        );
    }
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The uncompressed size of the `bootstrap` entry, read from the zip's central directory.
fn bootstrap_size(zip: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(zip.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(zip.get(at..at + 4)?.try_into().ok()?));
    let end = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&at| u32_at(at) == Some(0x0605_4b50))?;
    let mut entry = u32_at(end + 16)? as usize;
    for _ in 0..u16_at(end + 10)? {
        if u32_at(entry)? != 0x0201_4b50 {
            return None;
        }
        let name_len = u16_at(entry + 28)? as usize;
        let name = zip.get(entry + 46..entry + 46 + name_len)?;
        if name == b"bootstrap" {
            return u32_at(entry + 24).map(u64::from);
        }
        entry += 46 + name_len + u16_at(entry + 30)? as usize + u16_at(entry + 32)? as usize;
    }
    None
}

/// `sam build` into the Lambda target directory, offline and without telemetry, then
/// each function's `bootstrap` where SAM put it.
fn sam_build(functions: &[Function], tools: &PythonEnv, target_dir: &Path) -> Result<(), String> {
    let sam = ensure_python_env(SAM_ENV.0, &SAM_ENV.1).map_err(|e| e.to_string())?;
    let build_dir = target_dir.join("sam-build");
    heading(&format!("sam build (into {})", build_dir.display()));
    let started = Instant::now();
    let mut command = with_tools(Command::new(sam.tool("sam")), tools, target_dir);
    command
        .args(["build", "--template"])
        .arg(root().join("template.yaml"))
        .arg("--build-dir")
        .arg(&build_dir)
        .env("SAM_CLI_TELEMETRY", "0")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE");
    run_checked("sam build", &mut command)?;
    for function in functions {
        let bootstrap = build_dir.join(&function.logical_id).join("bootstrap");
        if !bootstrap.is_file() {
            return Err(format!(
                "sam build left no {} for {}",
                bootstrap.display(),
                function.binary
            ));
        }
    }
    println!("-- sam build in {:.0}s", started.elapsed().as_secs_f64());
    println!(
        "deploy with: sam deploy --guided --template-file {}",
        build_dir.join("template.yaml").display()
    );
    Ok(())
}

/// FNV-1a over the package check's inputs: stable across Rust releases, unlike
/// `DefaultHasher`, so a toolchain update alone does not repackage.
fn inputs_hash() -> Result<String, String> {
    let root = root();
    let mut files = vec![
        root.join("template.yaml"),
        root.join("Cargo.lock"),
        root.join("Cargo.toml"),
    ];
    let crates = root.join("crates");
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(&crates)
        .map_err(|e| format!("{}: {e}", crates.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("Cargo.toml")))
        .filter(|manifest| manifest.is_file())
        .collect();
    manifests.sort();
    files.extend(manifests);

    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    // The pinned tools decide the outcome as much as the files do.
    feed(format!("{} {}\0", TOOLS_ENV.1.join(" "), SAM_ENV.1.join(" ")).as_bytes());
    for file in files {
        let content = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let relative = file.strip_prefix(&root).unwrap_or(&file);
        feed(relative.to_string_lossy().as_bytes());
        feed(&(content.len() as u64).to_le_bytes());
        feed(&content);
    }
    Ok(format!("{hash:016x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs with every `cargo xtask test`, even when the package check is up to date.
    #[test]
    fn every_template_function_names_a_workspace_binary() {
        let functions = functions_in_template().unwrap();
        assert!(functions.len() >= 3);
        for function in functions {
            let main = root()
                .join("crates")
                .join(&function.binary)
                .join("src/main.rs");
            assert!(
                main.is_file(),
                "{}: no {}",
                function.logical_id,
                main.display()
            );
        }
    }
}
