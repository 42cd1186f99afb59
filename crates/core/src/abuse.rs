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

/// An exact fixed-window counter (for limits that must hold exactly, such as checkout
/// hand-offs, each of which costs a Shopify `cartCreate`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    pub window_start_ms: u64,
    pub count: u32,
}

/// What an exact counter says about one more request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
    pub window_secs: u64,
}

impl Quota {
    /// The IETF draft's `RateLimit-Policy` value (`"default";q=10;w=60`).
    pub fn policy_header(&self) -> String {
        format!("\"default\";q={};w={}", self.limit, self.window_secs)
    }

    /// The IETF draft's `RateLimit` value (`"default";r=3;t=42`).
    pub fn header(&self) -> String {
        format!("\"default\";r={};t={}", self.remaining, self.reset_secs)
    }
}

impl Counter {
    /// Counts one request at `now_ms` against `limit` per `window_ms` (a refused request is
    /// not counted).
    pub fn hit(&mut self, now_ms: u64, limit: u32, window_ms: u64) -> Quota {
        let window_ms = window_ms.max(1);
        if now_ms.saturating_sub(self.window_start_ms) >= window_ms || self.count == 0 {
            self.window_start_ms = now_ms;
            self.count = 0;
        }
        let allowed = self.count < limit;
        if allowed {
            self.count += 1;
        }
        let reset_ms = (self.window_start_ms.saturating_add(window_ms)).saturating_sub(now_ms);
        Quota {
            allowed,
            limit,
            remaining: limit.saturating_sub(self.count),
            reset_secs: reset_ms.div_ceil(1000),
            window_secs: window_ms.div_ceil(1000),
        }
    }
}

/// Which of `shards` guard objects keeps this client (so one busy client is not every
/// client's hot object).
pub fn shard(client: &str, shards: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(client.as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % shards.max(1)
}

/// How many AbuseGuard objects share the clients.
pub const GUARD_SHARDS: u32 = 16;

/// The name of the AbuseGuard object that keeps this client (or exact counter key).
pub fn guard_name(client: &str) -> String {
    format!("guard-{}", shard(client, GUARD_SHARDS))
}

/// How long an isolate trusts a guard's answer about a client.
pub const KNOWN_FOR_MS: u64 = 1_000;
/// How many clients' answers an isolate keeps.
pub const KNOWN_CLIENTS: usize = 10_000;

/// The guards' answers an isolate keeps (each client's ban end, if any), so a busy client
/// costs its guard about one call a second.
#[derive(Debug, Clone)]
pub struct KnownBans(crate::cached::TtlMap<String, Option<u64>>);

impl Default for KnownBans {
    fn default() -> Self {
        KnownBans(crate::cached::TtlMap::new(KNOWN_FOR_MS, KNOWN_CLIENTS))
    }
}

impl KnownBans {
    /// `Some(ban)` when the guard's answer is known (`ban`: its end if it still runs at
    /// `now_ms`); `None` when the guard must be asked.
    pub fn get(&self, client: &str, now_ms: u64) -> Option<Option<u64>> {
        let known = self.0.get(client, now_ms)?;
        Some(known.filter(|until| *until > now_ms))
    }

    /// Keeps the guard's answer.
    pub fn remember(&mut self, client: &str, until_ms: Option<u64>, now_ms: u64) {
        self.0.insert(client.to_owned(), until_ms, now_ms);
    }
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
    fn an_exact_counter_refuses_past_its_limit_and_resets() {
        let mut c = Counter::default();
        for i in 0..3 {
            let q = c.hit(1_000 + i, 3, 60_000);
            assert!(q.allowed);
            assert_eq!(q.remaining, 2 - i as u32);
        }
        let refused = c.hit(2_000, 3, 60_000);
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset_secs), (0, 59));
        assert_eq!(refused.policy_header(), "\"default\";q=3;w=60");
        assert_eq!(refused.header(), "\"default\";r=0;t=59");
        assert!(c.hit(61_000, 3, 60_000).allowed, "a new window");
    }

    #[test]
    fn a_counter_at_the_end_of_time_or_with_a_huge_window_does_not_overflow() {
        let mut c = Counter::default();
        let q = c.hit(u64::MAX - 1, 2, u64::MAX);
        assert!(q.allowed);
        assert_eq!(
            (q.remaining, q.reset_secs),
            (1, 1),
            "the window ends at the end of time"
        );
        assert_eq!(q.window_secs, u64::MAX.div_ceil(1000));
        let q = c.hit(u64::MAX, 2, u64::MAX);
        assert!(q.allowed, "the same window");
        assert!(!c.hit(u64::MAX, 2, u64::MAX).allowed, "past the limit");
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

    #[test]
    fn a_client_always_goes_to_one_of_the_guard_objects() {
        assert_eq!(guard_name("203.0.113.7"), guard_name("203.0.113.7"));
        let names: std::collections::HashSet<String> = (0..400)
            .map(|i| guard_name(&format!("10.0.{i}.1")))
            .collect();
        assert_eq!(
            names.len(),
            GUARD_SHARDS as usize,
            "every shard used, no other"
        );
        assert!(names.iter().all(|n| {
            let shard = n.strip_prefix("guard-").and_then(|s| s.parse::<u32>().ok());
            shard.is_some_and(|s| s < GUARD_SHARDS)
        }));
        assert!(
            guard_name("").starts_with("guard-"),
            "even an empty key has a guard"
        );
    }

    #[test]
    fn known_bans_are_trusted_for_a_second_and_end_with_the_ban() {
        let mut known = KnownBans::default();
        assert_eq!(known.get("c", 0), None, "never asked");
        known.remember("c", None, 1_000);
        assert_eq!(known.get("c", 1_500), Some(None), "not banned, known");
        assert_eq!(known.get("c", 1_000 + KNOWN_FOR_MS), None, "ask again");
        known.remember("c", Some(1_400), 1_000);
        assert_eq!(known.get("c", 1_200), Some(Some(1_400)));
        assert_eq!(known.get("c", 1_400), Some(None), "the ban ended");
        assert_eq!(known.get("other", 1_200), None);
        // A clock that went backwards asks again rather than trusting forever.
        assert_eq!(known.get("c", 500), None);
    }
}
