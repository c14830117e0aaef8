use crate::port_error;
use aws_config::SdkConfig;
use cordon_core::ports::PortError;
use cordon_events::AccountId;

/// The account the loaded credentials belong to: by default the only one cordon acts in.
pub async fn current_account(config: &SdkConfig) -> Result<AccountId, PortError> {
    let identity = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| port_error("sts:GetCallerIdentity", e))?;
    let account = identity.account().unwrap_or_default().to_owned();
    AccountId::try_from(account).map_err(|message| PortError {
        operation: "sts:GetCallerIdentity",
        code: None,
        message,
        transient: false,
    })
}
