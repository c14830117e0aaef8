//! `cordon approve`: the command-line twin of the `cordon-approve` custom action. The
//! finding's event, as cordon remembered it in its ledger, is handled again by the
//! function that owns it, with a person's approval: the breaker and the dry-run mode
//! give way; exemptions, the allow-list and GuardDuty's own record still decide.

use crate::cli::ApproveArgs;
use crate::output::{Record, print_record};
use crate::replay::Replayer;
use crate::rules;
use cordon_aws::{Clients, DynamoLedger, load_sdk_config};
use cordon_core::ports::IncidentLedger;
use cordon_core::{Decision, Mode};
use cordon_events::{CustomAction, Envelope, Event, HumanDecision, parse_event_value};
use cordon_lambda::{FunctionConfig, remembered_subject, utc_now};
use std::process::ExitCode;

pub async fn run(args: ApproveArgs) -> ExitCode {
    // A response finding id ends with the GuardDuty finding id.
    let finding_id = args
        .incident
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut config = match FunctionConfig::from_env() {
        Ok(config) => config,
        Err(err) => return fail(&err.to_string()),
    };
    // A person's approval acts; the allow-list and exemptions still apply.
    config.mode = Mode::Enforce;
    let Some(table) = config.ledger_table.clone() else {
        return fail(
            "cordon approve runs the finding's event as cordon remembered it: set CORDON_LEDGER_TABLE to the stack's LedgerTableName output",
        );
    };
    let sdk = load_sdk_config(args.endpoint.as_deref(), args.region.as_deref()).await;
    let ledger = DynamoLedger::new(Clients::new(&sdk).dynamodb, table);
    let remembered = match ledger
        .remembered_event(&remembered_subject(&finding_id))
        .await
    {
        Ok(Some(event)) => event,
        Ok(None) => {
            return fail(&format!(
                "cordon has no record of GuardDuty finding {finding_id} (it never reached cordon, or its record expired)"
            ));
        }
        Err(err) => return fail(&err.to_string()),
    };
    let routes = match rules::routes() {
        Ok(routes) => routes,
        Err(err) => return fail(&format!("template.yaml: {err}")),
    };
    let value: serde_json::Value = match serde_json::from_str(&remembered) {
        Ok(value) => value,
        Err(err) => return fail(&format!("the remembered event is not JSON: {err}")),
    };
    // The function that handles the finding is the one that approves it.
    let Some(function) = routes
        .functions_for(&value)
        .first()
        .map(|f| (*f).to_owned())
    else {
        return fail(&format!(
            "no rule in template.yaml routes finding {finding_id} to a function"
        ));
    };
    let (account, region) = match parse_event_value(value) {
        Ok(Event::GuardDuty(_, finding)) => (finding.account_id, finding.region),
        Ok(_) | Err(_) => {
            return fail(&format!(
                "the event remembered for finding {finding_id} is not a GuardDuty finding cordon can read"
            ));
        }
    };
    let envelope = Envelope {
        // One approval from the command line per update of the finding: a second
        // `cordon approve` of the same update is answered "handled".
        id: "cli".to_owned(),
        detail_type: "cordon approve".to_owned(),
        source: "cordon.cli".to_owned(),
        account: account.clone(),
        time: utc_now(),
        region,
        resources: Vec::new(),
    };
    let action = CustomAction {
        decision: HumanDecision::Approve,
        account,
        finding_id,
        selected: args.incident.clone(),
    };
    let replayer = Replayer::new(routes, config, args.endpoint, args.region, false);
    let outcome = replayer
        .handle(&function, Event::CustomAction(envelope, Box::new(action)))
        .await;
    let failed = outcome.decision == Decision::Failed;
    let record = Record {
        file: format!("cordon approve --incident {}", args.incident),
        function: Some(function),
        outcome,
    };
    print_record(&record, args.json);
    if failed {
        eprintln!("error: {}", record.outcome.reason);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
