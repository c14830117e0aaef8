use cordon_rules::Routes;
use std::process::ExitCode;

/// The SAM template, built in: it is the single source of truth for routing.
pub const TEMPLATE: &str = include_str!("../../../template.yaml");

pub fn routes() -> Result<Routes, cordon_rules::RulesError> {
    Routes::from_template(TEMPLATE)
}

pub fn run() -> ExitCode {
    match routes() {
        Ok(routes) => {
            for route in routes.routes() {
                println!(
                    "{} <- {}: {}",
                    route.function(),
                    route.event_name(),
                    route.pattern_json()
                );
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: template.yaml: {err}");
            ExitCode::FAILURE
        }
    }
}
