//! How much of the internet a CIDR lets in. An ingress rule exposes a port by its
//! effect, not by its spelling: `0.0.0.0/1` with `128.0.0.0/1` opens as much as
//! `0.0.0.0/0`, while `10.0.0.0/8` opens nothing to the internet at all. Pure.

use serde::Serialize;
use std::net::IpAddr;
use std::ops::RangeInclusive;

/// IPv4 ranges that are not the internet (RFC 6890): "this network", private, shared
/// address space, loopback, link-local, private, private, multicast and reserved.
const NOT_PUBLIC_V4: &[(u32, u32)] = &[
    (0x0000_0000, 8),
    (0x0A00_0000, 8),
    (0x6440_0000, 10),
    (0x7F00_0000, 8),
    (0xA9FE_0000, 16),
    (0xAC10_0000, 12),
    (0xC0A8_0000, 16),
    (0xE000_0000, 3),
];

/// IPv6 global unicast, `2000::/3`: the rest is not routed on the internet.
const GLOBAL_V6: (u128, u32) = (0x2000 << 112, 3);

/// The share of the internet a range must let in to count as open to it: at least as
/// many public addresses as an IPv4 `/ipv4_prefix` holds (IPv6: `/ipv6_prefix`).
/// The default, /8 and /16, counts `0.0.0.0/0`, `::/0` and any split of them into
/// ranges no smaller than that, and never a private range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InternetShare {
    ipv4_prefix: u8,
    ipv6_prefix: u8,
}

impl Default for InternetShare {
    fn default() -> Self {
        Self {
            ipv4_prefix: 8,
            ipv6_prefix: 16,
        }
    }
}

impl InternetShare {
    /// Wider than /1 even `0.0.0.0/0` falls short, as part of IPv4 is never public.
    pub const IPV4_PREFIXES: RangeInclusive<u8> = 1..=32;
    /// Wider than /3 even `::/0` falls short: only `2000::/3` is routed.
    pub const IPV6_PREFIXES: RangeInclusive<u8> = 3..=128;

    pub fn ipv4_prefix(self) -> u8 {
        self.ipv4_prefix
    }

    pub fn ipv6_prefix(self) -> u8 {
        self.ipv6_prefix
    }

    /// This share with another IPv4 prefix; one that nothing could reach is refused.
    pub fn with_ipv4_prefix(self, prefix: u8) -> Result<Self, String> {
        check(prefix, Self::IPV4_PREFIXES, "0.0.0.0/0")?;
        Ok(Self {
            ipv4_prefix: prefix,
            ..self
        })
    }

    /// This share with another IPv6 prefix; one that nothing could reach is refused.
    pub fn with_ipv6_prefix(self, prefix: u8) -> Result<Self, String> {
        check(prefix, Self::IPV6_PREFIXES, "::/0")?;
        Ok(Self {
            ipv6_prefix: prefix,
            ..self
        })
    }

    /// Whether `cidr` lets in at least this share of the internet, whatever its
    /// spelling. A malformed range opens nothing: the parser let only AWS's own
    /// records through, and EC2 refuses malformed ranges.
    pub fn opened_by(self, cidr: &str) -> bool {
        let Some((address, length)) = cidr.trim().split_once('/') else {
            return false;
        };
        let (Ok(address), Ok(length)) = (address.parse::<IpAddr>(), length.parse::<u32>()) else {
            return false;
        };
        match address {
            IpAddr::V4(address) if length <= 32 => {
                let network = u32::from(address) & mask(32, length) as u32;
                let size = 1u128 << (32 - length);
                let private: u128 = NOT_PUBLIC_V4
                    .iter()
                    .map(|&(net, len)| overlap(network.into(), length, net.into(), len, 32))
                    .sum();
                size - private >= 1 << (32 - u32::from(self.ipv4_prefix))
            }
            IpAddr::V6(address) if length <= 128 => {
                let network = u128::from(address) & mask(128, length);
                let (global, global_len) = GLOBAL_V6;
                overlap(network, length, global, global_len, 128)
                    >= 1 << (128 - u32::from(self.ipv6_prefix))
            }
            _ => false,
        }
    }
}

fn check(prefix: u8, allowed: RangeInclusive<u8>, world: &str) -> Result<(), String> {
    match allowed.contains(&prefix) {
        true => Ok(()),
        false => Err(format!(
            "expected a prefix length from {} to {}: a wider share is more than even {world} \
             lets in, so nothing would count as open to the internet",
            allowed.start(),
            allowed.end()
        )),
    }
}

fn mask(width: u32, length: u32) -> u128 {
    let ones = u128::MAX.checked_shl(128 - length).unwrap_or(0);
    ones >> (128 - width)
}

/// Addresses two CIDR blocks share: one holds the other, or they are apart.
fn overlap(a: u128, a_len: u32, b: u128, b_len: u32, width: u32) -> u128 {
    let (wide, wide_len, narrow, narrow_len) = match a_len <= b_len {
        true => (a, a_len, b, b_len),
        false => (b, b_len, a, a_len),
    };
    match narrow & mask(width, wide_len) == wide {
        true => 1u128.checked_shl(width - narrow_len).unwrap_or(u128::MAX),
        false => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::InternetShare;

    #[test]
    fn wide_public_ranges_open_to_the_internet_whatever_their_spelling() {
        for cidr in [
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "11.0.0.0/8",
            "64.0.0.0/2",
            "::/0",
            "::/1",
            "2000::/3",
            "2600::/16",
        ] {
            assert!(InternetShare::default().opened_by(cidr), "{cidr}");
        }
    }

    #[test]
    fn private_narrow_and_malformed_ranges_do_not() {
        for cidr in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "224.0.0.0/3",
            "11.0.0.0/9",
            "203.0.113.0/24",
            "2001:db8::/32",
            "fc00::/7",
            "fe80::/10",
            "2600::/17",
            "0.0.0.0/33",
            "not a cidr",
            "10.0.0.0",
        ] {
            assert!(!InternetShare::default().opened_by(cidr), "{cidr}");
        }
    }

    #[test]
    fn the_share_moves_the_line_and_no_range_private_or_not_crosses_it_by_spelling() {
        let share = |v4, v6| {
            InternetShare::default()
                .with_ipv4_prefix(v4)
                .and_then(|s| s.with_ipv6_prefix(v6))
                .unwrap()
        };
        // (IPv4 prefix, IPv6 prefix, range, opens)
        let cases = [
            (8, 16, "11.0.0.0/9", false),
            (9, 16, "11.0.0.0/9", true),
            (24, 16, "203.0.113.0/24", true),
            (24, 16, "203.0.113.0/25", false),
            (32, 16, "198.51.100.7/32", true),
            (32, 16, "10.0.0.1/32", false),
            (32, 16, "192.168.0.0/16", false),
            // Only the whole world holds half of IPv4's public addresses.
            (1, 16, "0.0.0.0/0", true),
            (1, 16, "0.0.0.0/1", false),
            (1, 16, "128.0.0.0/1", false),
            (8, 48, "2001:db8::/32", true),
            (8, 64, "2600:1f18:1234:5678::/64", true),
            (8, 64, "fd00::/8", false),
            (8, 3, "::/0", true),
            (8, 3, "2000::/4", false),
            (8, 128, "2600::1/128", true),
        ];
        for (v4, v6, cidr, opens) in cases {
            assert_eq!(share(v4, v6).opened_by(cidr), opens, "/{v4} /{v6}: {cidr}");
        }
    }

    #[test]
    fn a_share_nothing_could_reach_is_refused() {
        let share = InternetShare::default();
        for prefix in [0, 33, 255] {
            let err = share.with_ipv4_prefix(prefix).unwrap_err();
            assert!(err.contains("from 1 to 32"), "{err}");
        }
        for prefix in [0, 2, 129] {
            let err = share.with_ipv6_prefix(prefix).unwrap_err();
            assert!(err.contains("from 3 to 128"), "{err}");
        }
        assert_eq!(share.ipv4_prefix(), 8);
        assert_eq!(share.ipv6_prefix(), 16);
    }
}
