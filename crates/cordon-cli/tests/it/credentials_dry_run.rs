//! `cordon replay --dry-run` on every credential sample: the routed function, the
//! decision and the exact steps, with no AWS endpoint reachable at all.

use crate::support::cordon_command;
use cordon_emulators::workspace_root;
use serde_json::Value;

/// (step, target) pairs, in plan order.
type PlannedSteps = &'static [(&'static str, &'static str)];

/// (file, decision, steps) — the plan a dry-run must print.
const CASES: &[(&str, &str, PlannedSteps)] = &[
    (
        "iam-user-credential-exfiltration.json",
        "observed",
        USER_STEPS,
    ),
    ("iam-user-tor-caller.json", "observed", USER_STEPS),
    ("iam-user-pentest-kali.json", "observed", USER_STEPS),
    (
        "iam-user-exempt.json",
        "observed",
        &[
            ("check-exemption", "break-glass-admin"),
            ("deactivate-access-key", "AKIAEXAMPLEKEY000009"),
            ("revoke-user-sessions", "break-glass-admin"),
            ("tag-principal", "break-glass-admin"),
        ],
    ),
    (
        "instance-credential-exfiltration.json",
        "observed",
        ROLE_STEPS,
    ),
    (
        "instance-credential-exfiltration-inside.json",
        "observed",
        ROLE_STEPS,
    ),
    ("root-credential-usage.json", "observed", &[]),
    ("federated-user-anomalous.json", "observed", &[]),
    ("iam-user-sample-finding.json", "observed", &[]),
    (
        "iam-user-privilege-escalation-anomalous.json",
        "observed",
        USER_STEPS,
    ),
    (
        "iam-user-defense-evasion-anomalous.json",
        "observed",
        USER_STEPS,
    ),
    // Each credential the sequence names, once, in the order it names them.
    (
        "attack-sequence-compromised-credentials.json",
        "observed",
        &[
            ("check-exemption", "alice"),
            ("deactivate-access-key", "AKIAEXAMPLEKEY000001"),
            ("revoke-user-sessions", "alice"),
            ("tag-principal", "alice"),
            ("check-exemption", "web-server-role"),
            ("temporary-credential", "ASIAEXAMPLEKEY000001"),
            ("revoke-role-sessions", "web-server-role"),
            ("tag-principal", "web-server-role"),
        ],
    ),
];

const USER_STEPS: PlannedSteps = &[
    ("check-exemption", "alice"),
    ("deactivate-access-key", "AKIAEXAMPLEKEY000001"),
    ("revoke-user-sessions", "alice"),
    ("tag-principal", "alice"),
];

const ROLE_STEPS: PlannedSteps = &[
    ("check-exemption", "web-server-role"),
    ("temporary-credential", "ASIAEXAMPLEKEY000001"),
    ("revoke-role-sessions", "web-server-role"),
    ("tag-principal", "web-server-role"),
];

#[test]
fn every_credential_sample_prints_its_exact_plan_and_touches_nothing() {
    for (file, decision, expected) in CASES {
        let path = workspace_root().join("events/guardduty").join(file);
        let output = cordon_command()
            .env("CORDON_ALLOWED_ACCOUNTS", "123456789012")
            // Nothing listens here: any AWS call would fail the run.
            .args([
                "replay",
                "--dry-run",
                "--json",
                "--endpoint",
                "http://127.0.0.1:9",
            ])
            .arg(&path)
            .output()
            .expect("the cordon binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report = format!(
            "{file}\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{report}");
        let record: Value = serde_json::from_str(stdout.trim()).expect(&report);
        assert_eq!(record["function"], "ContainCredentialsFunction", "{report}");
        assert_eq!(record["decision"], *decision, "{report}");
        let steps: Vec<(&str, &str)> = record["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert_eq!(s["status"], "planned", "{report}");
                (s["name"].as_str().unwrap(), s["target"].as_str().unwrap())
            })
            .collect();
        assert_eq!(steps, *expected, "{report}");
    }
}
