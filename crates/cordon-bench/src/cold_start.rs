//! Benchmark 2, cold start: the release instance function started as Lambda starts it,
//! timed from exec to its first answer — on a dry-run event (no AWS call at all) and on
//! a real containment of a fresh two-interface instance against the emulator with no
//! added latency. Its calls cross the fault proxy (no faults, no latency) only so the
//! moment isolation verified can be read off the call records, as in section 1.

use crate::Why;
use crate::build::ReleaseBuild;
use crate::calls::{CriticalPath, Phases};
use crate::process::{ColdRun, cold_start};
use crate::report::{Section, Target, header, median, megabytes, percentile, row};
use crate::world::{World, finding_about, sample_event};
use cordon_emulators::{FaultProxy, Faults, ResultKind};
use cordon_fixtures::Estate;
use tokio::runtime::Runtime;

const RUNS: usize = 20;
const DRY_RUN_MS: f64 = 30.0;
const ISOLATION_MS: f64 = 70.0;

/// What the memory section reuses: the instance function's peak RSS per case.
pub struct ColdStarts {
    pub section: Section,
    pub dry_run_peak: u64,
    pub containment_peak: u64,
}

struct Measured {
    init_ms: Vec<f64>,
    first_call_ms: Vec<f64>,
    isolation_ms: Vec<f64>,
    /// Sequential round trips up to verified isolation.
    isolation_trips: Vec<usize>,
    /// How many of those only touched the ledger.
    ledger_trips: Vec<usize>,
    response_ms: Vec<f64>,
    calls: Vec<usize>,
    peaks: Vec<u64>,
}

impl Measured {
    fn new() -> Self {
        Self {
            init_ms: Vec::new(),
            first_call_ms: Vec::new(),
            isolation_ms: Vec::new(),
            isolation_trips: Vec::new(),
            ledger_trips: Vec::new(),
            response_ms: Vec::new(),
            calls: Vec::new(),
            peaks: Vec::new(),
        }
    }

    fn add(&mut self, run: &ColdRun, calls: usize) {
        if let Some(asked) = run.asked {
            self.init_ms.push(run.ms_to(asked));
        }
        self.response_ms.push(run.ms_to(run.answer.at));
        self.calls.push(calls);
        self.peaks.push(run.peak_rss);
    }
}

pub fn run(runtime: &Runtime, build: &ReleaseBuild) -> Result<ColdStarts, String> {
    let world = runtime.block_on(World::start())?;
    let proxy =
        FaultProxy::start(&world.moto.endpoint(), Faults::default()).why("starting the proxy")?;
    let binary = build.binary("cordon-contain-instance");
    let endpoint = proxy.endpoint();

    let mut dry_env = world.function_env();
    dry_env.push(("CORDON_MODE", "dry-run".into()));
    let dry_event = sample_event("guardduty/backdoor-c2-two-enis.json")?;
    // One start first, not counted: the binary is then in the page cache, as Lambda
    // keeps it on the worker.
    cold_start(&binary, &endpoint, &dry_env, &dry_event)?;
    let mut dry = Measured::new();
    for _ in 0..RUNS {
        proxy.reset();
        let run = cold_start(&binary, &endpoint, &dry_env, &dry_event)?;
        expect(&run, "observed")?;
        dry.add(&run, proxy.total_calls());
    }
    println!("cold start: {RUNS} dry-run starts");

    let mut enforce_env = world.function_env();
    enforce_env.push(("CORDON_MODE", "enforce".into()));
    let ec2 = &world.direct.ec2;
    let (first, instances) = runtime.block_on(async {
        let first = Estate::build(ec2).await.why("building a VPC")?;
        let mut instances = Vec::new();
        for n in 0..RUNS {
            let name = format!("cold-{n}");
            instances.push(first.launch_instance(ec2, &name).await.why("launching")?);
        }
        Ok::<_, String>((first, instances))
    })?;
    // Not counted either: it creates the VPC's isolation groups, which a function
    // usually finds in place.
    let event = finding_about(&world, &first, 0)?.to_string();
    expect(
        &cold_start(&binary, &endpoint, &enforce_env, &event)?,
        "contained",
    )?;
    let mut enforce = Measured::new();
    for (n, instance) in instances.iter().enumerate() {
        let event = finding_about(&world, instance, n + 1)?.to_string();
        proxy.reset();
        let run = cold_start(&binary, &endpoint, &enforce_env, &event)?;
        expect(&run, "contained")?;
        let calls = proxy.calls();
        let phases = Phases::of(&calls)?
            .ok_or_else(|| format!("{}: no step ran after isolation", instance.instance))?;
        enforce.isolation_ms.push(run.ms_to(phases.isolated_at));
        let path = CriticalPath::of(&phases.isolation);
        enforce.isolation_trips.push(path.len());
        enforce.ledger_trips.push(
            path.trips
                .iter()
                .filter(|t| t.iter().all(|c| c.service == "dynamodb"))
                .count(),
        );
        if let Some(first) = calls.iter().map(|c| c.start).min() {
            enforce.first_call_ms.push(run.ms_to(first));
        }
        enforce.add(&run, calls.len());
    }
    println!("cold start: {RUNS} containments");
    Ok(ColdStarts {
        dry_run_peak: dry.peaks.iter().copied().max().unwrap_or(0),
        containment_peak: enforce.peaks.iter().copied().max().unwrap_or(0),
        section: section(&dry, &enforce),
    })
}

fn expect(run: &ColdRun, decision: &str) -> Result<(), String> {
    if run.answer.kind == ResultKind::Response && run.decision() == decision {
        Ok(())
    } else {
        Err(format!(
            "expected a {decision} response, got {}",
            run.decision()
        ))
    }
}

/// `12.3 / 15.0` (median / p90, ms); `–` for no values.
fn spread(values: &[f64]) -> String {
    if values.is_empty() {
        return "–".into();
    }
    format!("{:.1} / {:.1}", median(values), percentile(values, 90.0))
}

fn section(dry: &Measured, enforce: &Measured) -> Section {
    let mut body = format!(
        "`cordon-contain-instance` in release (the workspace's release profile, this \
         machine's x86_64 target) is started with a clean environment holding what \
         Lambda sets (`AWS_LAMBDA_RUNTIME_API`, function name, memory size 128, version \
         `$LATEST`, `AWS_LAMBDA_LOG_FORMAT=JSON`, `_HANDLER=bootstrap`, region, test \
         credentials, `AWS_ENDPOINT_URL`) and the stack's `CORDON_*` settings (ledger, \
         breaker budget, topic). One event waits on a local Lambda Runtime API \
         (`cordon_emulators::RuntimeApi`); times run from just before exec to the moment \
         the runtime had read the function's answer, and the process is killed after it. \
         {RUNS} starts per case after one uncounted start (the binary in the page \
         cache; for containment, the VPC's isolation groups created). *Verified \
         isolation* is read off the proxy's call records as in section 1; the proxy adds \
         no latency but does open a fresh connection to the emulator per call.\n\n\
         - *dry-run*: `events/guardduty/backdoor-c2-two-enis.json` with \
         `CORDON_MODE=dry-run`: parsed, triaged and planned, no AWS call.\n\
         - *containment*: the same finding about a fresh two-interface instance, \
         `CORDON_MODE=enforce`, against the emulator: ledger claim, isolation, every \
         step, recording.\n\n"
    );
    body.push_str(&header(&[
        "Case",
        "Starts",
        "exec → asks for the event (ms)",
        "exec → first AWS call (ms)",
        "exec → verified isolation (ms)",
        "exec → answer (ms)",
        "AWS calls",
        "Peak RSS",
    ]));
    for (name, m) in [("dry-run", dry), ("containment", enforce)] {
        body.push_str(&row(&[
            name.into(),
            m.response_ms.len().to_string(),
            spread(&m.init_ms),
            spread(&m.first_call_ms),
            spread(&m.isolation_ms),
            spread(&m.response_ms),
            format!(
                "{}",
                median(&m.calls.iter().map(|c| *c as f64).collect::<Vec<_>>())
            ),
            megabytes(m.peaks.iter().copied().max().unwrap_or(0)),
        ]));
    }
    body.push_str("\nTimes are median / p90; calls the median; peak RSS the largest.\n");
    let dry_median = median(&dry.response_ms);
    let isolation_median = median(&enforce.isolation_ms);
    let targets = vec![
        Target::new(
            "Cold start, dry-run: exec → answer",
            "≤ 30 ms (median)",
            format!(
                "{dry_median:.1} ms (p90 {:.1} ms)",
                percentile(&dry.response_ms, 90.0)
            ),
            dry_median <= DRY_RUN_MS,
            String::new(),
        ),
        Target::new(
            "Cold start, containment of a 2-interface instance: exec → verified isolation",
            "≤ 70 ms (median)",
            format!(
                "{isolation_median:.1} ms (p90 {:.1} ms)",
                percentile(&enforce.isolation_ms, 90.0)
            ),
            isolation_median <= ISOLATION_MS,
            if isolation_median <= ISOLATION_MS {
                String::new()
            } else {
                let first_call = median(&enforce.first_call_ms);
                format!(
                    "{first_call:.0} ms from exec to the first AWS call, then {:.0} ms in {} \
                     sequential round trips to the emulator ({} of them the ledger's)",
                    isolation_median - first_call,
                    enforce.isolation_trips.iter().max().unwrap_or(&0),
                    enforce.ledger_trips.iter().max().unwrap_or(&0)
                )
            },
        ),
    ];
    Section {
        title: "2. Cold start".into(),
        body,
        targets,
    }
}
