//! Template lint with pinned tools: cfn-lint and `sam validate --lint` on the SAM
//! template, then cfn-lint again on the template as SAM expands it — the expanded
//! form is where invalid IAM actions and dangling references show up —, cfn-lint on
//! member-role.yaml, a check that no IAM statement in either grants a wildcard
//! action, parliament and cloudsplaining on every IAM policy of both (findings fail
//! the lint unless `iam::KNOWN` accepts them with a reason), and checkov on the
//! expanded template and member-role.yaml.

mod iam;
mod iam_known;

use cordon_emulators::{ensure_python_env, heading, run_checked, workspace_root as root};
use std::path::Path;
use std::process::Command;

const CFN_LINT: &str = "cfn-lint==1.58.0";
const SAM_CLI: &str = "aws-sam-cli==1.170.0";
const CHECKOV: &str = "checkov==3.3.30";

/// Expands the SAM template offline, as CloudFormation would after `sam package`.
const EXPAND: &str = r#"
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse
template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/key.zip"
class NoManagedPolicies:
    def load(self): return {}
json.dump(transform(template, {}, NoManagedPolicies()), open(sys.argv[2], "w"), indent=1)
"#;

/// A CloudFormation YAML template (short-form intrinsics too) as JSON.
const TO_JSON: &str = r#"
import json, sys
from samtranslator.yaml_helper import yaml_parse
json.dump(yaml_parse(open(sys.argv[1]).read()), open(sys.argv[2], "w"), indent=1)
"#;

/// No AWS account, credentials or telemetry: the linters only read files.
fn offline(command: &mut Command) -> &mut Command {
    command
        .current_dir(root())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("SAM_CLI_TELEMETRY", "0")
        .env_remove("AWS_PROFILE")
}

pub fn run() -> Result<(), String> {
    let scratch = std::env::temp_dir().join(format!("cordon-lint-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = lint(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn lint(scratch: &Path) -> Result<(), String> {
    let env = ensure_python_env("lint-cfn-lint-1.58.0-sam-1.170.0", &[CFN_LINT, SAM_CLI])
        .map_err(|e| e.to_string())?;
    let template = root().join("template.yaml");
    let member_role = root().join("member-role.yaml");

    heading("cfn-lint template.yaml");
    run_checked(
        "cfn-lint",
        offline(&mut Command::new(env.tool("cfn-lint"))).arg(&template),
    )?;

    heading("sam validate --lint");
    run_checked(
        "sam validate --lint",
        offline(&mut Command::new(env.tool("sam")))
            .args(["validate", "--lint", "--template"])
            .arg(&template),
    )?;

    heading("cfn-lint on the expanded template");
    let expanded = scratch.join("template.expanded.json");
    run_checked(
        "sam transform",
        offline(&mut Command::new(env.python()))
            .args(["-c", EXPAND])
            .arg(&template)
            .arg(&expanded),
    )?;
    run_checked(
        "cfn-lint (expanded)",
        offline(&mut Command::new(env.tool("cfn-lint")))
            .args(["--include-checks", "I", "--"])
            .arg(&expanded),
    )?;

    heading("cfn-lint member-role.yaml");
    run_checked(
        "cfn-lint (member role)",
        offline(&mut Command::new(env.tool("cfn-lint")))
            .args(["--include-checks", "I", "--"])
            .arg(&member_role),
    )?;

    heading("no wildcard IAM actions");
    let member_role_json = scratch.join("member-role.json");
    run_checked(
        "member-role.yaml as JSON",
        offline(&mut Command::new(env.python()))
            .args(["-c", TO_JSON])
            .arg(&member_role)
            .arg(&member_role_json),
    )?;
    let mut found = Vec::new();
    for (name, json) in [
        ("template.yaml", &expanded),
        ("member-role.yaml", &member_role_json),
    ] {
        found.extend(
            wildcard_actions(json)?
                .into_iter()
                .map(|action| format!("{name}: {action}")),
        );
    }
    if !found.is_empty() {
        return Err(format!("IAM actions with wildcards: {}", found.join(", ")));
    }
    println!("no IAM statement grants a wildcard action");

    let iam_env =
        ensure_python_env(iam::ENV_NAME, &iam::REQUIREMENTS).map_err(|e| e.to_string())?;
    iam::lint(
        &iam_env,
        &root(),
        &[
            ("template.yaml", expanded.as_path()),
            ("member-role.yaml", member_role_json.as_path()),
        ],
    )?;

    // Settings and the skips that apply everywhere are in .checkov.yaml; a skip for
    // one resource is in that resource's Metadata, with its reason.
    heading("checkov (expanded template, member-role.yaml)");
    let checkov =
        ensure_python_env("lint-checkov-3.3.30", &[CHECKOV]).map_err(|e| e.to_string())?;
    run_checked(
        "checkov",
        offline(&mut Command::new(checkov.tool("checkov")))
            .args(["--config-file", ".checkov.yaml", "--file"])
            .arg(&expanded)
            .arg("--file")
            .arg(&member_role),
    )
}

/// Every `Action` in a template (as JSON) that contains `*`.
fn wildcard_actions(template: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(template).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    collect_actions(&json, &mut found);
    Ok(found.into_iter().filter(|a| a.contains('*')).collect())
}

fn collect_actions(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key == "Action" || key == "NotAction" {
                    match child {
                        serde_json::Value::String(s) => out.push(s.clone()),
                        serde_json::Value::Array(items) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
                collect_actions(child, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_actions(i, out)),
        _ => {}
    }
}
