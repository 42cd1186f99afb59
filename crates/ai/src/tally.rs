//! The block's impressions, clicks and adds waiting in a shopper's object: counted there as
//! they happen and sent to StoreConfig in one batch by the object's alarm, at most
//! [`FLUSH_DELAY_MS`] after the first of them, so a repeated page view costs StoreConfig no
//! call of its own. An impression of another source than the shopper's last one (`ai` once
//! a suggestion arrives, `baseline` after the kill switch) is sent at once with everything
//! waiting, so the owner's report shows the change without delay. The
//! object has one alarm (its retention alarm): [`PendingCounts::alarm_at`] says when it must
//! fire when there are counts waiting.

use crate::report::{Interaction, PersonalizationCounters, Source};
use serde::{Deserialize, Serialize};

/// How long counts wait to be sent with the ones that follow them.
pub const FLUSH_DELAY_MS: u64 = 3_000;
/// How long to wait before sending again after a failed send.
pub const RETRY_DELAY_MS: u64 = 30_000;

/// Counts not yet sent. JSON (the object's `ai_state` row):
/// `{"counts":{…},"send_at_ms":1700000003000,"last_source":"baseline"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCounts {
    pub counts: PersonalizationCounters,
    /// When they are due to be sent; `None`: nothing waits.
    pub send_at_ms: Option<u64>,
    /// The source of the shopper's last impression.
    #[serde(default)]
    pub last_source: Option<Source>,
}

/// What to do after counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Send {
    /// Send everything waiting now ([`PendingCounts::take_all`]).
    Now,
    /// Nothing was waiting: move the alarm to this time.
    AlarmAt(u64),
    /// It joined the counts already waiting for the alarm.
    Waits,
}

impl PendingCounts {
    /// Counts one interaction at `now_ms` and says what the shell does next.
    pub fn record(&mut self, source: Source, what: Interaction, now_ms: u64) -> Send {
        self.counts.record(source, what);
        if what == Interaction::Impression
            && self
                .last_source
                .replace(source)
                .is_some_and(|last| last != source)
        {
            return Send::Now;
        }
        match self.send_at_ms {
            Some(_) => Send::Waits,
            None => {
                let at = now_ms.saturating_add(FLUSH_DELAY_MS);
                self.send_at_ms = Some(at);
                Send::AlarmAt(at)
            }
        }
    }

    /// Everything waiting, to send now; nothing waits after.
    pub fn take_all(&mut self) -> PersonalizationCounters {
        self.send_at_ms = None;
        std::mem::take(&mut self.counts)
    }

    /// At the alarm: the counts to send now, leaving nothing waiting; `None` when nothing
    /// is due yet.
    pub fn take_due(&mut self, now_ms: u64) -> Option<PersonalizationCounters> {
        let due = self.send_at_ms.is_some_and(|at| at <= now_ms);
        due.then(|| self.take_all())
    }

    /// Sending `counts` failed: they wait again, with any counted meanwhile, and are sent
    /// [`RETRY_DELAY_MS`] from `now_ms` (or earlier if already due then). Answers the new
    /// send time.
    pub fn send_failed(&mut self, counts: &PersonalizationCounters, now_ms: u64) -> u64 {
        self.counts.add(counts);
        let retry = now_ms.saturating_add(RETRY_DELAY_MS);
        let at = self.send_at_ms.map_or(retry, |at| at.min(retry));
        self.send_at_ms = Some(at);
        at
    }

    /// When the object's alarm must fire, given its retention alarm's time `wake_ms`: the
    /// earlier of the two.
    pub fn alarm_at(&self, wake_ms: u64) -> u64 {
        self.send_at_ms.map_or(wake_ms, |at| at.min(wake_ms))
    }
}

/// Whether an alarm set for `current_ms` (if any) must move to fire by `at_ms`.
pub fn moves_alarm(current_ms: Option<u64>, at_ms: u64) -> bool {
    current_ms.is_none_or(|current| current > at_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impressions(c: &PersonalizationCounters) -> u64 {
        c.baseline.impressions
    }

    /// Pending counts whose last impression was `baseline`, nothing waiting.
    fn seen_baseline() -> PendingCounts {
        let mut p = PendingCounts::default();
        p.record(Source::Baseline, Interaction::Impression, 0);
        p.take_all();
        p
    }

    #[test]
    fn a_change_of_source_is_sent_at_once_repeats_wait_for_the_alarm() {
        let mut p = PendingCounts::default();
        assert_eq!(
            p.record(Source::Baseline, Interaction::Impression, 1_000),
            Send::AlarmAt(1_000 + FLUSH_DELAY_MS),
            "the shopper's first impression waits too"
        );
        for t in [1_001, 2_000, 3_999] {
            assert_eq!(
                p.record(Source::Baseline, Interaction::Impression, t),
                Send::Waits
            );
        }
        assert_eq!(p.record(Source::Ai, Interaction::Click, 3_999), Send::Waits);
        assert_eq!(
            p.record(Source::Ai, Interaction::Impression, 4_000),
            Send::Now,
            "the first ai impression after the baseline"
        );
        let all = p.take_all();
        assert_eq!(
            (impressions(&all), all.ai.impressions, all.ai.clicks),
            (4, 1, 1)
        );
        assert_eq!(p.send_at_ms, None);
        assert_eq!(p.last_source, Some(Source::Ai));
        assert_eq!(
            p.record(Source::Ai, Interaction::Impression, 4_100),
            Send::AlarmAt(4_100 + FLUSH_DELAY_MS)
        );
        assert_eq!(
            p.record(Source::Baseline, Interaction::Impression, 4_200),
            Send::Now,
            "back to the baseline (the kill switch)"
        );
    }

    #[test]
    fn clicks_and_adds_always_wait() {
        let mut p = PendingCounts::default();
        assert_eq!(
            p.record(Source::Holdout, Interaction::Click, 0),
            Send::AlarmAt(FLUSH_DELAY_MS)
        );
        assert_eq!(p.record(Source::Ai, Interaction::AddToCart, 1), Send::Waits);
        assert_eq!(p.last_source, None, "no impression yet");
    }

    #[test]
    fn counts_are_sent_once_when_due() {
        let mut p = seen_baseline();
        p.record(Source::Holdout, Interaction::AddToCart, 0);
        assert_eq!(p.take_due(FLUSH_DELAY_MS - 1), None, "not yet");
        let sent = p.take_due(FLUSH_DELAY_MS).expect("due");
        assert_eq!(sent.holdout.adds_to_cart, 1);
        assert_eq!(
            p.counts,
            PersonalizationCounters::default(),
            "nothing waits"
        );
        assert_eq!(
            p.last_source,
            Some(Source::Baseline),
            "the last source is kept"
        );
        assert_eq!(p.take_due(u64::MAX), None, "nothing twice");
        assert_eq!(
            p.record(Source::Baseline, Interaction::Impression, 50_000),
            Send::AlarmAt(50_000 + FLUSH_DELAY_MS),
            "the next count sets the alarm again"
        );
    }

    #[test]
    fn a_failed_send_keeps_every_count_and_retries_later() {
        let mut p = seen_baseline();
        p.record(Source::Baseline, Interaction::Impression, 0);
        let sent = p.take_due(FLUSH_DELAY_MS).unwrap();
        // Counted while the send was out.
        p.record(Source::Baseline, Interaction::Impression, 3_100);
        let at = p.send_failed(&sent, 3_200);
        assert_eq!(impressions(&p.counts), 2);
        assert_eq!(
            at,
            3_100 + FLUSH_DELAY_MS,
            "the newer count's time is earlier"
        );
        let mut q = PendingCounts::default();
        assert_eq!(q.send_failed(&sent, 10), 10 + RETRY_DELAY_MS);
        assert_eq!(impressions(&q.counts), 1);
    }

    #[test]
    fn the_alarm_fires_for_whichever_comes_first() {
        let mut p = seen_baseline();
        assert_eq!(p.alarm_at(9_000), 9_000, "nothing waits: retention's time");
        p.record(Source::Baseline, Interaction::Impression, 0);
        assert_eq!(p.alarm_at(9_000), FLUSH_DELAY_MS);
        assert_eq!(p.alarm_at(10), 10, "retention first");
    }

    #[test]
    fn an_alarm_only_ever_moves_earlier() {
        assert!(moves_alarm(None, 5));
        assert!(moves_alarm(Some(6), 5));
        assert!(!moves_alarm(Some(5), 5));
        assert!(!moves_alarm(Some(4), 5), "retention's sooner alarm stays");
    }

    #[test]
    fn stored_json_round_trips() {
        let mut p = seen_baseline();
        p.record(Source::Ai, Interaction::Click, 7);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""send_at_ms":3007"#), "{json}");
        assert!(json.contains(r#""last_source":"baseline""#), "{json}");
        assert_eq!(serde_json::from_str::<PendingCounts>(&json).unwrap(), p);
    }
}
