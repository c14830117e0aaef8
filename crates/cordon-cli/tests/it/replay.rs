//! `cordon replay` end to end: the built binary, run as an operator would, against the
//! emulator. Every test reads the emulator's state back through the SDK rather than
//! trusting what the binary prints.
//!
//! Tests that assert on moto's request recording start a server of their own: the
//! recording is global per server, so any other test writing to the same server (even
//! just building its estate) would show up in it. The rest share one server, each in
//! a VPC of its own.

use crate::support::cordon_command;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::SecurityGroup;
use cordon_emulators::{MotoServer, publish_finding, shared_moto, workspace_root};
use cordon_fixtures::{Estate, sdk_config};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const FUNCTION: &str = "ContainInstanceFunction";
const TWO_ENIS: &str = "guardduty/backdoor-c2-two-enis.json";

/// What one run of the binary came to.
struct Run {
    args: Vec<String>,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn succeeded(&self) -> bool {
        self.code == Some(0)
    }

    /// Each line of stdout as the JSON object `--json` promises.
    fn records(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                let record: Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\n{self}"));
                assert_record_shape(&record);
                record
            })
            .collect()
    }

    /// The only record, for a run of one file routed to one function.
    fn single_record(&self) -> Value {
        let mut records = self.records();
        assert_eq!(records.len(), 1, "expected one JSON line\n{self}");
        records.remove(0)
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cordon {}\nexit code: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Runs the binary as every test here does (see `support`).
fn cordon(args: &[String]) -> Run {
    let output = cordon_command()
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the cordon binary runs");
    Run {
        args: args.to_vec(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The contract every `--json` line keeps.
fn assert_record_shape(record: &Value) {
    for key in ["file", "function", "decision", "reason", "steps"] {
        assert!(record.get(key).is_some(), "no `{key}` in {record}");
    }
    assert!(record["file"].is_string(), "{record}");
    let decision = record["decision"].as_str().unwrap_or_default();
    assert!(
        ["contained", "observed", "ignored", "failed"].contains(&decision),
        "unknown decision in {record}"
    );
    assert!(record["reason"].is_string(), "{record}");
    for step in record["steps"].as_array().expect("steps is an array") {
        for key in ["name", "target", "status"] {
            assert!(step[key].is_string(), "step without `{key}` in {record}");
        }
    }
}

fn decision(record: &Value) -> &str {
    record["decision"].as_str().unwrap()
}

fn steps(record: &Value) -> &[Value] {
    record["steps"].as_array().unwrap()
}

/// The targets of the steps called `name` that have `status`.
fn step_targets(record: &Value, name: &str, status: &str) -> BTreeSet<String> {
    steps(record)
        .iter()
        .filter(|s| s["name"] == name && s["status"] == status)
        .map(|s| s["target"].as_str().unwrap().to_owned())
        .collect()
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap()
}

/// A directory of its own under the system temp dir, removed on drop.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "cordon-replay-test-{label}-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        Self { dir }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An estate in the emulator, and event files rewritten to name it.
struct World {
    endpoint: String,
    ec2: Client,
    estate: Estate,
    scratch: Scratch,
}

impl World {
    async fn new(server: &MotoServer, label: &str) -> Self {
        let endpoint = server.endpoint();
        let ec2 = Client::new(&sdk_config(&endpoint).await);
        let estate = Estate::build(&ec2).await.expect("estate");
        Self {
            endpoint,
            ec2,
            estate,
            scratch: Scratch::new(label),
        }
    }

    /// `events/<fixture>` with this estate's ids, written under the same file name; a
    /// GuardDuty finding is also published, as GuardDuty would have reported it.
    fn event(&self, fixture: &str) -> PathBuf {
        let path = self.unpublished_event(fixture);
        if fixture.starts_with("guardduty/") {
            let event = std::fs::read_to_string(&path).unwrap();
            publish_finding(&self.endpoint, &serde_json::from_str(&event).unwrap()).unwrap();
        }
        path
    }

    /// As [`Self::event`], but a finding GuardDuty never reported.
    fn unpublished_event(&self, fixture: &str) -> PathBuf {
        let source = workspace_root().join("events").join(fixture);
        let raw = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("reading {}: {e}", source.display()));
        let path = self.scratch.dir.join(file_name(&source));
        std::fs::write(&path, self.estate.rewrite(&raw)).unwrap();
        path
    }

    fn replay(&self, flags: &[&str], files: &[&Path]) -> Run {
        let mut args = vec![
            "replay".to_owned(),
            "--endpoint".to_owned(),
            self.endpoint.clone(),
        ];
        args.extend(flags.iter().map(|f| (*f).to_owned()));
        args.extend(files.iter().map(|f| f.display().to_string()));
        cordon(&args)
    }

    async fn isolation_groups(&self) -> Vec<SecurityGroup> {
        self.estate.isolation_groups(&self.ec2).await.unwrap()
    }

    /// Exactly one deny-all group in the estate's VPC.
    async fn deny_group(&self) -> SecurityGroup {
        let found = self.estate.deny_group(&self.ec2).await.unwrap();
        found.unwrap_or_else(|| panic!("no deny-all group in {}", self.estate.vpc))
    }

    async fn interfaces_in(&self, group: &str) -> BTreeSet<String> {
        self.estate
            .interfaces_held_by(&self.ec2, group)
            .await
            .unwrap()
    }

    /// Both interfaces held by the deny-all group alone, which has no rules, and the
    /// instance tagged as contained.
    async fn assert_contained(&self) {
        let deny = self.deny_group().await;
        let deny_id = deny.group_id().unwrap();
        assert_eq!(
            self.interfaces_in(deny_id).await,
            self.estate.all_interfaces()
        );
        assert!(self.interfaces_in(&self.estate.web_group).await.is_empty());
        for (eni, groups) in self.estate.interface_groups(&self.ec2).await.unwrap() {
            assert_eq!(groups, [deny_id], "{eni}");
        }
        assert!(
            deny.ip_permissions().is_empty(),
            "deny-all has ingress rules: {deny:?}"
        );
        assert!(
            deny.ip_permissions_egress().is_empty(),
            "deny-all has egress rules: {deny:?}"
        );
        let tags = self.estate.instance_tags(&self.ec2).await.unwrap();
        assert!(
            tags.contains(&("cordon:status".into(), "contained".into())),
            "{tags:?}"
        );
    }

    /// No isolation group, both interfaces still in the web group only, no cordon tags.
    async fn assert_untouched(&self) {
        let groups = self.isolation_groups().await;
        assert!(
            groups.is_empty(),
            "isolation groups were created: {groups:?}"
        );
        assert_eq!(
            self.interfaces_in(&self.estate.web_group).await,
            self.estate.all_interfaces()
        );
        for (eni, groups) in self.estate.interface_groups(&self.ec2).await.unwrap() {
            assert_eq!(groups, [self.estate.web_group.as_str()], "{eni}");
        }
        let tags = self.estate.instance_tags(&self.ec2).await.unwrap();
        assert!(
            tags.iter().all(|(k, _)| !k.starts_with("cordon:")),
            "{tags:?}"
        );
    }
}

/// Each invalid fixture and the field its error must name.
const INVALID: &[(&str, &str)] = &[
    ("bad-account-id.json", "detail.accountId"),
    (
        "bad-instance-id.json",
        "detail.resource.instanceDetails.instanceId",
    ),
    (
        "cloudtrail-bad-access-key.json",
        "detail.userIdentity.accessKeyId",
    ),
    (
        "cloudtrail-ingress-bad-group.json",
        "detail.requestParameters.groupId",
    ),
    ("cloudtrail-missing-event-id.json", "detail.eventID"),
    ("cloudtrail-untrusted-source.json", "source"),
    ("custom-action-not-cordons.json", "resources"),
    ("custom-action-two-findings.json", "detail.findings"),
    ("guardduty-malformed-region.json", "detail.region"),
    ("guardduty-region-mismatch.json", "detail.region"),
    (
        "lambda-function-name-not-its-arn.json",
        "detail.resource.lambdaDetails.functionName",
    ),
    ("missing-detail-type.json", "detail-type"),
    (
        "missing-network-interfaces.json",
        "detail.resource.instanceDetails.networkInterfaces",
    ),
    ("severity-not-a-number.json", "detail.severity"),
];

#[tokio::test]
async fn enforce_replay_isolates_both_interfaces_and_a_second_replay_writes_nothing_new() {
    let server = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let world = World::new(&server, "enforce").await;
    let event = world.event(TWO_ENIS);

    let first = world.replay(&["--json"], &[&event]);
    assert!(first.succeeded(), "{first}");
    let record = first.single_record();
    assert_eq!(decision(&record), "contained", "{first}");
    assert_eq!(record["function"], FUNCTION, "{first}");
    assert_eq!(record["file"], event.display().to_string(), "{first}");
    assert!(!record["reason"].as_str().unwrap().is_empty());
    assert_eq!(
        step_targets(&record, "isolate-network-interface", "done"),
        world.estate.all_interfaces(),
        "{first}"
    );
    world.assert_contained().await;
    assert_eq!(world.isolation_groups().await.len(), 2);

    server.clear_recording().unwrap();
    let second = world.replay(&["--json"], &[&event]);
    assert!(second.succeeded(), "{second}");
    let record = second.single_record();
    assert_eq!(decision(&record), "contained", "{second}");
    assert_eq!(
        step_targets(&record, "isolate-network-interface", "already-done"),
        world.estate.all_interfaces(),
        "{second}"
    );
    let groups = world.isolation_groups().await;
    assert_eq!(groups.len(), 2, "{groups:?}");
    world.assert_contained().await;

    let actions = server.recorded_actions().unwrap();
    assert!(
        actions.iter().any(|a| a == "ec2:DescribeNetworkInterfaces"),
        "the recording missed the second replay: {actions:?}"
    );
    let writes = server.recorded_writes().unwrap();
    for forbidden in [
        "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:CreateSecurityGroup",
    ] {
        assert!(
            !writes.iter().any(|w| w == forbidden),
            "{forbidden} on re-run: {writes:?}"
        );
    }
}

#[tokio::test]
async fn a_runtime_finding_is_routed_by_the_template_and_contains_the_instance() {
    // No resource role: the instance's own process opened the reverse shell.
    let world = World::new(shared_moto(), "runtime").await;
    let event = world.event("guardduty/runtime-reverse-shell.json");
    let run = world.replay(&["--json"], &[&event]);
    assert!(run.succeeded(), "{run}");
    let record = run.single_record();
    assert_eq!(record["function"], FUNCTION, "{run}");
    assert_eq!(decision(&record), "contained", "{run}");
    world.assert_contained().await;
}

#[tokio::test]
async fn a_finding_guardduty_never_reported_touches_nothing_and_is_recorded_as_a_possible_forgery()
{
    let server = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let world = World::new(&server, "forged").await;
    let forged = world.unpublished_event(TWO_ENIS);
    server.clear_recording().unwrap();

    let run = world.replay(&["--json"], &[&forged]);
    assert!(run.succeeded(), "a forgery is recorded, not retried: {run}");
    let record = run.single_record();
    assert_eq!(decision(&record), "observed", "{run}");
    assert_eq!(record["possible_forgery"], true, "{run}");
    let reason = record["reason"].as_str().unwrap();
    assert!(reason.contains("GuardDuty has no finding"), "{reason}");
    assert!(steps(&record).is_empty(), "{run}");
    world.assert_untouched().await;
    let writes = server.recorded_writes().unwrap();
    assert!(
        !writes.iter().any(|w| w.starts_with("ec2:")),
        "EC2 changed for a forged finding: {writes:?}"
    );

    // The same event, once GuardDuty has reported it, is contained.
    let published = world.event(TWO_ENIS);
    let run = world.replay(&["--json"], &[&published]);
    assert!(run.succeeded(), "{run}");
    assert_eq!(decision(&run.single_record()), "contained", "{run}");
    world.assert_contained().await;
}

#[tokio::test]
async fn observed_ignored_invalid_and_dry_run_events_touch_nothing() {
    let server = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let world = World::new(&server, "untouched").await;
    server.clear_recording().unwrap();

    for (fixture, expected, why) in [
        ("ssh-brute-force-target.json", "ignored", "rule"),
        ("port-probe-target.json", "observed", "TARGET"),
        ("sample-finding.json", "observed", "sample"),
        ("portscan-low-severity.json", "ignored", "rule"),
    ] {
        let event = world.event(&format!("guardduty/{fixture}"));
        let run = world.replay(&["--json"], &[&event]);
        assert!(run.succeeded(), "{run}");
        let record = run.single_record();
        assert_eq!(decision(&record), expected, "{run}");
        let reason = record["reason"].as_str().unwrap();
        assert!(
            reason.contains(why),
            "{fixture}: reason should say why ({why}): {run}"
        );
        assert!(steps(&record).is_empty(), "{run}");
    }

    let invalid_dir = workspace_root().join("events/invalid");
    let mut on_disk: Vec<String> = std::fs::read_dir(&invalid_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let known: Vec<String> = INVALID.iter().map(|(file, _)| (*file).to_owned()).collect();
    assert_eq!(
        on_disk, known,
        "every invalid fixture needs an expected field here"
    );
    for (fixture, field) in INVALID {
        let event = world.event(&format!("invalid/{fixture}"));
        let run = world.replay(&["--json"], &[&event]);
        assert!(!run.succeeded(), "{fixture} was accepted\n{run}");
        assert!(run.code.is_some(), "killed by a signal\n{run}");
        assert!(
            run.stderr.contains(fixture),
            "stderr should name the file\n{run}"
        );
        assert!(
            run.stderr.contains(field),
            "stderr should name `{field}`\n{run}"
        );
        let record = run.single_record();
        assert_eq!(decision(&record), "failed", "{run}");
        assert!(steps(&record).is_empty(), "{run}");
    }

    let event = world.event(TWO_ENIS);
    let run = world.replay(&["--dry-run", "--json"], &[&event]);
    assert!(run.succeeded(), "{run}");
    let record = run.single_record();
    assert_eq!(decision(&record), "observed", "{run}");
    assert!(!steps(&record).is_empty(), "{run}");
    assert!(
        steps(&record).iter().all(|s| s["status"] == "planned"),
        "{run}"
    );
    let names: BTreeSet<&str> = steps(&record)
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for name in [
        "ensure-isolation-groups",
        "isolate-network-interface",
        "isolate-other-network-interfaces",
        "verify-isolation",
        "disassociate-instance-profile",
        "revoke-role-sessions",
        "protect-instance",
        "keep-volumes",
        "detach-from-auto-scaling-group",
        "deregister-from-target-groups",
        "snapshot-volumes",
        "shorten-connection-tracking",
        "tag-incident-resources",
    ] {
        assert!(names.contains(name), "no {name} step\n{run}");
    }
    assert_eq!(
        step_targets(&record, "isolate-network-interface", "planned"),
        world.estate.all_interfaces(),
        "{run}"
    );

    let actions = server.recorded_actions().unwrap();
    assert!(
        actions.iter().any(|a| a == "sts:GetCallerIdentity"),
        "the recording missed the replays: {actions:?}"
    );
    let writes = server.recorded_writes().unwrap();
    assert!(writes.is_empty(), "state-changing calls: {writes:?}");
    world.assert_untouched().await;
}

#[tokio::test]
async fn a_bad_file_in_a_batch_fails_the_run_but_the_good_one_is_still_handled() {
    let world = World::new(shared_moto(), "mixed").await;
    let bad = world.event("invalid/bad-instance-id.json");
    let good = world.event(TWO_ENIS);

    // The bad file first: a failure must not stop the rest of the batch.
    let run = world.replay(&["--json"], &[&bad, &good]);
    assert!(!run.succeeded(), "{run}");
    assert!(run.code.is_some(), "killed by a signal\n{run}");
    assert!(
        run.stderr.contains(file_name(&bad)),
        "stderr should name the bad file\n{run}"
    );
    assert!(
        !run.stderr.contains(file_name(&good)),
        "the good file is not an error\n{run}"
    );
    let records = run.records();
    assert_eq!(records.len(), 2, "{run}");
    let record_for = |path: &Path| {
        records
            .iter()
            .find(|r| r["file"] == path.display().to_string())
            .unwrap_or_else(|| panic!("no line for {}\n{run}", path.display()))
    };
    assert_eq!(decision(record_for(&bad)), "failed", "{run}");
    assert_eq!(decision(record_for(&good)), "contained", "{run}");
    world.assert_contained().await;
}

#[tokio::test]
async fn human_output_of_a_dry_run_names_the_decision_and_every_step() {
    let world = World::new(shared_moto(), "human").await;
    let event = world.event(TWO_ENIS);

    let json = world.replay(&["--dry-run", "--json"], &[&event]);
    assert!(json.succeeded(), "{json}");
    let record = json.single_record();
    let human = world.replay(&["--dry-run"], &[&event]);
    assert!(human.succeeded(), "{human}");

    assert!(
        !human.stdout.trim_start().starts_with('{'),
        "JSON without --json\n{human}"
    );
    assert!(human.stdout.contains(file_name(&event)), "{human}");
    let wanted = decision(&record);
    assert!(
        human.stdout.to_lowercase().contains(wanted),
        "no decision {wanted}\n{human}"
    );
    assert!(steps(&record).len() >= 5, "{json}");
    for step in steps(&record) {
        let name = step["name"].as_str().unwrap();
        let target = step["target"].as_str().unwrap();
        assert!(
            human
                .stdout
                .lines()
                .any(|l| l.contains(name) && l.contains(target)),
            "no line for step {name} {target}\n{human}"
        );
    }
    world.assert_untouched().await;
}

#[test]
fn rules_lists_the_containment_function() {
    let run = cordon(&["rules".to_owned()]);
    assert!(run.succeeded(), "{run}");
    assert!(run.stdout.contains(FUNCTION), "{run}");
    assert!(run.stdout.contains("aws.guardduty"), "{run}");
}

#[test]
fn without_credentials_replay_stops_once_with_one_readable_line_and_a_hint() {
    let events = workspace_root().join("events/guardduty");
    let output = cordon_command()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/cordon-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/cordon-test-credentials",
        )
        // Nothing listens here: no credentials must be found before any call.
        .args(["replay", "--endpoint", "http://127.0.0.1:9"])
        .arg(events.join("backdoor-c2-two-enis.json"))
        .arg(events.join("bitcoin-tool-dns.json"))
        .output()
        .expect("the cordon binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot determine the current AWS account"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint:") && stderr.contains("AWS_PROFILE"),
        "{stderr}"
    );
    assert!(stderr.contains("--endpoint"), "{stderr}");
    for dump in ["ServiceError {", "raw: Response", "Unhandled("] {
        assert!(!stderr.contains(dump), "{dump} in {stderr}");
    }
    assert!(
        stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .all(|l| l.len() < 400),
        "{stderr}"
    );
}

#[tokio::test]
async fn guardduty_generated_samples_are_observed_whatever_placeholders_they_carry() {
    let server = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let world = World::new(&server, "generated-samples").await;
    let samples = workspace_root().join("events/guardduty-samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&samples)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    server.clear_recording().unwrap();
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let run = world.replay(&["--json"], &paths);
    assert!(run.succeeded(), "{run}");
    let records = run.records();
    assert_eq!(records.len(), files.len(), "{run}");
    // A family no rule routes yet (Recon:IAMUser) is ignored like any other.
    let routed: Vec<_> = records
        .iter()
        .filter(|r| !r["function"].is_null())
        .collect();
    assert!(!routed.is_empty(), "{run}");
    for record in &records {
        assert_record_shape(record);
        assert!(steps(record).is_empty(), "{record}");
    }
    for record in routed {
        assert_eq!(decision(record), "observed", "{run}");
        assert!(
            record["reason"].as_str().unwrap().contains("sample"),
            "{record}"
        );
    }
    let writes = server.recorded_writes().unwrap();
    assert!(
        !writes
            .iter()
            .any(|w| w.starts_with("ec2:") || w.starts_with("iam:")),
        "{writes:?}"
    );
}
