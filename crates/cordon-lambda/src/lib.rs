//! The one respond pipeline every cordon function and `cordon replay` run, the
//! responders that plug into it, and the runtime glue: typed configuration from the
//! environment, the clock, metrics, and the mapping from an outcome to a Lambda result.

mod adapters;
mod clock;
mod config;
mod ledger;
mod metrics;
mod pipeline;
mod recording;
mod released;
mod responder;
mod responders;
mod response;
mod run;
mod trigger;

pub use adapters::{Adapters, Aws, Connect, Home, Ports};
pub use clock::{ContainmentClock, utc_now};
pub use config::{ConfigError, FunctionConfig, Mode};
pub use ledger::{admit_incident, settle_incident};
pub use metrics::emit_metrics;
pub use pipeline::{handle_event, respond};
pub use recording::record_outcome;
pub use responder::{Context, Responder, Source, Triaged};
pub use responders::{
    AwsBucketPorts, AwsCloudTrailPorts, AwsCredentialPorts, AwsFunctionPorts, AwsInstancePorts,
    BucketPorts, BucketResponder, CloudTrailPorts, CloudTrailResponder, CredentialPorts,
    CredentialResponder, FunctionPorts, FunctionResponder, InstancePorts, InstanceResponder,
    Reported, TrailIncident, remembered_subject, respond_as, respond_on_aws,
};
pub use response::{account_of_function_arn, into_lambda_result};
pub use run::run;
pub use trigger::{BY_EVENT, PersonAction, Trigger};
