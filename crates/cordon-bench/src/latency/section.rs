//! Latency's report: the samples' medians and round trips per case, the critical path
//! call by call, and the three round-trip targets, as BENCHMARKS.md's section 1.

use super::{
    AFTER_ISOLATION_TRIPS, Case, FIRST_USE_TRIPS, GROUPS_EXIST_TRIPS, LATENCY, REPEATS, Sample,
};
use crate::report::{Section, Target, header, median, row};
use std::fmt::Write;

/// `5` when every sample agrees, else `5–6`.
fn spread(values: impl Iterator<Item = usize>) -> String {
    let values: Vec<usize> = values.collect();
    let (min, max) = (values.iter().min(), values.iter().max());
    match (min, max) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "–".into(),
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (interfaces, workload) in [(1, false), (2, false), (4, false), (2, true)] {
        for first_use in [true, false] {
            cases.push(Case {
                interfaces,
                workload,
                first_use,
            });
        }
    }
    cases
}

pub(super) fn section(samples: &[(Case, Sample)]) -> Section {
    let of = |case: Case| -> Vec<&Sample> {
        samples
            .iter()
            .filter(|(c, _)| *c == case)
            .map(|(_, s)| s)
            .collect()
    };
    let mut body = format!(
        "Each call from the handler to the emulator crosses `cordon_emulators::FaultProxy` \
         with {} ms added and no faults. The handler runs in this process \
         (`cordon_contain_instance::handle_event`, `AwsInstancePorts::on_aws`, \
         `ContainmentClock::HandlingStart`) with the deployed stack's settings: the \
         exactly-once ledger in DynamoDB with the blast-radius budget spent on each \
         containment, and the on-call SNS topic. Every instance is new; *first use* is \
         the first isolation in a fresh VPC (cordon creates the isolation groups), \
         *exist* a second instance in the same VPC through the same ports. {REPEATS} \
         samples per row, each in fresh VPCs of a fresh emulator (moto's describes scan \
         all it holds, so a grown estate would slow later samples); times are medians \
         from the start of \
         handling. The handler here is the harness's own {} build; the \
         release binaries are measured in the cold-start section.\n\n\
         The handler reports no time per step, so the phases are read off the proxy's \
         call records: *verified isolation* is when isolation's last call ended, found \
         as the boundary before the first call of a post-isolation step (those steps \
         only start once the read-back has verified, and each makes a call isolation \
         never makes); *full containment* is when the last call before the first \
         Security Hub or SNS call ended; the handler returns after recording and \
         settling the ledger. *Round trips* are sequential ones on the critical path: \
         a call's depth is one more than the deepest call that had ended when it \
         started, and the deepest call's depth is the count. (Counting groups of \
         overlapping calls, as `FaultProxy::sequential_round_trips` does, merges two \
         interfaces' calls running side by side a millisecond out of step into one \
         trip, and so undercounts.) The emulator answers one call at a time, so when \
         many calls run at once, as after isolation, one can end late enough to look \
         sequential to a call of another step: there the count can be a trip or two \
         high, and the chains listed show which calls really follow each other. A \
         target is judged on each case's sample with the fewest, since that effect only \
         ever adds trips.\n\n",
        LATENCY.as_millis(),
        crate::build::harness_profile()
    );
    body.push_str(&header(&[
        "Interfaces",
        "Around the instance",
        "Isolation groups",
        "→ verified isolation",
        "→ full containment",
        "→ handler returns",
        "Round trips to isolation",
        "Round trips after isolation",
        "Calls",
        "",
    ]));
    // Per target (first use, groups exist, after isolation), the case with the most
    // round trips, each case judged by its sample with the fewest: the emulator's
    // serial answering can make a call look as if it waited for another, adding a
    // trip, but never hides one, so a case's fewest is its handler's own count.
    let mut worst: [Option<(Case, &Sample)>; 3] = [None, None, None];
    let trips_in = |slot: usize, s: &Sample| match slot {
        2 => s.containment_trips.len(),
        _ => s.isolation_trips.len(),
    };
    for case in cases() {
        let runs = of(case);
        if runs.is_empty() {
            continue;
        }
        let ms = |f: fn(&Sample) -> f64| {
            format!(
                "{:.0} ms",
                median(&runs.iter().map(|s| f(s)).collect::<Vec<_>>())
            )
        };
        let to_isolation = runs.iter().map(|s| s.isolation_trips.len());
        let after = runs.iter().map(|s| s.containment_trips.len());
        let ok = to_isolation.clone().min() <= Some(case.isolation_target())
            && after.clone().min() <= Some(AFTER_ISOLATION_TRIPS);
        for slot in [usize::from(!case.first_use), 2] {
            let fewest = runs.iter().copied().min_by_key(|s| trips_in(slot, s));
            if let Some(fewest) = fewest {
                let deeper = |w: &(Case, &Sample)| trips_in(slot, fewest) > trips_in(slot, w.1);
                if worst[slot].as_ref().is_none_or(deeper) {
                    worst[slot] = Some((case, fewest));
                }
            }
        }
        let (interfaces, around, groups) = case.label();
        body.push_str(&row(&[
            interfaces,
            around.into(),
            groups.into(),
            ms(|s| s.isolation_ms),
            ms(|s| s.containment_ms),
            ms(|s| s.handler_ms),
            format!(
                "{} (target ≤ {})",
                spread(to_isolation),
                case.isolation_target()
            ),
            format!("{} (target ≤ {AFTER_ISOLATION_TRIPS})", spread(after)),
            spread(runs.iter().map(|s| s.calls)),
            crate::report::met(ok),
        ]));
    }
    body.push_str(
        "\n### Critical path, call by call\n\nFrom the first sample of each case, one line \
         per sequential round trip: in bold the call of one longest chain (each waited \
         for the one before it), then what ran beside it at that depth.\n",
    );
    for case in [
        Case {
            interfaces: 2,
            workload: false,
            first_use: false,
        },
        Case {
            interfaces: 2,
            workload: false,
            first_use: true,
        },
        Case {
            interfaces: 2,
            workload: true,
            first_use: false,
        },
    ] {
        if let Some(sample) = of(case).first() {
            let (interfaces, around, groups) = case.label();
            let _ = write!(
                body,
                "\n**{interfaces} interfaces, {around}, isolation groups {groups}**\n\n"
            );
            let mut n = 0;
            for (phase, trips) in [
                ("to verified isolation", &sample.isolation_trips),
                (
                    "after isolation, to full containment",
                    &sample.containment_trips,
                ),
                (
                    "recording and the ledger, after containment",
                    &sample.rest_trips,
                ),
            ] {
                let _ = writeln!(body, "{phase}:\n");
                for trip in trips {
                    n += 1;
                    let _ = writeln!(body, "{n}. {trip}");
                }
                body.push('\n');
            }
        }
    }
    let target = |slot: usize, what: &str, stated: &str, limit: usize| {
        let Some((case, sample)) = worst[slot] else {
            return Target::new(what, stated, "no sample".into(), false, String::new());
        };
        let (trips, chain) = if slot == 2 {
            (sample.containment_trips.len(), &sample.containment_chain)
        } else {
            (sample.isolation_trips.len(), &sample.isolation_chain)
        };
        let (interfaces, around, groups) = case.label();
        let mut why = String::new();
        if trips > limit {
            if slot != 2 && sample.ledger_trips > 0 {
                why = format!(
                    "{} of them the ledger's (DynamoDB) before isolation starts; ",
                    sample.ledger_trips
                );
            }
            why.push_str(match slot {
                1 => {
                    "the claim and every read go together in the first trip; then the move to \
                     the open group, the move to deny-all and the read-back. The moves are two \
                     by design (tracked flows become untracked only through an allow-all \
                     group), and nothing moves before the claim and the live exemption are \
                     known, so four is this design's floor; "
                }
                2 => {
                    "each step reads what it acts on, changes it with its record alongside \
                     and reads back, and the incident tags follow once every step has \
                     reported: four. Target groups read twice first, as ELBv2 cannot say \
                     which groups hold a target: five. Starting the reads while isolation \
                     runs would save one, at the price of loading the account's API (and \
                     the emulator) then; "
                }
                _ => "",
            });
            why.push_str(&format!("longest chain: {}", chain.join(" → ")));
        }
        Target::new(
            what,
            stated,
            format!("{trips} ({interfaces} interface(s), {around}, groups {groups})"),
            trips <= limit,
            why,
        )
    };
    let targets = vec![
        target(
            1,
            "Verified isolation, isolation groups exist",
            "≤ 3 sequential round trips",
            GROUPS_EXIST_TRIPS,
        ),
        target(
            0,
            "Verified isolation, first use in a VPC",
            "≤ 6 sequential round trips",
            FIRST_USE_TRIPS,
        ),
        target(
            2,
            "Full containment after verified isolation",
            "≤ 3 sequential round trips",
            AFTER_ISOLATION_TRIPS,
        ),
    ];
    Section {
        title: format!(
            "1. Time to isolation under {} ms latency",
            LATENCY.as_millis()
        ),
        body,
        targets,
    }
}
