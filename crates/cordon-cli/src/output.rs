use cordon_core::{Outcome, StepStatus};
use serde::Serialize;

/// One line of replay output: an event file as handled by one function.
#[derive(Debug, Serialize)]
pub struct Record {
    pub file: String,
    pub function: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

pub fn print_record(record: &Record, json: bool) {
    if json {
        match serde_json::to_string(record) {
            Ok(line) => println!("{line}"),
            Err(err) => eprintln!("error: cannot serialise the result: {err}"),
        }
    } else {
        print!("{}", human(record));
    }
}

fn human(record: &Record) -> String {
    let outcome = &record.outcome;
    let function = record.function.as_deref().unwrap_or("no function");
    let mut out = format!(
        "{} -> {function}: {}\n  why: {}\n",
        record.file,
        outcome.decision.as_str().to_uppercase(),
        outcome.reason
    );
    if let Some(ms) = outcome.time_to_containment_ms {
        out.push_str(&format!("  time to containment: {ms} ms\n"));
    }
    if let Some(record) = &outcome.record {
        let source = match record.source_finding {
            Some(cordon_core::ports::SourceUpdate::Updated) => "source finding annotated",
            Some(cordon_core::ports::SourceUpdate::NotInSecurityHub) => {
                "source finding not in Security Hub"
            }
            None => "source finding NOT annotated",
        };
        out.push_str(&format!(
            "  recorded: Security Hub finding {}; {source}; {}\n",
            record.response_finding_id,
            if record.notified {
                "on-call notified"
            } else {
                "no notification topic"
            }
        ));
        for failure in &record.failures {
            out.push_str(&format!("  RECORDING FAILED: {failure}\n"));
        }
    }
    for step in &outcome.steps {
        let mark = match step.status {
            StepStatus::Planned => "would",
            StepStatus::Done => "done",
            StepStatus::AlreadyDone => "already",
            StepStatus::Skipped => "skipped",
            StepStatus::Failed => "FAILED",
        };
        out.push_str(&format!(
            "  [{mark:>7}] {} {}: {}\n",
            step.name, step.target, step.detail
        ));
    }
    out
}
