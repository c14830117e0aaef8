//! Template lint with pinned tools: cfn-lint and `sam validate --lint` on the SAM
//! template, then cfn-lint again on the template as SAM expands it — the expanded
//! form is where invalid IAM actions and dangling references show up — and a check
//! that no IAM statement grants a wildcard action.

use crate::cmd::{heading, root, run_checked};
use cordon_testkit::ensure_python_env;
use std::process::Command;

const CFN_LINT: &str = "cfn-lint==1.58.0";
const SAM_CLI: &str = "aws-sam-cli==1.170.0";

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

pub fn run() -> Result<(), String> {
    let env = ensure_python_env("lint-cfn-lint-1.58.0-sam-1.170.0", &[CFN_LINT, SAM_CLI])
        .map_err(|e| e.to_string())?;
    let template = root().join("template.yaml");
    let offline = |command: &mut Command| {
        command
            .current_dir(root())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("SAM_CLI_TELEMETRY", "0")
            .env_remove("AWS_PROFILE");
    };

    heading("cfn-lint template.yaml");
    let mut cfn_lint = Command::new(env.tool("cfn-lint"));
    offline(cfn_lint.arg(&template));
    run_checked("cfn-lint", &mut cfn_lint)?;

    heading("sam validate --lint");
    let mut sam = Command::new(env.tool("sam"));
    offline(
        sam.args(["validate", "--lint", "--template"])
            .arg(&template),
    );
    run_checked("sam validate --lint", &mut sam)?;

    heading("cfn-lint on the expanded template");
    let expanded =
        std::env::temp_dir().join(format!("cordon-expanded-{}.json", std::process::id()));
    let mut expand = Command::new(env.python());
    offline(expand.args(["-c", EXPAND]).arg(&template).arg(&expanded));
    run_checked("sam transform", &mut expand)?;
    let mut cfn_lint_expanded = Command::new(env.tool("cfn-lint"));
    offline(
        cfn_lint_expanded
            .args(["--include-checks", "I", "--"])
            .arg(&expanded),
    );
    let linted = run_checked("cfn-lint (expanded)", &mut cfn_lint_expanded);
    let wildcards = wildcard_actions(&expanded);
    let _ = std::fs::remove_file(&expanded);
    linted?;
    match wildcards? {
        found if found.is_empty() => {
            println!("no IAM statement grants a wildcard action");
            Ok(())
        }
        found => Err(format!("IAM actions with wildcards: {}", found.join(", "))),
    }
}

/// Every `Action` in the expanded template that contains `*`.
fn wildcard_actions(expanded: &std::path::Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(expanded).map_err(|e| e.to_string())?;
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
