//! [`Notifier`] on SNS, with the message attributes subscriptions filter on. The topic
//! is optional: without one, nobody is told and that is reported, not an error.

use crate::error::invalid;
use crate::port_error;
use aws_sdk_sns::types::MessageAttributeValue;
use cordon_core::ports::{Notifier, PortResult};
use cordon_core::recording::Notification;

#[derive(Clone, Debug)]
pub struct SnsNotifier {
    client: aws_sdk_sns::Client,
    topic_arn: Option<String>,
}

impl SnsNotifier {
    pub fn new(client: aws_sdk_sns::Client, topic_arn: Option<String>) -> Self {
        Self { client, topic_arn }
    }
}

impl Notifier for SnsNotifier {
    async fn notify(&self, notification: &Notification) -> PortResult<bool> {
        let Some(topic) = &self.topic_arn else {
            return Ok(false);
        };
        let mut publish = self
            .client
            .publish()
            .topic_arn(topic)
            .subject(&notification.subject)
            .message(&notification.message);
        for (name, value) in &notification.attributes {
            let attribute = MessageAttributeValue::builder()
                .data_type("String")
                .string_value(value)
                .build()
                .map_err(|e| invalid("sns:Publish", format!("message attribute {name}: {e}")))?;
            publish = publish.message_attributes(*name, attribute);
        }
        publish
            .send()
            .await
            .map_err(|e| port_error("sns:Publish", e))?;
        Ok(true)
    }
}
