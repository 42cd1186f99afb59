//! "Recommended for you" on the home page, personalized: the shopper's events (already in
//! their SQLite) become a profile and candidates in StoreConfig (which holds the catalog);
//! the block shows a fresh stored model suggestion (`data-source="ai"`), else the baseline
//! ranking (`baseline`, or `holdout` for the holdout group). A model refresh is only ever
//! scheduled after the response (`wait_until`, see `ai_refresh`), when
//! `wandstore_ai::rules::decide` allows it. Impressions, clicks (`?rec=` on the block's links)
//! and adds to cart from those clicks are counted by source in StoreConfig, after the response.

use super::ShopperStorefront;
use super::ai_refresh::{self, RefreshJob};
use super::page_request::PageRequest;
use crate::objects::store_client;
use crate::sql::{self, Db};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::rc::Rc;
use wandstore_ai::page::{PageInput, StoredSuggestion, choose};
use wandstore_ai::prompt::Prompt;
use wandstore_ai::report::{Interaction, PersonalizationCounters, Source};
use wandstore_ai::request::CallContext;
use wandstore_ai::rules::{self, DailyBudget, RefreshDecision, RefreshInput};
use wandstore_core::catalog_question::MAX_SEEN;
use wandstore_core::shopper_events::{ShopperEvent, recent_products};
use wandstore_core::store::SNAPSHOT_TTL_MS;
use wandstore_protocol::EdgeError;
use wandstore_protocol::personalization::{Personalize, Personalized, RecordPersonalization};
use wandstore_protocol::shopper::ShopperContext;
use wandstore_render::Recommendation;

/// Products the block shows at most (the theme's section may show fewer).
const BLOCK_SIZE: usize = 12;
/// Candidates asked for (the prompt's list).
const CANDIDATES: usize = 50;
/// Events the profile is rebuilt from.
const PROFILE_EVENTS: u32 = 100;
/// Entries per dimension in the prompt's taste summary.
const SUMMARY_ENTRIES: usize = 5;

/// Keys of the shopper's `ai_state` table.
const SUGGESTION: &str = "suggestion";
const OPTED_OUT: &str = "opted_out";
const LAST_REFRESH: &str = "last_refresh_ms";
const REC_CLICK: &str = "rec_click";

/// The block as the page renders it.
pub struct Block {
    pub cards: Vec<Recommendation>,
    pub source: Source,
    pub headline: Option<String>,
}

/// The last recommendation the shopper followed: an add of this product counts for `source`.
#[derive(serde::Serialize, Deserialize)]
struct RecClick {
    handle: String,
    source: Source,
}

#[derive(Deserialize)]
struct EventRow {
    json: String,
    at_ms: u64,
}

#[derive(Deserialize)]
struct StateRow {
    json: String,
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// A value of the shopper's `ai_state` (absent or unreadable: `None`).
fn get_state<T: DeserializeOwned>(db: &Db, key: &str) -> worker::Result<Option<T>> {
    let rows: Vec<StateRow> =
        db.rows("SELECT json FROM ai_state WHERE key = ?", vec![key.into()])?;
    Ok(rows
        .first()
        .and_then(|r| serde_json::from_str(&r.json).ok()))
}

pub(super) fn set_state(db: &Db, key: &str, value: &impl serde::Serialize) -> worker::Result<()> {
    db.run(
        "INSERT INTO ai_state (key, json) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET json = excluded.json",
        vec![key.into(), serde_json::to_string(value)?.into()],
    )
}

/// Counts one interaction for `source` in StoreConfig, after the response.
fn count_later(
    object: &ShopperStorefront,
    ctx: &ShopperContext,
    source: Source,
    what: Interaction,
) {
    let mut counts = PersonalizationCounters::default();
    counts.record(source, what);
    let (env, store, rid) = (
        object.env.clone(),
        ctx.store.clone(),
        ctx.request_id.clone(),
    );
    object.state.wait_until(async move {
        let q = RecordPersonalization {
            counts,
            breakers: None,
        };
        if let Err(e) = store_client::ask(&env, &store, q, &rid).await {
            let e = EdgeError::from(e);
            worker::console_error!("personalization counts not recorded: {}", e.message);
        }
    });
}

impl ShopperStorefront {
    /// The shopper's events, oldest first, with their times.
    fn timed_events(&self) -> worker::Result<Vec<(ShopperEvent, u64)>> {
        if self.unrecorded.get() {
            return Ok(Vec::new());
        }
        let rows: Vec<EventRow> = self.db.rows(
            "SELECT json, at_ms FROM events ORDER BY id DESC LIMIT ?",
            vec![sql::int(u64::from(PROFILE_EVENTS))?],
        )?;
        let mut events: Vec<(ShopperEvent, u64)> = rows
            .iter()
            .filter_map(|r| serde_json::from_str(&r.json).ok().map(|e| (e, r.at_ms)))
            .collect();
        events.reverse();
        Ok(events)
    }

    /// The block for the home page, or `None` (no history yet, or it could not be built:
    /// the page never fails for it).
    pub(super) async fn personalized_block(&self, page: &PageRequest<'_>) -> Option<Block> {
        match self.build_block(page).await {
            Ok(block) => block,
            Err(e) => {
                worker::console_error!("recommendations left out: {}", e.message);
                None
            }
        }
    }

    async fn build_block(&self, page: &PageRequest<'_>) -> Result<Option<Block>, EdgeError> {
        let ctx = page.ctx;
        let events = self.timed_events().map_err(EdgeError::internal)?;
        let Some(last_event_ms) = events.last().map(|(_, at)| *at) else {
            return Ok(None);
        };
        let settings = page.personalization;
        let (suggestion, opted_out, last_refresh) = if self.unrecorded.get() {
            (None, false, None)
        } else {
            (
                get_state::<StoredSuggestion>(&self.db, SUGGESTION).map_err(EdgeError::internal)?,
                get_state::<bool>(&self.db, OPTED_OUT)
                    .map_err(EdgeError::internal)?
                    .unwrap_or(false),
                get_state::<u64>(&self.db, LAST_REFRESH).map_err(EdgeError::internal)?,
            )
        };
        // Recently seen products and the cart's are not recommended back.
        let mut exclude = recent_products(events.iter().rev().map(|(e, _)| e.clone()), MAX_SEEN);
        for line in self.cart_lines().map_err(EdgeError::internal)? {
            if !exclude.contains(&line.product_handle) {
                exclude.push(line.product_handle);
            }
        }
        let now = now_ms();
        let also = suggestion
            .as_ref()
            .map(|s| s.handles.clone())
            .unwrap_or_default();
        let material = self
            .personalize(
                ctx,
                Personalize {
                    events,
                    exclude,
                    also,
                    max: CANDIDATES,
                    now_ms: now,
                },
            )
            .await?;
        // The holdout is a comparison group of a running experiment: with personalization
        // switched off everyone sees the plain baseline.
        let holdout = settings.enabled
            && rules::in_holdout(
                ctx.store.as_str(),
                ctx.shopper.as_str(),
                settings.holdout_pct,
            );
        let ai_allowed = settings.enabled && !opted_out;
        let baseline = material.candidates.baseline(BLOCK_SIZE);
        let chosen = choose(
            PageInput {
                stored: suggestion.as_ref(),
                baseline: &baseline,
                ai_allowed,
                holdout,
                n: BLOCK_SIZE,
                now_ms: now,
            },
            |h| material.cards.iter().any(|c| c.handle == h),
        );
        let cards: Vec<Recommendation> = chosen
            .handles
            .iter()
            .filter_map(|h| material.cards.iter().find(|c| &c.handle == h))
            .map(|card| Recommendation {
                card: card.clone(),
                reason: None,
            })
            .collect();
        if cards.is_empty() {
            return Ok(None);
        }
        if !self.unrecorded.get() && !ctx.preview {
            count_later(self, ctx, chosen.source, Interaction::Impression);
            self.maybe_refresh(
                page,
                &material,
                opted_out,
                holdout,
                last_refresh,
                last_event_ms,
                now,
            )
            .map_err(EdgeError::internal)?;
        }
        Ok(Some(Block {
            cards,
            source: chosen.source,
            headline: chosen.headline,
        }))
    }

    /// StoreConfig's answer for these events, from memory if the same was asked within the
    /// snapshot TTL.
    async fn personalize(
        &self,
        ctx: &ShopperContext,
        q: Personalize,
    ) -> Result<Rc<Personalized>, EdgeError> {
        let key = serde_json::to_string(&(&q.events, &q.exclude, &q.also))
            .map_err(EdgeError::internal)?;
        let now = q.now_ms;
        if let Some((k, at, kept)) = self.personalized.borrow().as_ref()
            && *k == key
            && now.saturating_sub(*at) < SNAPSHOT_TTL_MS
        {
            return Ok(Rc::clone(kept));
        }
        let answer = Rc::new(
            store_client::ask(&self.env, &ctx.store, q, &ctx.request_id)
                .await
                .map_err(EdgeError::from)?,
        );
        *self.personalized.borrow_mut() = Some((key, now, Rc::clone(&answer)));
        Ok(answer)
    }

    /// Schedules a model refresh after the response when the rules allow one. The exact
    /// budget is spent in StoreConfig by the refresh itself; the local check only saves a
    /// call when the answer is known to be no.
    #[allow(clippy::too_many_arguments)]
    fn maybe_refresh(
        &self,
        page: &PageRequest<'_>,
        material: &Personalized,
        opted_out: bool,
        holdout: bool,
        last_refresh: Option<u64>,
        last_event_ms: u64,
        now: u64,
    ) -> worker::Result<()> {
        let settings = page.personalization;
        let Some(config) = crate::ai_config::gateway(&self.env) else {
            return Ok(());
        };
        let due = rules::refresh_due(
            last_refresh,
            Some(last_event_ms),
            now,
            settings.refresh_minutes,
        );
        let decision = rules::decide(
            RefreshInput {
                settings,
                opted_out,
                holdout,
                due,
                candidates: material.candidates.candidates.len(),
                now_ms: now,
            },
            &mut DailyBudget::default(),
        );
        if decision != RefreshDecision::Call {
            return Ok(());
        }
        // Written before the response: another page of this shopper does not start a second
        // refresh.
        set_state(&self.db, LAST_REFRESH, &now)?;
        let set = material.candidates.clone();
        let ctx = CallContext {
            store: page.ctx.store.to_string(),
            segment: material.profile.segment(),
            candidate_hash: set.hash(),
            request_id: page.ctx.request_id.clone(),
            brand_voice: settings.brand_voice.clone(),
        };
        let prompt = Prompt::build(
            &material.profile.summary(SUMMARY_ENTRIES),
            &set,
            &settings.brand_voice,
        );
        let job = RefreshJob {
            env: self.env.clone(),
            db: self.db.clone(),
            store: page.ctx.store.clone(),
            config,
            ctx,
            prompt,
            set,
        };
        self.state.wait_until(ai_refresh::run(job));
        Ok(())
    }

    /// `POST personalization`: the shopper's opt-out form (CSRF-checked), then back home.
    /// `choice=off` opts out, `choice=on` opts back in; anything else is a 400.
    pub(super) fn personalization_form(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<worker::Response, EdgeError> {
        let fields = self.checked_form(page, body)?;
        let choice = fields
            .iter()
            .find(|(k, _)| k == "choice")
            .map(|(_, v)| v.as_str());
        let opted_out = match choice {
            Some("off") => true,
            Some("on") => false,
            _ => {
                return Err(EdgeError::bad_request(
                    "bad_choice",
                    "choose “on” or “off” for personalized recommendations",
                ));
            }
        };
        set_state(&self.db, OPTED_OUT, &opted_out).map_err(EdgeError::internal)?;
        Ok(crate::respond::see_other(&page.ctx.base))
    }

    /// Whether the shopper opted out (for the form's label).
    pub(super) fn opted_out(&self) -> bool {
        !self.unrecorded.get()
            && get_state::<bool>(&self.db, OPTED_OUT)
                .ok()
                .flatten()
                .unwrap_or(false)
    }

    /// A product page reached from the block (`?rec=ai|baseline|holdout`): counts a click
    /// and remembers it, so adding this product counts for the same source.
    pub(super) fn note_recommendation_click(&self, page: &PageRequest<'_>, handle: &str) {
        let source = match page.param("rec") {
            Some("ai") => Source::Ai,
            Some("baseline") => Source::Baseline,
            Some("holdout") => Source::Holdout,
            _ => return,
        };
        if self.unrecorded.get() || page.ctx.preview {
            return;
        }
        let click = RecClick {
            handle: handle.to_owned(),
            source,
        };
        if set_state(&self.db, REC_CLICK, &click).is_ok() {
            count_later(self, page.ctx, source, Interaction::Click);
        }
    }

    /// After a cart add of `variant`: counts an add for the recommendation it came from.
    pub(super) fn note_added_variant(&self, ctx: &ShopperContext, variant: &str) {
        let Ok(lines) = self.cart_lines() else {
            return;
        };
        if let Some(line) = lines.iter().find(|l| l.variant_id == variant) {
            self.note_recommendation_add(ctx, &line.product_handle);
        }
    }

    /// After a cart add of `handle`: if it is the product last followed from the block, an
    /// add to cart counts for that source (once).
    fn note_recommendation_add(&self, ctx: &ShopperContext, handle: &str) {
        let Ok(Some(click)) = get_state::<RecClick>(&self.db, REC_CLICK) else {
            return;
        };
        if click.handle != handle {
            return;
        }
        if self
            .db
            .run("DELETE FROM ai_state WHERE key = ?", vec![REC_CLICK.into()])
            .is_ok()
        {
            count_later(self, ctx, click.source, Interaction::AddToCart);
        }
    }
}

/// Stores a refresh's suggestion (called by `ai_refresh`).
pub(super) fn store_suggestion(db: &Db, s: &StoredSuggestion) -> worker::Result<()> {
    set_state(db, SUGGESTION, s)
}
