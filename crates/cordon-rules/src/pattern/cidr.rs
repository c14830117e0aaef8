//! `cidr` operands: an IPv4 or IPv6 network; event values match if they are an
//! address string of the same family inside it.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy)]
pub(super) struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

impl Cidr {
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        let (address, length) = text
            .split_once('/')
            .filter(|(_, length)| !length.contains('/'))
            .ok_or_else(|| format!("malformed CIDR `{text}`: exactly one `/` is required"))?;
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("malformed CIDR `{text}`: `{address}` is not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix_len = length
            .parse::<u8>()
            .ok()
            .filter(|len| *len <= max)
            .ok_or_else(|| format!("malformed CIDR `{text}`: prefix length must be 0..={max}"))?;
        Ok(Self {
            network,
            prefix_len,
        })
    }

    pub(super) fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, width) = match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => (u32::from(net).into(), u32::from(ip).into(), 32),
            (IpAddr::V6(net), IpAddr::V6(ip)) => (u128::from(net), u128::from(ip), 128),
            _ => return false,
        };
        let host_bits = width - u32::from(self.prefix_len);
        let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
        net & mask == ip & mask
    }
}
