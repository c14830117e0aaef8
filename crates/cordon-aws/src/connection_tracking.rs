//! An interface's connection-tracking idle timeouts. A flow the security groups already
//! track survives their change until it idles out, so isolation shortens the timeouts.
//! Free functions: the trait impl in `isolation.rs` calls them.

use crate::error::missing;
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{ConnectionTrackingConfiguration, ConnectionTrackingSpecificationRequest};
use cordon_core::ports::{ConnectionTrackingTimeouts, PortResult};
use cordon_events::NetworkInterfaceId;

/// What EC2 applies to a timeout never set; a configuration it reports in part means these.
const EC2_DEFAULTS: ConnectionTrackingTimeouts = ConnectionTrackingTimeouts {
    tcp_established: 432_000,
    udp_stream: 180,
    udp: 30,
};

pub(crate) async fn set(
    client: &Client,
    eni: &NetworkInterfaceId,
    timeouts: &ConnectionTrackingTimeouts,
) -> PortResult<()> {
    client
        .modify_network_interface_attribute()
        .network_interface_id(eni.as_str())
        .connection_tracking_specification(
            ConnectionTrackingSpecificationRequest::builder()
                .tcp_established_timeout(timeouts.tcp_established)
                .udp_stream_timeout(timeouts.udp_stream)
                .udp_timeout(timeouts.udp)
                .build(),
        )
        .send()
        .await
        .map_err(|e| port_error("ec2:ModifyNetworkInterfaceAttribute", e))?;
    Ok(())
}

/// `None` when the interface reports no configuration at all (moto 5.2.5 accepts the
/// modify call but never reports one): nothing is made up in its place.
pub(crate) async fn read(
    client: &Client,
    eni: &NetworkInterfaceId,
) -> PortResult<Option<ConnectionTrackingTimeouts>> {
    const OP: &str = "ec2:DescribeNetworkInterfaces";
    let found = client
        .describe_network_interfaces()
        .network_interface_ids(eni.as_str())
        .send()
        .await
        .map_err(|e| port_error(OP, e))?;
    let interface = found
        .network_interfaces()
        .first()
        .ok_or_else(|| missing(OP, &format!("network interface {eni}")))?;
    Ok(interface.connection_tracking_configuration().map(timeouts))
}

fn timeouts(config: &ConnectionTrackingConfiguration) -> ConnectionTrackingTimeouts {
    ConnectionTrackingTimeouts {
        tcp_established: config
            .tcp_established_timeout()
            .unwrap_or(EC2_DEFAULTS.tcp_established),
        udp_stream: config
            .udp_stream_timeout()
            .unwrap_or(EC2_DEFAULTS.udp_stream),
        udp: config.udp_timeout().unwrap_or(EC2_DEFAULTS.udp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_left_out_of_the_configuration_is_ec2s_default() {
        let reported = ConnectionTrackingConfiguration::builder()
            .tcp_established_timeout(60)
            .build();
        assert_eq!(
            timeouts(&reported),
            ConnectionTrackingTimeouts {
                tcp_established: 60,
                udp_stream: 180,
                udp: 30,
            }
        );
    }
}
