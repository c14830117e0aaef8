//! `cordon replay`: each event file is parsed strictly, routed by the EventBridge rules
//! in template.yaml, and handled in-process by the function's own handler.

use crate::cli::ReplayArgs;
use crate::output::{Record, print_record};
use crate::rules;
use cordon_aws::{Reach, load_sdk_config};
use cordon_core::{Decision, Mode, Outcome};
use cordon_events::{AccountId, Event, parse_event_value};
use cordon_lambda::{ContainmentClock, Context, FunctionConfig, respond_as};
use cordon_rules::Routes;
use std::path::Path;
use std::process::ExitCode;
use std::sync::OnceLock;
use tokio::sync::OnceCell;

/// The clients in the account cordon runs in, and the way to the accounts and
/// regions events name.
struct Aws {
    reach: Reach,
}

pub(crate) struct Replayer {
    routes: Routes,
    config: FunctionConfig,
    endpoint: Option<String>,
    region: Option<String>,
    /// The operator asked for a plan (`--dry-run`, or real AWS without `--enforce`).
    plan_only: bool,
    /// Loaded on first use, so a dry-run with an explicit allow-list needs no AWS at all.
    sdk: OnceCell<Aws>,
    account: OnceCell<AccountId>,
    /// Why the account could not be determined: it stops the whole run.
    account_unknown: OnceLock<String>,
}

const NO_ACCOUNT_HINT: &str = "give replay credentials for the account to act in (AWS_PROFILE, or \
     AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or --endpoint URL to replay against a local \
     emulator; a --dry-run with CORDON_ALLOWED_ACCOUNTS set needs no AWS at all";

pub async fn run(args: ReplayArgs) -> ExitCode {
    let routes = match rules::routes() {
        Ok(routes) => routes,
        Err(err) => return fatal(&format!("template.yaml: {err}")),
    };
    let mut config = match FunctionConfig::from_env() {
        Ok(config) => config,
        Err(err) => return fatal(&err.to_string()),
    };
    let env = |name: &str| std::env::var(name).ok();
    config.mode = replay_mode(&args, config.mode, env);
    let plan_only = args.dry_run || (on_real_aws(&args, env) && !args.enforce);
    if on_real_aws(&args, env) && !args.dry_run && !args.enforce {
        eprintln!(
            "note: planning only. No endpoint override is set, so these events would act on real AWS; pass --enforce to act."
        );
    }
    let replayer = Replayer::new(routes, config, args.endpoint, args.region, plan_only);
    let mut all_handled = true;
    for file in &args.files {
        let records = replayer.replay_file(file).await;
        // Without an account nothing can be replayed: said once, not once per file.
        if let Some(why) = replayer.account_unknown.get() {
            return fatal(&format!("{why}\nhint: {NO_ACCOUNT_HINT}"));
        }
        for record in records {
            print_record(&record, args.json);
            if record.outcome.decision == Decision::Failed {
                all_handled = false;
                eprintln!("error: {}: {}", record.file, record.outcome.reason);
            }
        }
    }
    if all_handled {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

impl Replayer {
    pub(crate) fn new(
        routes: Routes,
        config: FunctionConfig,
        endpoint: Option<String>,
        region: Option<String>,
        plan_only: bool,
    ) -> Self {
        Self {
            routes,
            config,
            endpoint,
            region,
            plan_only,
            sdk: OnceCell::new(),
            account: OnceCell::new(),
            account_unknown: OnceLock::new(),
        }
    }

    async fn replay_file(&self, path: &Path) -> Vec<Record> {
        let file = path.display().to_string();
        let failed = |reason: String| {
            vec![Record {
                file: file.clone(),
                function: None,
                outcome: Outcome::without_steps(Decision::Failed, reason),
            }]
        };
        let raw = match std::fs::read(path) {
            Ok(raw) => raw,
            Err(err) => return failed(format!("cannot read the file: {err}")),
        };
        let value: serde_json::Value = match serde_json::from_slice(&raw) {
            Ok(value) => value,
            Err(err) => return failed(format!("malformed event: not valid JSON: {err}")),
        };
        // Strict parsing comes before routing: a malformed event is reported as such
        // even when no rule would have matched it, and nothing is touched.
        let event = match parse_event_value(value.clone()) {
            Ok(event) => event,
            Err(err) => return failed(format!("malformed event: {err}")),
        };
        let functions = self.routes.functions_for(&value);
        // A person's decision lifts a deployed function's dry-run mode, so it is
        // carried out for real or not at all.
        if let (Event::CustomAction(_, action), true) = (&event, self.plan_only) {
            return vec![Record {
                file,
                function: functions.first().map(|f| (*f).to_owned()),
                outcome: Outcome::without_steps(
                    Decision::Observed,
                    format!(
                        "plan only: {} acts on finding {} for real, so it is not replayed with --dry-run (or against real AWS without --enforce)",
                        action.decision.name(),
                        action.finding_id
                    ),
                ),
            }];
        }
        if functions.is_empty() {
            return vec![Record {
                file,
                function: None,
                outcome: Outcome::without_steps(
                    Decision::Ignored,
                    "no EventBridge rule in template.yaml matches this event, so no function would receive it",
                ),
            }];
        }
        let mut records = Vec::with_capacity(functions.len());
        for function in functions {
            let outcome = Box::pin(self.handle(function, event.clone())).await;
            records.push(Record {
                file: file.clone(),
                function: Some(function.to_owned()),
                outcome,
            });
        }
        records
    }

    /// Handles `event` as `function` does, in-process, in the account cordon runs in.
    pub(crate) async fn handle(&self, function: &str, event: Event) -> Outcome {
        let account = match self.current_account().await {
            Ok(account) => account,
            Err(reason) => {
                let _ = self.account_unknown.set(reason.clone());
                return Outcome::without_steps(Decision::Failed, reason);
            }
        };
        let ctx = Context {
            config: &self.config,
            home_account: account,
            clock: ContainmentClock::HandlingStart,
            trigger: &cordon_lambda::BY_EVENT,
        };
        let reach = &self.aws().await.reach;
        match respond_as(function, event, &ctx, reach).await {
            Some(outcome) => outcome,
            None => Outcome::without_steps(
                Decision::Failed,
                format!(
                    "template.yaml routes to {function}, which this build of cordon does not have"
                ),
            ),
        }
    }

    async fn aws(&self) -> &Aws {
        self.sdk
            .get_or_init(|| async {
                let sdk = load_sdk_config(self.endpoint.as_deref(), self.region.as_deref()).await;
                Aws {
                    reach: Reach::new(sdk, self.config.member_role()),
                }
            })
            .await
    }

    /// The account cordon runs in: asked of STS once, except in a dry-run with an
    /// explicit allow-list, which acts nowhere.
    async fn current_account(&self) -> Result<&AccountId, String> {
        self.account
            .get_or_try_init(|| async {
                // Enforce mode must know the real account: an event in any other
                // allowed account is acted on through the member role.
                match self.config.allowed_accounts.first() {
                    Some(first) if self.config.mode == Mode::DryRun => Ok(first.clone()),
                    _ => self
                        .aws()
                        .await
                        .reach
                        .own_account()
                        .await
                        .map_err(|e| format!("cannot determine the current AWS account: {e}")),
                }
            })
            .await
    }
}

/// Replay acts on what the operator meant: `--dry-run` and `--enforce` say so; without
/// either, an emulator (an endpoint override) is acted on as CORDON_MODE says
/// (enforce when unset), and real AWS only planned for.
fn replay_mode(args: &ReplayArgs, configured: Mode, env: impl Fn(&str) -> Option<String>) -> Mode {
    if args.dry_run {
        Mode::DryRun
    } else if args.enforce {
        Mode::Enforce
    } else if on_real_aws(args, &env) {
        Mode::DryRun
    } else if env("CORDON_MODE").is_some_and(|v| !v.trim().is_empty()) {
        configured
    } else {
        Mode::Enforce
    }
}

/// No endpoint override: the standard configuration reaches real AWS.
fn on_real_aws(args: &ReplayArgs, env: impl Fn(&str) -> Option<String>) -> bool {
    args.endpoint.is_none() && env("AWS_ENDPOINT_URL").is_none_or(|v| v.trim().is_empty())
}

fn fatal(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(flags: &[&str]) -> ReplayArgs {
        use clap::Parser;
        let mut argv = vec!["cordon", "replay"];
        argv.extend(flags);
        argv.push("event.json");
        match crate::cli::Cli::parse_from(argv).command {
            crate::cli::Command::Replay(args) => args,
            other => panic!("{other:?}"),
        }
    }

    fn mode(flags: &[&str], env: &[(&str, &str)]) -> Mode {
        let configured = match env.iter().find(|(n, _)| *n == "CORDON_MODE") {
            Some((_, "enforce")) => Mode::Enforce,
            _ => Mode::DryRun,
        };
        let lookup = |name: &str| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        replay_mode(&args(flags), configured, lookup)
    }

    #[test]
    fn real_aws_is_only_planned_for_unless_enforce_is_given() {
        assert_eq!(mode(&[], &[]), Mode::DryRun);
        assert_eq!(mode(&[], &[("CORDON_MODE", "enforce")]), Mode::DryRun);
        assert_eq!(mode(&["--enforce"], &[]), Mode::Enforce);
    }

    #[test]
    fn an_emulator_is_acted_on_as_before() {
        let endpoint = ["--endpoint", "http://127.0.0.1:5000"];
        assert_eq!(mode(&endpoint, &[]), Mode::Enforce);
        assert_eq!(
            mode(&[], &[("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")]),
            Mode::Enforce
        );
        assert_eq!(mode(&endpoint, &[("CORDON_MODE", "dry-run")]), Mode::DryRun);
        assert_eq!(
            mode(&["--dry-run", "--endpoint", "http://x"], &[]),
            Mode::DryRun
        );
    }

    #[test]
    fn dry_run_and_enforce_cannot_both_be_asked_for() {
        use clap::Parser;
        let both = ["cordon", "replay", "--dry-run", "--enforce", "e.json"];
        assert!(crate::cli::Cli::try_parse_from(both).is_err());
    }
}
