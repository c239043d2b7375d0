//! Small value types shared by the whole engine: server ids, zxids, virtual time.

use std::fmt;

/// A server id (ZooKeeper's `myid`), numbered from 1.
pub type Sid = u32;

/// Virtual time in milliseconds since the simulation started.
pub type Millis = u64;

/// An epoch (ZooKeeper keeps `acceptedEpoch` and `currentEpoch` as longs; 32 bits fit in a zxid).
pub type Epoch = u64;

/// A ZooKeeper transaction id: the epoch in the high 32 bits, a counter in the low 32.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Zxid(pub u64);

impl Zxid {
    pub const ZERO: Zxid = Zxid(0);

    pub fn new(epoch: Epoch, counter: u64) -> Zxid {
        Zxid((epoch << 32) | (counter & 0xffff_ffff))
    }

    pub fn epoch(self) -> Epoch {
        self.0 >> 32
    }

    pub fn counter(self) -> u64 {
        self.0 & 0xffff_ffff
    }

    /// The zxid a new epoch starts from: `epoch << 32`, counter 0.
    pub fn epoch_start(epoch: Epoch) -> Zxid {
        Zxid::new(epoch, 0)
    }

    /// True for `e << 32`, the zxid of an epoch with no txn yet.
    pub fn is_epoch_start(self) -> bool {
        self.counter() == 0
    }

    /// The next zxid within the same epoch.
    pub fn next(self) -> Zxid {
        Zxid(self.0 + 1)
    }
}

impl fmt::Display for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:x}", self.0)
    }
}

impl fmt::Debug for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Zxid {
    type Err = String;
    fn from_str(s: &str) -> Result<Zxid, String> {
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"));
        match digits {
            Some(hex) => u64::from_str_radix(hex, 16)
                .map(Zxid)
                .map_err(|_| format!("`{s}` is not a hex zxid like 0x100000002")),
            None => Err(format!(
                "`{s}` is not a hex zxid: write it like 0x100000002"
            )),
        }
    }
}

/// Strict majority of `voters`.
pub fn quorum_size(voters: usize) -> usize {
    voters / 2 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zxid_layout_matches_zookeeper() {
        let z = Zxid::new(2, 9);
        assert_eq!(z.0, 0x2_0000_0009);
        assert_eq!(z.epoch(), 2);
        assert_eq!(z.counter(), 9);
        assert_eq!(z.to_string(), "0x200000009");
        assert_eq!("0x200000009".parse::<Zxid>().unwrap(), z);
        assert!("200000009".parse::<Zxid>().is_err());
        assert!(Zxid::epoch_start(3).is_epoch_start());
    }

    #[test]
    fn quorum_is_a_strict_majority() {
        assert_eq!(quorum_size(1), 1);
        assert_eq!(quorum_size(3), 2);
        assert_eq!(quorum_size(4), 3);
        assert_eq!(quorum_size(5), 3);
    }
}
