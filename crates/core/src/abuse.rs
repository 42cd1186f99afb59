//! Abuse bans: a client that goes past a rate limit [`BanPolicy::strikes`] times within
//! [`BanPolicy::window_ms`] is banned for [`BanPolicy::ban_ms`]. Kept exactly and durably by
//! the AbuseGuard objects (a ban survives a restart); time is passed in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BanPolicy {
    pub strikes: u32,
    pub window_ms: u64,
    pub ban_ms: u64,
}

impl Default for BanPolicy {
    /// 5 strikes within a minute (the rate limits' period) ban for 24 hours.
    fn default() -> Self {
        BanPolicy {
            strikes: 5,
            window_ms: 60_000,
            ban_ms: 24 * 60 * 60 * 1000,
        }
    }
}

/// One client's record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// When the current strike window started.
    pub window_start_ms: u64,
    pub strikes: u32,
    /// Banned until then (if in the future).
    pub banned_until_ms: Option<u64>,
}

impl ClientRecord {
    /// The ban in force at `now_ms`, if any.
    pub fn banned_until(&self, now_ms: u64) -> Option<u64> {
        self.banned_until_ms.filter(|&until| until > now_ms)
    }

    /// Records one strike at `now_ms` (a request past a limit); answers the ban it brings.
    pub fn strike(&mut self, now_ms: u64, policy: BanPolicy) -> Option<u64> {
        if let Some(until) = self.banned_until(now_ms) {
            return Some(until);
        }
        if self.strikes == 0 || now_ms.saturating_sub(self.window_start_ms) >= policy.window_ms {
            self.window_start_ms = now_ms;
            self.strikes = 0;
        }
        self.strikes = self.strikes.saturating_add(1);
        if self.strikes >= policy.strikes.max(1) {
            let until = now_ms.saturating_add(policy.ban_ms);
            self.banned_until_ms = Some(until);
            self.strikes = 0;
            return Some(until);
        }
        None
    }
}

/// Which of `shards` guard objects keeps this client (so one busy client is not every
/// client's hot object).
pub fn shard(client: &str, shards: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(client.as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % shards.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: BanPolicy = BanPolicy {
        strikes: 5,
        window_ms: 60_000,
        ban_ms: 1_000_000,
    };

    #[test]
    fn five_strikes_within_the_window_ban() {
        let mut r = ClientRecord::default();
        for t in 0..4 {
            assert_eq!(r.strike(t * 1000, P), None);
        }
        assert_eq!(r.strike(4_000, P), Some(1_004_000));
        assert_eq!(r.banned_until(5_000), Some(1_004_000));
        assert_eq!(
            r.strike(6_000, P),
            Some(1_004_000),
            "a ban is not extended by striking"
        );
        assert_eq!(r.banned_until(1_004_000), None, "and it ends");
    }

    #[test]
    fn strikes_spread_over_windows_never_ban() {
        let mut r = ClientRecord::default();
        for i in 0..20 {
            assert_eq!(r.strike(i * 20_000, P), None, "strike {i}");
        }
    }

    #[test]
    fn records_survive_storage() {
        let mut r = ClientRecord::default();
        r.strike(1, P);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<ClientRecord>(&json).unwrap(), r);
    }

    #[test]
    fn shards_spread_clients_and_are_stable() {
        assert_eq!(shard("203.0.113.7", 16), shard("203.0.113.7", 16));
        let used: std::collections::HashSet<u32> = (0..200)
            .map(|i| shard(&format!("198.51.100.{i}"), 16))
            .collect();
        assert!(used.len() > 10, "{used:?}");
        assert!(used.iter().all(|s| *s < 16));
    }
}
