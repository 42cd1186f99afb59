//! Which of StoreConfig's questions are answered only for a store that exists: the object
//! checks once, before any handler runs, and refuses the others with `StoreError::NotFound`
//! before anything is read or written for them.

use crate::store::StoreQuestion;

impl StoreQuestion {
    /// Whether this question is refused (`NotFound`) unless the store exists. The others
    /// create the store, forget it, restore it (a restore may bring a deleted store back),
    /// report on the object itself, or answer for an empty cache (the catalog's status and
    /// the cron's refresh).
    pub fn needs_store(&self) -> bool {
        use StoreQuestion as Q;
        !matches!(
            self,
            Q::Create(_)
                | Q::Delete(_)
                | Q::Restore(_)
                | Q::ShowRestore(_)
                | Q::Metrics(_)
                | Q::Status(_)
                | Q::Refresh(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::owner::ListAssets;
    use crate::store::{
        DeleteStore, GetSettings, ShowCatalogStatus, ShowMetrics, ShowStore, StoreError,
        StoreQuestion, SyncNow,
    };
    use crate::theme::ListVersions;
    use crate::wire::{Question, decode_reply, encode_refusal};

    fn needs(q: impl Question<Envelope = StoreQuestion>) -> bool {
        q.into_envelope().needs_store()
    }

    #[test]
    fn reads_and_changes_of_a_store_need_it_and_its_lifecycle_does_not() {
        assert!(needs(GetSettings::default()));
        assert!(needs(ShowStore) && needs(ListAssets) && needs(ListVersions));
        assert!(
            needs(SyncNow),
            "a sync of no store is refused before it is logged"
        );
        assert!(!needs(DeleteStore), "deleting twice answers false, not 404");
        assert!(!needs(ShowMetrics) && !needs(ShowCatalogStatus));
    }

    #[test]
    fn the_refusal_reads_back_as_any_questions_not_found() {
        let body = encode_refusal(&StoreError::NotFound);
        let reply = decode_reply::<ShowStore>(body.as_bytes());
        assert_eq!(reply, Ok(Err(StoreError::NotFound)));
        let reply = decode_reply::<ListVersions>(body.as_bytes());
        assert_eq!(reply, Ok(Err(StoreError::NotFound)));
    }
}
