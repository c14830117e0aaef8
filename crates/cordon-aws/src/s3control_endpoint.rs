//! Where S3 Control requests go. S3 Control's endpoint rules put the account id in
//! front of the endpoint's host (`123456789012.s3-control.us-east-1.amazonaws.com`),
//! and do the same to an endpoint URL given in the configuration. An endpoint given by
//! IP address (the local emulator, `http://127.0.0.1:5000`) cannot take such a prefix:
//! `123456789012.127.0.0.1` is no name a resolver answers. For that endpoint alone the
//! prefix is left off; the account still travels in the `x-amz-account-id` header,
//! which is what S3 Control reads. AWS's own endpoints and named custom endpoints keep
//! the SDK's rules untouched.

use aws_sdk_s3control::config::endpoint::{
    DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint,
};
use std::net::IpAddr;

#[derive(Debug, Default)]
pub(crate) struct S3ControlEndpoint {
    rules: DefaultResolver,
}

impl ResolveEndpoint for S3ControlEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let resolved = self.rules.resolve_endpoint(params);
        let prefix = match (params.endpoint(), params.account_id()) {
            (Some(url), Some(account)) if host_is_ip(url) => format!("{account}."),
            _ => return resolved,
        };
        EndpointFuture::new(async move {
            let endpoint = resolved.await?;
            Ok(without_host_prefix(endpoint, &prefix))
        })
    }
}

/// `http://127.0.0.1:5000`, `http://[::1]:5000/`: the host is an address.
fn host_is_ip(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    host.parse::<IpAddr>().is_ok()
}

/// The endpoint with `prefix` taken off the front of its host, its signing properties
/// and headers as the rules set them.
fn without_host_prefix(endpoint: Endpoint, prefix: &str) -> Endpoint {
    let url = match endpoint.url().split_once("://") {
        Some((scheme, rest)) => rest
            .strip_prefix(prefix)
            .map(|rest| format!("{scheme}://{rest}")),
        None => None,
    };
    match url {
        Some(url) => endpoint.into_builder().url(url).build(),
        None => endpoint,
    }
}

#[cfg(test)]
mod tests {
    use super::{S3ControlEndpoint, host_is_ip};
    use aws_sdk_s3control::config::endpoint::{Params, ResolveEndpoint};

    async fn resolve(endpoint: Option<&str>) -> String {
        let mut params = Params::builder()
            .region("us-east-1")
            .account_id("123456789012")
            .requires_account_id(true);
        if let Some(endpoint) = endpoint {
            params = params.endpoint(endpoint);
        }
        let params = params.build().unwrap();
        S3ControlEndpoint::default()
            .resolve_endpoint(&params)
            .await
            .unwrap()
            .url()
            .to_owned()
    }

    #[tokio::test]
    async fn an_address_endpoint_is_used_as_given_and_every_other_keeps_the_rules() {
        assert_eq!(
            resolve(Some("http://127.0.0.1:5000")).await,
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            resolve(Some("https://example.com")).await,
            "https://123456789012.example.com"
        );
        assert_eq!(
            resolve(None).await,
            "https://123456789012.s3-control.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn hosts_are_told_apart() {
        for ip in [
            "http://127.0.0.1:5000",
            "http://[::1]:5000/",
            "https://10.0.0.1",
        ] {
            assert!(host_is_ip(ip), "{ip}");
        }
        for name in [
            "http://localhost:5000",
            "https://s3-control.amazonaws.com",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(!host_is_ip(name), "{name}");
        }
    }
}
