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

mod read_back;
mod section;
mod shards;
mod worker;

use crate::Why;
use crate::report::Section;
use crate::world::finding_about;
use cordon_core::Decision;
use cordon_emulators::FaultProxy;
use cordon_events::AccountId;
use cordon_fixtures::Placeholders;
use cordon_lambda::FunctionConfig;
use futures_util::future::join_all;
use read_back::ReadBack;
use section::section;
use serde_json::Value;
use shards::start_shards;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use worker::{Worker, work};

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
        workers.push(Arc::new(Worker::start(n, &shards).await?));
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

/// What the burst measured and read back, for its section.
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
