//! parliament and cloudsplaining on every IAM policy of the expanded template and
//! member-role.yaml: each role's inline and managed policies, the managed policies,
//! the key, topic and queue policies. The templates are read with every conditional
//! grant switched on, since the lint judges the most a deployment can grant. A
//! finding fails the lint unless `KNOWN` (in `iam_known.rs`) names it, on that role,
//! with its reason; a `KNOWN` entry that no longer matches fails it too, so the list stays exact.

use super::iam_known::{KNOWN, Known};
use cordon_emulators::{PythonEnv, heading};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

pub const REQUIREMENTS: [&str; 4] = [
    "parliament==1.6.4",
    "cloudsplaining==0.9.1",
    // cloudsplaining's IAM data (which actions write, which expose credentials).
    "policy-sentry==0.15.2",
    // parliament reads its data with pkg_resources, which newer setuptools drop.
    "setuptools==80.9.0",
];
pub const ENV_NAME: &str = "lint-iam-parliament-1.6.4-cloudsplaining-0.9.1";

const SCRIPT: &str = include_str!("iam_policies.py");

/// Parameter values that switch every conditional grant and deny on; member-role.yaml's
/// required parameters get well-formed values.
const PARAMETERS: &str = r#"{
  "ContainTamperingPrincipal": "true",
  "ReleaseFromSecurityHub": "true",
  "BreakGlassPrincipals": "break-glass-admin,arn:aws:iam::123456789012:role/ops/on-call",
  "MemberRoleExternalId": "0123456789abcdef0123",
  "ExternalId": "0123456789abcdef0123",
  "ContainInstanceFunctionRoleArn": "arn:aws:iam::123456789012:role/cordon/ContainInstanceFunctionRole",
  "ContainCredentialsFunctionRoleArn": "arn:aws:iam::123456789012:role/cordon/ContainCredentialsFunctionRole",
  "RespondToCloudTrailFunctionRoleArn": "arn:aws:iam::123456789012:role/cordon/RespondToCloudTrailFunctionRole",
  "ContainBucketFunctionRoleArn": "arn:aws:iam::123456789012:role/cordon/ContainBucketFunctionRole",
  "ContainLambdaFunctionRoleArn": "arn:aws:iam::123456789012:role/cordon/ContainLambdaFunctionRole"
}"#;
/// One finding as the script reports it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub tool: String,
    pub source: String,
    pub subject: String,
    pub finding: String,
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} {} {}",
            self.source, self.subject, self.finding, self.detail
        )
    }
}

/// What the allow-list makes of a tool's findings.
#[derive(Debug, Default)]
pub struct Verdict<'a> {
    pub known: Vec<(&'a Finding, &'static Known)>,
    pub unknown: Vec<&'a Finding>,
    /// (entry, detail, subject) that matched nothing.
    pub stale: Vec<(&'static Known, &'static str, &'static str)>,
}

fn matches(known: &Known, detail: &str, subject: &str, found: &Finding) -> bool {
    found.tool == known.tool
        && found.finding == known.finding
        && found.detail.eq_ignore_ascii_case(detail)
        && found.subject == subject
}

/// Sorts `found` (one tool's findings) against the entries of `known` for that tool.
pub fn judge<'a>(tool: &str, found: &'a [Finding], known: &'static [Known]) -> Verdict<'a> {
    let known: Vec<&'static Known> = known.iter().filter(|k| k.tool == tool).collect();
    let mut verdict = Verdict::default();
    for f in found.iter().filter(|f| f.tool == tool) {
        let hit = known.iter().find(|k| {
            k.details
                .iter()
                .any(|d| k.subjects.iter().any(|s| matches(k, d, s, f)))
        });
        match hit {
            Some(k) => verdict.known.push((f, k)),
            None => verdict.unknown.push(f),
        }
    }
    for k in known {
        for detail in k.details {
            for subject in k.subjects {
                if !found.iter().any(|f| matches(k, detail, subject, f)) {
                    verdict.stale.push((k, detail, subject));
                }
            }
        }
    }
    verdict
}

/// Runs both tools on the templates (as JSON) and prints a heading per tool.
pub fn lint(env: &PythonEnv, root: &Path, templates: &[(&str, &Path)]) -> Result<(), String> {
    let (read, found) = analyze(env, root, templates)?;
    let mut failures = Vec::new();
    for (tool, what) in [
        (
            "parliament",
            "each policy document, community auditors included",
        ),
        (
            "cloudsplaining",
            "each role's grants, risky actions flagged even where ARNs or conditions limit them",
        ),
    ] {
        heading(&format!("{tool} ({what})"));
        read.iter().for_each(|line| println!("{line}"));
        let verdict = judge(tool, &found, KNOWN);
        for known in KNOWN.iter().filter(|k| k.tool == tool) {
            let on: BTreeSet<&str> = verdict
                .known
                .iter()
                .filter(|(_, k)| std::ptr::eq(*k, known))
                .map(|(f, _)| f.subject.as_str())
                .collect();
            if !on.is_empty() {
                let on: Vec<&str> = on.into_iter().collect();
                let details: Vec<&str> = known
                    .details
                    .iter()
                    .copied()
                    .filter(|d| !d.is_empty())
                    .collect();
                println!(
                    "known  {} {}on {}\n       because {}",
                    known.finding,
                    details.iter().map(|d| format!("{d} ")).collect::<String>(),
                    on.join(", "),
                    known.reason
                );
            }
        }
        for finding in &verdict.unknown {
            println!("NEW    {finding}");
        }
        for (known, detail, subject) in &verdict.stale {
            println!(
                "STALE  allow-list entry {} {detail} on {subject} matches no finding",
                known.finding
            );
        }
        println!(
            "{} findings, {} of them known (the allow-list in crates/xtask/src/lint/iam.rs); \
             {} new, {} stale allow-list entries",
            verdict.known.len() + verdict.unknown.len(),
            verdict.known.len(),
            verdict.unknown.len(),
            verdict.stale.len()
        );
        if !verdict.unknown.is_empty() || !verdict.stale.is_empty() {
            failures.push(format!(
                "{tool}: {} new findings, {} stale allow-list entries",
                verdict.unknown.len(),
                verdict.stale.len()
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// What was read (one line per template) and every finding.
fn analyze(
    env: &PythonEnv,
    root: &Path,
    templates: &[(&str, &Path)],
) -> Result<(Vec<String>, Vec<Finding>), String> {
    let mut command = Command::new(env.python());
    command
        .current_dir(root)
        .args(["-c", SCRIPT, PARAMETERS])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    for (label, path) in templates {
        command.arg(label).arg(path);
    }
    let output = command
        .output()
        .map_err(|e| format!("IAM policy analysis: cannot start {:?}: {e}", env.python()))?;
    if !output.status.success() {
        return Err(format!("IAM policy analysis failed ({})", output.status));
    }
    let (mut read, mut found) = (Vec::new(), BTreeSet::new());
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("IAM policy analysis: {e}: {line}"))?;
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
        if value.get("tool").is_some() {
            found.insert(Finding {
                tool: field("tool"),
                source: field("source"),
                subject: field("subject"),
                finding: field("finding"),
                detail: field("detail"),
            });
        } else {
            read.push(format!(
                "{}: {} policies, {} roles, every conditional grant on",
                field("source"),
                value["policies"],
                value["principals"]
            ));
        }
    }
    Ok((read, found.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(tool: &str, subject: &str, finding: &str, detail: &str) -> Finding {
        Finding {
            tool: tool.into(),
            source: "template.yaml".into(),
            subject: subject.into(),
            finding: finding.into(),
            detail: detail.into(),
        }
    }

    const ONE: &[Known] = &[Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["iam:PutRolePolicy"],
        subjects: &["A", "B"],
        reason: "test",
    }];

    #[test]
    fn a_listed_finding_is_known_whatever_the_case_of_its_action() {
        let found = [
            finding(
                "parliament",
                "A",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:putrolepolicy",
            ),
            finding(
                "parliament",
                "B",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:PutRolePolicy",
            ),
        ];
        let verdict = judge("parliament", &found, ONE);
        assert_eq!(verdict.known.len(), 2);
        assert!(verdict.unknown.is_empty() && verdict.stale.is_empty());
    }

    #[test]
    fn the_same_finding_on_another_role_or_action_is_new() {
        let found = [
            finding(
                "parliament",
                "A",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:PutRolePolicy",
            ),
            finding(
                "parliament",
                "B",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:PutRolePolicy",
            ),
            finding(
                "parliament",
                "C",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:PutRolePolicy",
            ),
            finding(
                "parliament",
                "A",
                "PERMISSIONS_MANAGEMENT_ACTIONS",
                "iam:PutUserPolicy",
            ),
        ];
        let verdict = judge("parliament", &found, ONE);
        let new: Vec<_> = verdict
            .unknown
            .iter()
            .map(|f| (f.subject.as_str(), f.detail.as_str()))
            .collect();
        assert_eq!(
            new,
            [("C", "iam:PutRolePolicy"), ("A", "iam:PutUserPolicy")]
        );
    }

    #[test]
    fn an_entry_that_matches_nothing_is_stale() {
        let found = [finding(
            "parliament",
            "A",
            "PERMISSIONS_MANAGEMENT_ACTIONS",
            "iam:PutRolePolicy",
        )];
        let verdict = judge("parliament", &found, ONE);
        let stale: Vec<_> = verdict.stale.iter().map(|(_, d, s)| (*d, *s)).collect();
        assert_eq!(stale, [("iam:PutRolePolicy", "B")]);
    }

    #[test]
    fn another_tools_findings_and_entries_are_left_alone() {
        let found = [finding(
            "cloudsplaining",
            "A",
            "ResourceExposure",
            "iam:PutRolePolicy",
        )];
        let verdict = judge("cloudsplaining", &found, ONE);
        assert_eq!(verdict.unknown.len(), 1);
        assert!(verdict.stale.is_empty());
    }

    #[test]
    fn every_allow_list_entry_gives_a_reason_and_names_each_finding_once() {
        let mut seen = BTreeSet::new();
        for k in KNOWN {
            assert!(!k.reason.trim().is_empty(), "{} {:?}", k.finding, k.details);
            assert!(["parliament", "cloudsplaining"].contains(&k.tool));
            for detail in k.details {
                for subject in k.subjects {
                    let key = (k.tool, k.finding, detail.to_ascii_lowercase(), *subject);
                    assert!(seen.insert(key.clone()), "listed twice: {key:?}");
                }
            }
        }
    }
}
