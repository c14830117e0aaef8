//! How much of the internet a CIDR lets in. An ingress rule exposes a port by its
//! effect, not by its spelling: `0.0.0.0/1` with `128.0.0.0/1` opens as much as
//! `0.0.0.0/0`, while `10.0.0.0/8` opens nothing to the internet at all. Pure.

use std::net::IpAddr;

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

/// A CIDR opens to the internet when its public addresses are at least as many as a
/// /8 holds (IPv4) or a /16 (IPv6): every world-covering split, and any range that
/// wide, whatever its spelling; never a private range.
pub fn opens_to_internet(cidr: &str) -> bool {
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
            size - private >= 1 << 24
        }
        IpAddr::V6(address) if length <= 128 => {
            let network = u128::from(address) & mask(128, length);
            let (global, global_len) = GLOBAL_V6;
            overlap(network, length, global, global_len, 128) >= 1 << 112
        }
        _ => false,
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
    use super::opens_to_internet;

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
            assert!(opens_to_internet(cidr), "{cidr}");
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
            assert!(!opens_to_internet(cidr), "{cidr}");
        }
    }
}
