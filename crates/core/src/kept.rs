//! A copy of stored rows that an object keeps in memory because it is the only writer of its
//! storage: read once, then kept until a write replaces it or drops it. StoreConfig keeps its
//! record, published theme and catalog index this way; a shopper's object its cart lines and
//! newest events.

use std::cell::RefCell;

/// A value read once from storage and kept (interior mutability: objects hold it behind `&self`).
#[derive(Debug)]
pub struct Kept<T> {
    slot: RefCell<Option<T>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            slot: RefCell::new(None),
        }
    }
}

impl<T: Clone> Kept<T> {
    /// The kept value, else what `read` reads, which is then kept. A failed read keeps nothing,
    /// so the next call reads again.
    pub fn get_or_read<E>(&self, read: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        if let Some(kept) = self.get() {
            return Ok(kept);
        }
        let value = read()?;
        self.keep(value.clone());
        Ok(value)
    }

    /// As [`Kept::get_or_read`] for a value that may not exist yet (`None`): only a value that
    /// exists is kept, so a store that has none reads again until it has one.
    pub fn get_or_read_some<E>(
        &self,
        read: impl FnOnce() -> Result<Option<T>, E>,
    ) -> Result<Option<T>, E> {
        if let Some(kept) = self.get() {
            return Ok(Some(kept));
        }
        let value = read()?;
        if let Some(v) = &value {
            self.keep(v.clone());
        }
        Ok(value)
    }

    /// The kept value, if one is kept.
    pub fn get(&self) -> Option<T> {
        self.slot.borrow().clone()
    }
}

impl<T> Kept<T> {
    /// Keeps `value` (a write that says what it stored).
    pub fn keep(&self, value: T) {
        *self.slot.borrow_mut() = Some(value);
    }

    /// Drops the kept value (a write that does not say what it left): the next use reads.
    pub fn forget(&self) {
        self.slot.borrow_mut().take();
    }

    /// The kept value, no longer kept (a write that starts from it and keeps what it leaves).
    pub fn take(&self) -> Option<T> {
        self.slot.borrow_mut().take()
    }

    /// Changes the kept value in step with a write; nothing if none is kept (the next use
    /// reads the write back).
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        if let Some(kept) = self.slot.borrow_mut().as_mut() {
            change(kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_value_is_read_once_then_kept() {
        let kept = Kept::default();
        let reads = Cell::new(0);
        let read = || {
            reads.set(reads.get() + 1);
            Ok::<_, String>(vec![1, 2])
        };
        assert_eq!(kept.get_or_read(read), Ok(vec![1, 2]));
        assert_eq!(kept.get_or_read(read), Ok(vec![1, 2]));
        assert_eq!(reads.get(), 1);
    }

    #[test]
    fn a_failed_read_keeps_nothing_and_the_next_call_reads_again() {
        let kept: Kept<u32> = Kept::default();
        assert_eq!(kept.get_or_read(|| Err("disk")), Err("disk"));
        assert_eq!(kept.get(), None);
        assert_eq!(kept.get_or_read(|| Ok::<_, &str>(7)), Ok(7));
        assert_eq!(kept.get_or_read(|| Err("not read")), Ok(7));
    }

    #[test]
    fn a_missing_value_is_not_kept_and_read_again_until_it_exists() {
        let kept: Kept<String> = Kept::default();
        let reads = Cell::new(0);
        let none = || {
            reads.set(reads.get() + 1);
            Ok::<Option<String>, ()>(None)
        };
        assert_eq!(kept.get_or_read_some(none), Ok(None));
        assert_eq!(kept.get_or_read_some(none), Ok(None));
        assert_eq!(reads.get(), 2, "no store yet: every call reads");
        let some = || Ok::<_, ()>(Some("demo".to_owned()));
        assert_eq!(kept.get_or_read_some(some), Ok(Some("demo".to_owned())));
        assert_eq!(kept.get_or_read_some(none), Ok(Some("demo".to_owned())));
        assert_eq!(
            kept.get_or_read_some(|| Err(())),
            Ok(Some("demo".to_owned()))
        );
    }

    #[test]
    fn a_write_replaces_updates_or_drops_the_copy() {
        let kept = Kept::default();
        kept.update(|v: &mut Vec<u8>| v.push(1));
        assert_eq!(kept.get(), None, "nothing kept: nothing to update");
        assert_eq!(kept.take(), None);
        kept.keep(vec![1]);
        kept.update(|v| v.push(2));
        assert_eq!(kept.get(), Some(vec![1, 2]));
        assert_eq!(
            kept.get_or_read(|| Err::<Vec<u8>, _>("unread")),
            Ok(vec![1, 2])
        );
        kept.forget();
        assert_eq!(kept.get_or_read(|| Ok::<_, ()>(vec![9])), Ok(vec![9]));
    }

    #[test]
    fn a_read_that_consults_other_kept_values_does_not_deadlock() {
        let outer: Kept<u32> = Kept::default();
        let inner: Kept<u32> = Kept::default();
        let read = || inner.get_or_read(|| Ok::<_, ()>(3)).map(|v| v + 1);
        assert_eq!(outer.get_or_read(read), Ok(4));
        assert_eq!((outer.get(), inner.get()), (Some(4), Some(3)));
    }
}
