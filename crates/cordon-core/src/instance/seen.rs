//! What GuardDuty saw inside the instance, in the words responders search for first:
//! the process Runtime Monitoring watched (name, pid, path, SHA-256), the command line,
//! and the malware a scan found (threat, file, hash). Short and bounded, and with
//! control characters escaped: an attacker chooses these strings, and they must not
//! forge lines in a message people act on.

use cordon_events::GuardDutyFinding;
use serde::Serialize;

/// Longest text kept of any one string GuardDuty reports.
const MAX_TEXT: usize = 256;
/// Malware entries kept (threat and file); the rest are counted.
const MAX_MALWARE: usize = 5;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeenOnHost {
    /// `bash (pid 28813, /usr/bin/bash, sha256 5c0e…)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// `Linux.Trojan.Mirai.A: /tmp/.x/kworkerd (sha256 9d4c…)`, then `… N more`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malware: Vec<String>,
}

impl SeenOnHost {
    pub fn from_finding(finding: &GuardDutyFinding) -> Self {
        let runtime = finding.service.runtime_details.as_ref();
        let process = runtime.and_then(|r| r.process.as_ref()).and_then(|p| {
            let mut details = Vec::new();
            if let Some(pid) = p.pid {
                details.push(format!("pid {pid}"));
            }
            details.extend(p.executable_path.iter().map(|path| clean(path)));
            details.extend(
                p.executable_sha256
                    .iter()
                    .map(|hash| format!("sha256 {}", clean(hash))),
            );
            let name = p.name.as_deref().map(clean);
            match (name, details.is_empty()) {
                (None, true) => None,
                (name, _) => Some(clean(&format!(
                    "{} ({})",
                    name.as_deref().unwrap_or("unnamed process"),
                    details.join(", ")
                ))),
            }
        });
        let command_line = runtime
            .and_then(|r| r.context.as_ref())
            .and_then(|c| c.command_line_example.as_deref())
            .map(clean);
        Self {
            process,
            command_line,
            malware: malware(finding),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.process.is_none() && self.command_line.is_none() && self.malware.is_empty()
    }

    /// One line per kind of evidence, labelled: `Process: …`, `Command line: …`,
    /// `Malware: …`.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if let Some(process) = &self.process {
            lines.push(("Process", process.clone()));
        }
        if let Some(command) = &self.command_line {
            lines.push(("Command line", command.clone()));
        }
        if !self.malware.is_empty() {
            lines.push(("Malware", self.malware.join("; ")));
        }
        lines
    }
}

/// Each threat with each file it was found in: the volume scan's names, or the
/// runtime scan's threats.
fn malware(finding: &GuardDutyFinding) -> Vec<String> {
    let service = &finding.service;
    let scanned = service
        .ebs_volume_scan_details
        .iter()
        .filter_map(|s| s.scan_detections.as_ref())
        .filter_map(|d| d.threat_detected_by_name.as_ref())
        .flat_map(|t| t.threat_names.iter())
        .flat_map(|threat| {
            let name = threat.name.as_deref().unwrap_or("unnamed threat");
            let files: Vec<_> = threat
                .file_paths
                .iter()
                .map(|f| {
                    entry(
                        name,
                        f.file_path.as_deref().or(f.file_name.as_deref()),
                        f.hash.as_deref(),
                    )
                })
                .collect();
            if files.is_empty() {
                vec![entry(name, None, None)]
            } else {
                files
            }
        });
    let runtime = service
        .malware_scan_details
        .iter()
        .flat_map(|m| m.threats.iter())
        .flat_map(|threat| {
            let name = threat.name.as_deref().unwrap_or("unnamed threat");
            let items: Vec<_> = threat
                .item_paths
                .iter()
                .map(|i| {
                    entry(
                        name,
                        i.nested_item_path.as_deref(),
                        i.hash.as_deref().or(threat.hash.as_deref()),
                    )
                })
                .collect();
            if items.is_empty() {
                vec![entry(name, None, threat.hash.as_deref())]
            } else {
                items
            }
        });
    let all: Vec<String> = scanned.chain(runtime).collect();
    let mut kept: Vec<String> = all.iter().take(MAX_MALWARE).cloned().collect();
    if all.len() > MAX_MALWARE {
        kept.push(format!("… {} more", all.len() - MAX_MALWARE));
    }
    kept
}

fn entry(threat: &str, file: Option<&str>, hash: Option<&str>) -> String {
    let mut text = threat.to_owned();
    if let Some(file) = file {
        text.push_str(&format!(": {file}"));
    }
    if let Some(hash) = hash {
        text.push_str(&format!(" (sha256 {hash})"));
    }
    clean(&text)
}

/// Control characters escaped (a newline stays on its line as `\n`), cut to
/// `MAX_TEXT` bytes on a character boundary.
fn clean(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c.is_control() {
            true => c.escape_default().collect::<Vec<_>>(),
            false => vec![c],
        })
        .collect();
    crate::recording::truncate(&escaped, MAX_TEXT)
}

#[cfg(test)]
#[path = "seen_tests.rs"]
mod tests;
