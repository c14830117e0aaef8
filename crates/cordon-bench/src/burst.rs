//! Benchmark 4, burst: every finding of a fleet delivered several times, shuffled, at
//! Lambda's concurrency, through the fault proxy injecting throttling, 5xx and dropped
//! connections, with the exactly-once ledger in DynamoDB. A delivery whose outcome
//! needs a retry is delivered again, as Lambda retries a failed asynchronous
//! invocation, in rounds after the burst. At the end the emulator is read directly:
//! every instance isolated (none lost), and nothing done twice.
//!
//! Each of the concurrent workers stands for one Lambda execution environment: its
//! own clients, ports and proxy (each proxy seeded apart), handling one delivery at a
//! time — which also lets each delivery's calls, and so its moment of verified
//! isolation, be read off its worker's proxy as in section 1.
//!
//! The emulator is sharded: the fleet is spread over several moto servers, each with
//! its own estate, ledger table and topic, and every worker holds a proxy and ports
//! per shard. A delivery goes to its instance's shard, so all copies of one finding
//! meet the same ledger. One moto is one Python process answering one request at a
//! time, its EC2 filters scanning the whole estate; an AWS account is neither, and
//! the shard count is the emulator's, not cordon's.

use crate::Why;
use crate::calls::Phases;
use crate::report::{Section, Target, header, median, percentile, row};
use crate::world::{LEDGER_TABLE, World, finding_about};
use cordon_aws::Clients;
use cordon_core::Decision;
use cordon_emulators::{FaultKind, FaultProxy, Faults, MotoServer};
use cordon_events::AccountId;
use cordon_fixtures::{Estate, Placeholders, sdk_config};
use cordon_lambda::{
    AwsInstancePorts, Connect, ContainmentClock, Context, FunctionConfig, InstanceResponder,
    handle_event,
};
use futures_util::future::join_all;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Deliveries of each instance's finding.
pub const COPIES: usize = 5;
const CONCURRENCY: usize = 32;
const FAULT_RATE: f64 = 0.10;
/// Deliveries of one copy after its first, at most.
const REDELIVERIES: usize = 5;
const SEED: u64 = 0x00b0_5e11;
/// What the subject of the message about a verified containment says.
const CONTAINED_SUBJECT: &str = "ISOLATED (verified)";
/// Instances per emulator shard, at most. Profiled: moto filters snapshots by tag by
/// scanning every tag it holds for every snapshot, so that call's cost grows with the
/// square of a shard's estate — a third of moto's time at 50 instances a shard, a
/// small share at 25 — while each further shard costs a Python start and its EC2
/// warm-up (about 2 s of CPU) and some 250 MB.
const INSTANCES_PER_SHARD: usize = 25;

/// One emulator and the part of the fleet that lives in it: instance `n` of the
/// burst is `fleet[n / shards]` of shard `n % shards`.
struct Shard {
    world: World,
    fleet: Vec<Estate>,
}

/// One Lambda execution environment: per shard, a proxy and the ports through it.
struct Worker {
    proxies: Vec<FaultProxy>,
    ports: Vec<AwsInstancePorts>,
}

struct Shared {
    events: Vec<Value>,
    /// Emulator shards: instance `n` lives in shard `n % shards`.
    shards: usize,
    /// Deliveries handled so far, for progress lines.
    done: std::sync::atomic::AtomicUsize,
    config: FunctionConfig,
    account: AccountId,
}

#[derive(Clone, Copy)]
struct Delivery {
    instance: usize,
    attempt: usize,
}

struct Handled {
    delivery: Delivery,
    decision: Decision,
    changed: bool,
    retry: bool,
    started: Instant,
    ended: Instant,
    isolated_at: Option<Instant>,
    /// Why the isolation moment could not be read, if it could not.
    unclear: Option<String>,
}

/// `instances`' findings, `COPIES` each.
pub async fn run(instances: usize) -> Result<Section, String> {
    if instances == 0 {
        return Err("a burst needs at least one instance".into());
    }
    let set_up_started = Instant::now();
    let count = instances.div_ceil(INSTANCES_PER_SHARD).max(1);
    println!("burst: starting {count} emulator shards, launching {instances} instances");
    let shards = start_shards(instances, count).await?;
    let topic_arn = &shards[0].world.topic_arn;
    if shards.iter().any(|s| &s.world.topic_arn != topic_arn) {
        return Err("the shards' on-call topics differ".into());
    }
    let shared = Arc::new(Shared {
        events: (0..instances)
            .map(|n| {
                let shard = &shards[n % count];
                finding_about(&shard.world, &shard.fleet[n / count], n)
            })
            .collect::<Result<_, _>>()?,
        shards: count,
        done: Default::default(),
        config: shards[0].world.function_config()?,
        account: Placeholders::ACCOUNT.parse().why("account")?,
    });
    let mut workers = Vec::new();
    for n in 0..CONCURRENCY {
        let mut proxies = Vec::new();
        let mut ports = Vec::new();
        for (s, shard) in shards.iter().enumerate() {
            let faults = Faults {
                rate: FAULT_RATE,
                kinds: FaultKind::ALL.to_vec(),
                seed: SEED + (n * count + s) as u64,
                ..Faults::default()
            };
            let proxy =
                FaultProxy::start(&shard.world.moto.endpoint(), faults).why("starting a proxy")?;
            let clients = Clients::new(&sdk_config(&proxy.endpoint()).await);
            ports.push(AwsInstancePorts::on_aws(
                &clients,
                Some(shard.world.topic_arn.clone()),
                Some(LEDGER_TABLE.to_owned()),
            ));
            proxies.push(proxy);
        }
        workers.push(Arc::new(Worker { proxies, ports }));
    }
    let set_up = set_up_started.elapsed();
    println!("burst: set up in {:.1} s", set_up.as_secs_f64());

    let mut pending = shuffled_deliveries(instances);
    let mut handled: Vec<Handled> = Vec::new();
    let mut dead_lettered = 0;
    let mut rounds = 0;
    println!(
        "burst: {} deliveries at concurrency {CONCURRENCY}",
        pending.len()
    );
    let started = Instant::now();
    while !pending.is_empty() {
        rounds += 1;
        let queue = Arc::new(Mutex::new(VecDeque::from(pending)));
        let round = join_all(workers.iter().map(|worker| {
            let (worker, queue, shared) = (worker.clone(), queue.clone(), shared.clone());
            tokio::spawn(async move { work(&worker, &queue, &shared).await })
        }))
        .await;
        let mut again = Vec::new();
        for result in round {
            for h in result.why("a burst worker")?? {
                if h.retry {
                    if h.delivery.attempt < REDELIVERIES {
                        again.push(Delivery {
                            attempt: h.delivery.attempt + 1,
                            ..h.delivery
                        });
                    } else {
                        dead_lettered += 1;
                    }
                }
                handled.push(h);
            }
        }
        println!(
            "burst: round {rounds} done at {:.1} s, {} to deliver again",
            started.elapsed().as_secs_f64(),
            again.len()
        );
        pending = again;
    }
    let elapsed = started.elapsed();
    let proxies = || workers.iter().flat_map(|w| &w.proxies);
    let faults: usize = proxies().map(FaultProxy::injected_faults).sum();
    let calls: usize = proxies().map(FaultProxy::total_calls).sum();
    drop(workers);
    let mut check = ReadBack::default();
    for read in join_all(shards.iter().map(|s| ReadBack::of(&s.world, &s.fleet))).await {
        check.absorb(read?);
    }
    Ok(section(&Figures {
        instances,
        shards: count,
        set_up,
        lease: Duration::from_secs(shared.config.ledger().lease_secs),
        handled,
        started,
        elapsed,
        rounds,
        dead_lettered,
        faults,
        calls,
        check,
    }))
}

/// `count` fresh emulators, started side by side, each with its part of the fleet.
async fn start_shards(instances: usize, count: usize) -> Result<Vec<Shard>, String> {
    let servers = tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            let starting: Vec<_> = (0..count).map(|_| scope.spawn(MotoServer::start)).collect();
            starting
                .into_iter()
                .map(|s| s.join().map_err(|_| "starting moto panicked".to_owned()))
                .map(|s| s?.why("starting moto"))
                .collect::<Result<Vec<_>, String>>()
        })
    })
    .await
    .why("starting the emulators")??;
    let worlds = join_all(servers.into_iter().map(World::on)).await;
    let worlds = worlds.into_iter().collect::<Result<Vec<_>, _>>()?;
    let fleets = join_all(worlds.iter().enumerate().map(|(s, world)| {
        let numbers: Vec<usize> = (s..instances).step_by(count).collect();
        launch_fleet(world, numbers)
    }))
    .await;
    worlds
        .into_iter()
        .zip(fleets)
        .map(|(world, fleet)| {
            Ok(Shard {
                world,
                fleet: fleet?,
            })
        })
        .collect()
}

/// The instances `numbers` (of the whole burst) in one VPC, launched a few at a time.
async fn launch_fleet(world: &World, numbers: Vec<usize>) -> Result<Vec<Estate>, String> {
    let first = Estate::build(&world.direct.ec2)
        .await
        .why("building a VPC")?;
    let mut fleet = vec![first.clone()];
    let names: Vec<String> = numbers[1..].iter().map(|n| format!("burst-{n}")).collect();
    for chunk in names.chunks(8) {
        let launched = join_all(
            chunk
                .iter()
                .map(|name| first.launch_instance(&world.direct.ec2, name)),
        )
        .await;
        for estate in launched {
            fleet.push(estate.why("launching an instance")?);
        }
    }
    Ok(fleet)
}

/// Every instance's finding `COPIES` times, in a fixed pseudo-random order.
fn shuffled_deliveries(instances: usize) -> Vec<Delivery> {
    let mut deliveries: Vec<Delivery> = (0..instances)
        .flat_map(|instance| {
            (0..COPIES).map(move |_| Delivery {
                instance,
                attempt: 0,
            })
        })
        .collect();
    // Fisher–Yates on SplitMix64.
    let mut state = SEED;
    for i in (1..deliveries.len()).rev() {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let j = ((z ^ (z >> 31)) % (i as u64 + 1)) as usize;
        deliveries.swap(i, j);
    }
    deliveries
}

/// Handles deliveries from `queue`, one at a time, until it is empty.
async fn work(
    worker: &Worker,
    queue: &Mutex<VecDeque<Delivery>>,
    shared: &Shared,
) -> Result<Vec<Handled>, String> {
    let mut handled = Vec::new();
    loop {
        let next = queue.lock().map_err(|_| "queue poisoned")?.pop_front();
        let Some(delivery) = next else {
            return Ok(handled);
        };
        let event = shared.events[delivery.instance].clone();
        // Every copy of a finding goes to its instance's shard, and its ledger.
        let shard = delivery.instance % shared.shards;
        let started = Instant::now();
        let clock = ContainmentClock::HandlingStart;
        let outcome = Box::pin(handle_event::<InstanceResponder>(
            event,
            &Context::new(&shared.config, &shared.account, clock),
            &worker.ports[shard],
        ))
        .await
        .why("handling a finding")?;
        // This worker's calls since the delivery began are this delivery's.
        let calls: Vec<_> = worker.proxies[shard]
            .calls()
            .into_iter()
            .filter(|c| c.start >= started)
            .collect();
        let done = 1 + shared
            .done
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if done.is_multiple_of(100) {
            println!("burst: {done} deliveries handled");
        }
        let (isolated_at, unclear) = match Phases::of(&calls) {
            Ok(phases) => (phases.map(|p| p.isolated_at), None),
            Err(why) => (None, Some(why)),
        };
        handled.push(Handled {
            delivery,
            decision: outcome.decision,
            changed: outcome.changed_anything(),
            retry: outcome.needs_retry(),
            started,
            ended: Instant::now(),
            isolated_at,
            unclear,
        });
    }
}

/// The emulators' state after the burst, per instance.
#[derive(Default)]
struct ReadBack {
    lost: Vec<String>,
    /// Instances with more snapshots than volumes.
    extra_snapshots: Vec<String>,
    /// Response findings per instance.
    response_findings: Vec<usize>,
    /// The subjects of the on-call messages about each instance.
    notifications: Vec<(String, Vec<String>)>,
}

impl ReadBack {
    /// Another shard's read-back added to this one.
    fn absorb(&mut self, other: Self) {
        self.lost.extend(other.lost);
        self.extra_snapshots.extend(other.extra_snapshots);
        self.response_findings.extend(other.response_findings);
        self.notifications.extend(other.notifications);
    }

    /// One shard's emulator, about its part of the fleet.
    async fn of(world: &World, fleet: &[Estate]) -> Result<Self, String> {
        let ec2 = &world.direct.ec2;
        let deny = fleet[0]
            .deny_group(ec2)
            .await
            .why("reading the deny-all group")?
            .and_then(|g| g.group_id().map(str::to_owned));
        let mut lost = Vec::new();
        let mut extra_snapshots = Vec::new();
        for estate in fleet {
            let held = match &deny {
                Some(deny) => estate
                    .interfaces_held_by(ec2, deny)
                    .await
                    .why("reading interfaces")?
                    .len(),
                None => 0,
            };
            if held != estate.interfaces.len() {
                lost.push(estate.instance.clone());
            }
            let snapshots = estate.snapshots(ec2).await.why("reading snapshots")?;
            if snapshots.len() > estate.volumes.len() {
                extra_snapshots.push(estate.instance.clone());
            }
        }
        let mut findings = BTreeMap::<String, usize>::new();
        let mut pages = world
            .direct
            .securityhub
            .get_findings()
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.why("reading Security Hub")?;
            for finding in page.findings() {
                if !finding.id().unwrap_or_default().starts_with("cordon/") {
                    continue;
                }
                if let Some(estate) = fleet.iter().find(|e| {
                    finding
                        .resources()
                        .iter()
                        .any(|r| r.id().unwrap_or_default().ends_with(&e.instance))
                }) {
                    *findings.entry(estate.instance.clone()).or_default() += 1;
                }
            }
        }
        let published = world
            .moto
            .recorded_calls("sns:Publish")
            .why("reading SNS messages")?;
        Ok(Self {
            lost,
            extra_snapshots,
            response_findings: fleet
                .iter()
                .map(|e| findings.get(&e.instance).copied().unwrap_or(0))
                .collect(),
            notifications: fleet
                .iter()
                .map(|e| {
                    let subjects = published
                        .iter()
                        .filter(|p| p.get("Message").is_some_and(|m| m.contains(&e.instance)))
                        .map(|p| p.get("Subject").cloned().unwrap_or_default())
                        .collect();
                    (e.instance.clone(), subjects)
                })
                .collect(),
        })
    }
}

struct Figures {
    instances: usize,
    shards: usize,
    /// Emulators started, fleet launched, workers made: before the burst.
    set_up: Duration,
    /// How long a claim in the ledger holds.
    lease: Duration,
    handled: Vec<Handled>,
    started: Instant,
    elapsed: Duration,
    rounds: usize,
    dead_lettered: usize,
    faults: usize,
    calls: usize,
    check: ReadBack,
}

fn section(f: &Figures) -> Section {
    let instances = f.instances;
    let findings = instances * COPIES;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Per incident: the first delivery that verified isolation.
    let mut first: BTreeMap<usize, &Handled> = BTreeMap::new();
    for h in f.handled.iter().filter(|h| h.isolated_at.is_some()) {
        let earlier = first
            .get(&h.delivery.instance)
            .is_some_and(|known| known.isolated_at <= h.isolated_at);
        if !earlier {
            first.insert(h.delivery.instance, h);
        }
    }
    let from_burst: Vec<f64> = first
        .values()
        .filter_map(|h| h.isolated_at.map(|at| ms(at - f.started)))
        .collect();
    let from_handler: Vec<f64> = first
        .values()
        .filter_map(|h| h.isolated_at.map(|at| ms(at - h.started)))
        .collect();
    // A delivery that changed everything and then failed to record is retried, and
    // the retry reports contained with nothing left to change: so "with changes" is
    // counted for doing twice, any contained outcome for ever being reported.
    let mut contained_with_changes = BTreeMap::<usize, usize>::new();
    let mut reported = std::collections::BTreeSet::new();
    for h in f
        .handled
        .iter()
        .filter(|h| h.decision == Decision::Contained)
    {
        reported.insert(h.delivery.instance);
        if h.changed {
            *contained_with_changes
                .entry(h.delivery.instance)
                .or_default() += 1;
        }
    }
    let twice_contained = contained_with_changes.values().filter(|n| **n > 1).count();
    let never_contained = instances - reported.len();
    let twice_recorded = f.check.response_findings.iter().filter(|n| **n > 1).count();
    // A failure notice and then the success of the retry are two messages by design;
    // telling people twice that it is contained is doing it twice.
    let told_twice: Vec<&(String, Vec<String>)> = f
        .check
        .notifications
        .iter()
        .filter(|(_, subjects)| {
            let contained = subjects.iter().filter(|s| s.contains(CONTAINED_SUBJECT));
            contained.count() > 1
        })
        .collect();
    let twice_told = told_twice.len();
    let unclear = f.handled.iter().filter(|h| h.unclear.is_some()).count();
    let double = twice_contained + f.check.extra_snapshots.len() + twice_recorded + twice_told;
    let throughput = findings as f64 / f.elapsed.as_secs_f64();
    let longest = f
        .handled
        .iter()
        .map(|h| h.ended - h.started)
        .max()
        .unwrap_or_default();
    let shards = f.shards;
    let mut body = format!(
        "{findings} findings — each of {instances} instances' (two interfaces each) \
         delivered {COPIES} times, shuffled with a fixed seed — handled at \
         concurrency {CONCURRENCY} by the instance handler in this process ({} build), \
         with the ledger in DynamoDB, the breaker budget out of reach and the on-call \
         topic. Each of the {CONCURRENCY} workers stands for one Lambda execution \
         environment: its own clients and ports, and its own fault proxies injecting \
         {:.0}% faults (throttling, 500, 503, dropped connections, evenly; a faulted \
         request never reaches the emulator), on top of which the SDK's standard retries \
         (5 attempts) run. A delivery whose outcome needs a retry \
         (`Outcome::needs_retry`) is delivered again in a later round, as Lambda retries \
         a failed asynchronous invocation, at most {REDELIVERIES} times. Afterwards each \
         emulator is read directly, without the proxies.\n\n\
         The emulator is sharded: {shards} moto servers, each holding its own estate (one \
         VPC, at most {INSTANCES_PER_SHARD} of the instances), its own ledger table and \
         its own on-call topic. Every worker holds a proxy and ports per shard, and a \
         delivery goes to its instance's shard, so every copy of one finding meets the \
         same ledger and the exactly-once claim is tested as deployed (the breaker's \
         spend, out of reach either way, is counted per shard). Why: moto is one Python \
         process answering one request at a time, and its EC2 filters scan everything it \
         holds (a tag filter on snapshots reads every tag for every snapshot), so one \
         emulator with the whole fleet measures the emulator (issue #9's size took it \
         minutes) — an AWS account is neither \
         single-threaded nor slower per call for each instance it holds. The shard count \
         is a property of the emulator, not of cordon: the handler, its calls and its \
         ledger are the same whatever it is.\n\n",
        crate::build::harness_profile(),
        FAULT_RATE * 100.0
    );
    body.push_str(&header(&["", "Measured"]));
    for (what, value) in [
        (
            "Wall time, first delivery to last".into(),
            format!("{:.1} s", f.elapsed.as_secs_f64()),
        ),
        ("Throughput".into(), format!("{throughput:.1} findings/s")),
        (
            "Set-up before the burst (emulator shards started, fleet launched)".into(),
            format!("{:.1} s, {shards} shards", f.set_up.as_secs_f64()),
        ),
        (
            "Deliveries (first + redelivered), rounds".into(),
            format!(
                "{} ({findings} + {}), {}",
                f.handled.len(),
                f.handled.len() - findings,
                f.rounds
            ),
        ),
        (
            "Dead-lettered (still failing after every redelivery)".into(),
            f.dead_lettered.to_string(),
        ),
        (
            "AWS calls through the proxies, faults injected".into(),
            format!("{}, {}", f.calls, f.faults),
        ),
        (
            "Time to verified isolation from the burst's start, p50 / p99".into(),
            format!(
                "{:.0} ms / {:.0} ms",
                median(&from_burst),
                percentile(&from_burst, 99.0)
            ),
        ),
        (
            "Time to verified isolation from the start of the delivery that isolated, p50 / p99"
                .into(),
            format!(
                "{:.0} ms / {:.0} ms",
                median(&from_handler),
                percentile(&from_handler, 99.0)
            ),
        ),
        (
            "Longest delivery (the function's timeout is 60 s)".into(),
            format!("{:.1} s", longest.as_secs_f64()),
        ),
        (
            "Lost: instances not isolated at the end (read from the emulator)".into(),
            f.check.lost.len().to_string(),
        ),
        (
            "Incidents never reported contained".into(),
            never_contained.to_string(),
        ),
        (
            "Incidents reported contained with changes more than once".into(),
            twice_contained.to_string(),
        ),
        (
            "Instances with more than one snapshot per volume".into(),
            f.check.extra_snapshots.len().to_string(),
        ),
        (
            "Instances with more than one response finding in Security Hub".into(),
            twice_recorded.to_string(),
        ),
        (
            "Instances people were told their outcome twice".into(),
            twice_told.to_string(),
        ),
        (
            "Instances with more than one message (a failure, then the retry's outcome)".into(),
            f.check
                .notifications
                .iter()
                .filter(|(_, subjects)| subjects.len() > 1)
                .count()
                .to_string(),
        ),
        (
            "Deliveries whose isolation moment could not be read".into(),
            unclear.to_string(),
        ),
    ] {
        body.push_str(&row(&[what, value]));
    }
    if longest > f.lease {
        body.push_str(&format!(
            "\nA delivery ran past the ledger's {} s lease — the emulator, saturated, \
             answered that slowly — so a duplicate could take its claim over and act \
             again. Deployed, the function's 60 s timeout ends an invocation before its \
             lease runs out; double actions in this run may come from that alone.\n",
            f.lease.as_secs()
        ));
    }
    for (instance, subjects) in &told_twice {
        body.push_str(&format!("\n{instance} was told: {}\n", subjects.join("; ")));
    }
    if let Some(why) = f.handled.iter().find_map(|h| h.unclear.as_ref()) {
        body.push_str(&format!("\nFirst unreadable isolation moment: {why}\n"));
    }
    let lost = f.check.lost.len();
    let targets = vec![
        Target::new(
            "Burst: lost (instances not contained at the end)",
            "0",
            format!(
                "{lost} of {instances} ({findings} findings, {:.0}% faults)",
                FAULT_RATE * 100.0
            ),
            lost == 0,
            if lost == 0 {
                String::new()
            } else {
                format!("first: {}", f.check.lost[0])
            },
        ),
        Target::new(
            "Burst: double actions (containment, snapshots, response findings, messages)",
            "0",
            double.to_string(),
            double == 0,
            String::new(),
        ),
    ];
    Section {
        title: format!("4. Burst: {findings} findings over {instances} instances"),
        body,
        targets,
    }
}
