//! Benchmark 1, time to isolation under latency: the instance handler, in this process,
//! on clients whose every call crosses the fault proxy with a fixed 25 ms added (no
//! faults), on instances with 1, 2 and 4 interfaces, both the first time cordon
//! isolates in a VPC (the isolation groups are created) and once they exist (a second
//! instance in the same VPC, through the same ports, so any per-process cache counts).

mod bench;
mod section;

use crate::report::Section;
use bench::Bench;
use section::section;
use std::time::Duration;

const LATENCY: Duration = Duration::from_millis(25);
/// Samples per case, each in a fresh emulator: the times shown are their medians.
const REPEATS: usize = 3;
const GROUPS_EXIST_TRIPS: usize = 3;
const FIRST_USE_TRIPS: usize = 6;
const AFTER_ISOLATION_TRIPS: usize = 3;

/// One row of the table: the instance measured and whether its VPC is new to cordon.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Case {
    interfaces: usize,
    /// Instance profile, data volume, Auto Scaling group and target groups around it.
    workload: bool,
    first_use: bool,
}

impl Case {
    fn label(&self) -> (String, &'static str, &'static str) {
        (
            self.interfaces.to_string(),
            if self.workload {
                "profile, 2 volumes, ASG, 2 target groups"
            } else {
                "root volume only"
            },
            if self.first_use {
                "first use in the VPC"
            } else {
                "exist"
            },
        )
    }

    fn isolation_target(&self) -> usize {
        if self.first_use {
            FIRST_USE_TRIPS
        } else {
            GROUPS_EXIST_TRIPS
        }
    }
}

/// One handled finding's times and round trips, read off the proxy's calls.
struct Sample {
    isolation_ms: f64,
    containment_ms: f64,
    handler_ms: f64,
    /// Round trips up to verified isolation, each described.
    isolation_trips: Vec<String>,
    /// How many of those only touched the ledger.
    ledger_trips: usize,
    /// Round trips after isolation up to full containment, then to the handler's end.
    containment_trips: Vec<String>,
    rest_trips: Vec<String>,
    /// The calls of the longest chain to isolation, and after it to containment.
    isolation_chain: Vec<String>,
    containment_chain: Vec<String>,
    calls: usize,
}

pub async fn run() -> Result<Section, String> {
    let mut samples: Vec<(Case, Sample)> = Vec::new();
    for repeat in 1..=REPEATS {
        println!("latency run {repeat}/{REPEATS}");
        // A fresh emulator each time: moto's describes scan everything it holds, so
        // an estate grown by earlier samples would slow the later ones.
        samples.extend(Bench::start().await?.repeat().await?);
    }
    Ok(section(&samples))
}
