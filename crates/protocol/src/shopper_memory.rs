//! What a shopper's object keeps in memory between requests (it is the only writer of its
//! storage, so copies of its rows stay true until it writes them), and how each event of its
//! life changes it: a request starts an empty report, a first visit's page read reads and
//! keeps nothing, an event written is kept in step, deleted storage is forgotten.

use crate::block_run::Memo;
use crate::shopper::ObjectReport;
use crate::store_view::StoreLook;
use std::cell::{Cell, RefCell};
use wandstore_ai::block::keep_newest;
use wandstore_core::cached::Cached;
use wandstore_core::cart::{CartLine, Outcome};
use wandstore_core::cart_announce::heard_after_read;
use wandstore_core::kept::Kept;
use wandstore_core::rate_limit::RateClass;
use wandstore_core::retention::Retention;
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_core::sliding_window::SlidingWindow;
use wandstore_core::store::SNAPSHOT_TTL_MS;

pub struct ShopperMemory {
    /// The store's settings and theme, kept for the snapshot TTL (catalog answers are kept
    /// per isolate: `store_view`).
    pub look: RefCell<Option<Cached<StoreLook>>>,
    /// What serving the current request cost (reported to the entry's log line).
    pub report: RefCell<ObjectReport>,
    /// The cart's lines as stored, once read (every write updates or drops this copy).
    pub lines: Kept<Vec<CartLine>>,
    /// The newest events (at most `block::PROFILE_EVENTS`, oldest first, with their times) as
    /// stored, once read: kept in step by [`ShopperMemory::recorded`], dropped by any other
    /// write.
    pub events: Kept<Vec<(ShopperEvent, u64)>>,
    /// The shopper's cart writes in the last minute (`RateClass::shopper_limit`): every one
    /// reaches this object, so the count is exact and costs no call.
    pub cart_writes: RefCell<SlidingWindow>,
    /// How long this object's storage outlives the shopper's last activity.
    pub retention: Retention,
    /// The last activity written down (`None` until read; `Some(None)`: never written).
    pub activity: Cell<Option<Option<u64>>>,
    /// The current request is a first visit's page read: it touches no storage at all.
    pub unrecorded: Cell<bool>,
    /// Whether the cart is non-empty as StoreConfig's cart index last heard it from this
    /// object (`None`: not told in this object's lifetime, or the telling failed).
    pub announced: Cell<Option<bool>>,
    /// The last personalization material asked of StoreConfig (its key and time).
    pub personalized: RefCell<Memo>,
}

impl ShopperMemory {
    /// A new object's memory: nothing read yet.
    pub fn new(retention: Retention) -> Self {
        ShopperMemory {
            look: RefCell::new(None),
            report: RefCell::new(ObjectReport::default()),
            lines: Kept::default(),
            events: Kept::default(),
            cart_writes: RefCell::new(RateClass::CartWrites.shopper_window()),
            retention,
            activity: Cell::new(None),
            unrecorded: Cell::new(false),
            announced: Cell::new(None),
            personalized: RefCell::new(None),
        }
    }

    /// Rows kept in `kept`: read once (`read`), then kept; a request left unrecorded has none
    /// and reads nothing.
    pub fn rows<T: Clone, E>(
        &self,
        kept: &Kept<Vec<T>>,
        read: impl FnOnce() -> Result<Vec<T>, E>,
    ) -> Result<Vec<T>, E> {
        if self.unrecorded.get() {
            return Ok(Vec::new());
        }
        kept.get_or_read(read)
    }

    /// `event` at `at_ms` was written (`true`) or its write failed: the kept newest events
    /// follow it, or are read again next time.
    pub fn recorded(&self, event: &ShopperEvent, at_ms: u64, written: bool) {
        match written {
            true => (self.events).update(|kept| keep_newest(kept, event.clone(), at_ms)),
            false => self.events.forget(),
        }
    }

    /// The store's look as kept at `now`, within the snapshot TTL.
    pub fn fresh_look(&self, now: u64) -> Option<StoreLook> {
        Cached::fresh_copy(&self.look.borrow(), now, SNAPSHOT_TTL_MS)
    }

    /// Keeps the store's look as asked at `now`.
    pub fn keep_look(&self, look: StoreLook, now: u64) {
        *self.look.borrow_mut() = Some(Cached::new(look, now));
    }

    /// A cart command starts: its transaction takes the kept lines (`None`: it reads them),
    /// and the events are read again next time (the command may record one).
    pub fn command_starts(&self) -> Option<Vec<CartLine>> {
        self.events.forget();
        self.lines.take()
    }

    /// A cart command ended with `outcome` (`None`: its transaction failed): the lines it
    /// applied are kept; otherwise they are read again next time.
    pub fn command_ended(&self, outcome: Option<&Outcome>) {
        if let Some(Outcome::Applied { lines }) = outcome {
            self.lines.keep(lines.clone());
        }
    }

    /// A backup read the cart's `lines`: StoreConfig's index has now heard whether it is
    /// empty (`cart_announce::heard_after_read`).
    pub fn backup_read(&self, lines: &[CartLine]) {
        let heard = heard_after_read(self.announced.get(), lines.is_empty());
        self.announced.set(heard);
    }

    /// A restore wrote the cart whole as `lines`: the rows are read again, and the index
    /// (which the restore told) has heard whether it is empty.
    pub fn restored(&self, lines: &[CartLine]) {
        self.rewritten();
        self.announced.set(Some(!lines.is_empty()));
    }

    /// The cart (and maybe the events) were rewritten by other means: read both again.
    pub fn rewritten(&self) {
        self.lines.forget();
        self.events.forget();
    }

    /// The storage was deleted: nothing kept of it is true any more (what StoreConfig heard
    /// and the shopper's limit stay: they are not stored).
    pub fn deleted(&self) {
        self.rewritten();
        self.activity.set(None);
    }
}

#[cfg(test)]
#[path = "shopper_memory_tests.rs"]
pub(crate) mod tests;
