//! The burst's report: the figures read off the deliveries and the read-back, turned
//! into BENCHMARKS.md's section 4 and its two targets.

use super::{
    CONCURRENCY, CONTAINED_SUBJECT, COPIES, FAULT_RATE, Figures, Handled, INSTANCES_PER_SHARD,
    REDELIVERIES,
};
use crate::report::{Section, Target, header, median, percentile, row};
use cordon_core::Decision;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) fn section(f: &Figures) -> Section {
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
