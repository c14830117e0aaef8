//! The whole run: every benchmark in turn, then BENCHMARKS.md from their figures. A
//! benchmark that fails is reported as such in the file, and the run fails after
//! writing it.

use crate::build::ReleaseBuild;
use crate::machine::Machine;
use crate::report::{Section, Target, render};
use crate::{
    Args, DEFAULT_BURST_INSTANCES, Only, Why, burst, cold_start, footprint, latency, report,
};
use cordon_emulators::heading;
use std::time::Instant;

/// Stated in the file: the whole run, release build included, on a fresh machine.
const BUDGET_SECS: f64 = 15.0 * 60.0;

fn tokio_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The handler's SDK futures are large in a debug build.
        .thread_stack_size(8 << 20)
        .build()
        .why("starting tokio")
}

/// `--only`: one benchmark, printed.
fn run_only(only: Only, args: &Args) -> Result<(), String> {
    cordon_emulators::ensure_moto_installed().why("installing moto")?;
    let runtime = tokio_runtime()?;
    let section = match only {
        Only::Latency => runtime.block_on(latency::run()),
        Only::ColdStart => cold_start::run(&runtime, args.build.ran()?).map(|c| c.section),
        Only::Burst => runtime.block_on(burst::run(args.burst_instances)),
    }?;
    println!(
        "{}",
        render(
            "",
            &[Ok(section)],
            "(one benchmark: BENCHMARKS.md is unchanged)"
        )
    );
    Ok(())
}

pub fn run(args: &Args) -> Result<(), String> {
    if let Some(only) = args.only {
        return run_only(only, args);
    }
    // The harness's own time; the release build before it is xtask's figure.
    let started = Instant::now();
    let machine = Machine::describe();
    let mut phases = Phases::default();
    let build = args.build.ran().cloned();
    if let Ok(build) = &build {
        phases
            .0
            .push(("release build", build.seconds.unwrap_or_default()));
    }
    let before = args.cargo_secs;
    heading("the local AWS emulator");
    cordon_emulators::ensure_moto_installed().why("installing moto")?;
    let runtime = tokio_runtime()?;

    let mut sections = Vec::new();
    heading("1. time to isolation under latency");
    let latency = phases.time("1. time to isolation", || runtime.block_on(latency::run()));
    sections.push(named("1. Time to isolation under latency", latency));
    match &build {
        Ok(build) => {
            heading("2. cold start");
            let cold = phases.time("2. cold start", || cold_start::run(&runtime, build));
            heading("3. memory and size");
            let footprint = phases.time("3. memory and size", || match &cold {
                Ok(cold) => footprint::run(&runtime, build, cold),
                Err(e) => Err(format!("needs the cold starts, which failed: {e}")),
            });
            sections.push(named("2. Cold start", cold.map(|c| c.section)));
            sections.push(named("3. Memory and size", footprint));
        }
        Err(e) => {
            let failed = || Err(format!("the release build failed: {e}"));
            sections.push(named("2. Cold start", failed()));
            sections.push(named("3. Memory and size", failed()));
        }
    }
    heading("4. burst");
    let burst = phases.time("4. burst (fleet set-up included)", || {
        runtime.block_on(burst::run(args.burst_instances))
    });
    sections.push(named("4. Burst", burst));
    drop(runtime);

    let built = build
        .as_ref()
        .map_or(0.0, |b| b.seconds.unwrap_or_default());
    let total = started.elapsed().as_secs_f64() + built;
    sections.push(Ok(budget(total, before, build.as_ref().ok(), &phases)));
    let command = match args.burst_instances {
        DEFAULT_BURST_INSTANCES => "cargo xtask bench".to_owned(),
        n => format!("cargo xtask bench --burst-instances {n}"),
    };
    let mut run_notes = format!(
        "- Command: `{command}` (at the repository root), on {}\n",
        cordon_lambda::utc_now()
    );
    if let Ok(build) = &build {
        run_notes.push_str(&build.markdown());
    }
    run_notes.push_str(&format!(
        "- Whole run: {total:.0} s from xtask's start, release build included; {}\n\
         - Emulator: moto {} (`moto[server]` from PyPI, on 127.0.0.1)\n",
        match before {
            Some(before) => format!("{before:.0} s before it, cargo compiling and starting xtask"),
            None => "how long cargo took to compile xtask before it could not be read".into(),
        },
        cordon_emulators::MOTO_VERSION
    ));
    let file = cordon_emulators::workspace_root().join("BENCHMARKS.md");
    std::fs::write(&file, render(&machine.markdown(), &sections, &run_notes))
        .why("writing BENCHMARKS.md")?;
    println!("\nwrote {} in {total:.0} s", file.display());
    let failed: Vec<&str> = sections
        .iter()
        .filter_map(|s| s.as_ref().err().map(|(title, _)| title.as_str()))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("not measured: {}", failed.join(", ")))
    }
}

/// How long each part of the run took.
#[derive(Default)]
struct Phases(Vec<(&'static str, f64)>);

impl Phases {
    fn time<T>(&mut self, name: &'static str, part: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = part();
        self.0.push((name, started.elapsed().as_secs_f64()));
        result
    }
}

fn named(title: &str, result: Result<Section, String>) -> Result<Section, (String, String)> {
    result.map_err(|e| {
        eprintln!("{title} failed: {e}");
        (title.to_owned(), e)
    })
}

/// The run's own target: under 15 minutes from typing the command, with cargo compiling
/// xtask and a clean release build.
fn budget(
    total: f64,
    before: Option<f64>,
    build: Option<&ReleaseBuild>,
    phases: &Phases,
) -> Section {
    let fresh = build.is_some_and(|b| b.fresh);
    let (how, note) = match build {
        None => (
            "the release build failed",
            "the release build failed, so the run is incomplete",
        ),
        Some(b) if b.fresh => ("from a clean target directory", ""),
        Some(_) => (
            "incremental",
            "the release build was incremental, so this is not a fresh machine's time",
        ),
    };
    let whole = total + before.unwrap_or(0.0);
    let mut body = format!(
        "The whole `cargo xtask bench` took {:.1} min from typing it: cargo compiling \
         xtask (which holds no AWS SDK), then one release build of the function \
         binaries and of this harness ({how}: the SDK is compiled once), and every \
         benchmark.\n\n",
        whole / 60.0
    );
    body.push_str(&report::header(&["Part", "Seconds"]));
    match before {
        Some(before) => body.push_str(&report::row(&[
            "cargo compiling and starting xtask".to_owned(),
            format!("{before:.0}"),
        ])),
        None => body.push_str(&report::row(&[
            "cargo compiling and starting xtask".to_owned(),
            "not read (no /proc)".to_owned(),
        ])),
    }
    for (name, seconds) in &phases.0 {
        body.push_str(&report::row(&[(*name).to_owned(), format!("{seconds:.0}")]));
    }
    Section {
        title: "The run itself".into(),
        body,
        targets: vec![Target::new(
            "`cargo xtask bench` on a fresh machine, compiling included",
            "< 15 min",
            format!("{:.1} min", whole / 60.0),
            fresh && before.is_some() && whole < BUDGET_SECS,
            note.to_owned(),
        )],
    }
}
