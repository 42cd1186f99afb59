//! The catalog pages: home, collection, product, search. Each asks StoreConfig (through the
//! object's short-lived cache) and renders a page model from wandstore-render.

use super::ShopperStorefront;
use super::catalog::Answer;
use crate::internal::{CACHE_HEADER, ShopperContext};
use crate::respond;
use serde::Deserialize;
use wandstore_core::cart::CartEvent;
use wandstore_core::catalog::Product;
use wandstore_core::catalog_index::{CollectionInfo, Listing, ListingQuery, ProductCard};
use wandstore_core::store::StoreSettings;
use wandstore_render::{Chrome, CollectionPage, HomePage, ProductPage, Recommendation, SearchPage};
use worker::{Response, Result, Url};

/// What every page handler gets: who is asking, at which store, with which query.
pub struct Page<'a> {
    pub ctx: &'a ShopperContext,
    pub store: &'a StoreSettings,
    pub query: &'a [(String, String)],
    /// Items in the shopper's cart, for the header.
    pub cart_count: u32,
}

impl Page<'_> {
    pub fn chrome(&self) -> Chrome {
        let canonical = format!("{}{}", self.ctx.origin, self.ctx.base.trim_end_matches('/'));
        Chrome::for_store(self.store, &self.ctx.base, &self.ctx.request_id)
            .with_canonical_base(&canonical)
            .with_cart_count(self.cart_count)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A themed error page in the store's frame.
    pub fn error(&self, status: u16, heading: &str, message: &str) -> Response {
        respond::error_page(status, self.chrome(), heading, message)
    }

    fn listing_query(&self) -> std::result::Result<ListingQuery, Response> {
        ListingQuery::parse(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|m| self.error(400, "That listing does not exist", &format!("{m}.")))
    }

    /// The page for a catalog answer that is not a 200.
    pub fn failed(&self, answer: &Answer, what: &str) -> Response {
        match answer.status {
            404 => self.error(404, "Not found", &format!("We could not find {what}.")),
            503 => {
                let retry = answer.retry_after.clone().unwrap_or_else(|| "30".into());
                let mut resp = self.error(
                    503,
                    "Temporarily unavailable",
                    &format!(
                        "This store's products cannot be loaded right now. Please try again in {retry} seconds."
                    ),
                );
                let _ = resp.headers_mut().set("retry-after", &retry);
                resp
            }
            status => self.error(
                502,
                "Something went wrong",
                &format!("The store answered {status}. Please try again in a moment."),
            ),
        }
    }
}

/// `/catalog/...` with query parameters, encoded.
pub fn catalog_path(path: &str, params: &[(&str, String)]) -> Result<String> {
    let url = Url::parse_with_params(&format!("https://catalog.internal{path}"), params)
        .map_err(|e| worker::Error::RustError(format!("building {path}: {e}")))?;
    Ok(match url.query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", url.path()),
        _ => url.path().to_owned(),
    })
}

fn listing_params(q: &ListingQuery) -> Vec<(&'static str, String)> {
    vec![
        ("sort", q.sort.as_str().to_owned()),
        ("page", q.page.to_string()),
        ("size", q.size.get().to_string()),
    ]
}

/// A rendered page with the catalog's freshness attached.
fn page_response(page: wandstore_render::Rendered, answer: &Answer) -> Response {
    let mut resp = respond::html(200, page);
    let _ = resp.headers_mut().set(CACHE_HEADER, &answer.cache);
    resp
}

#[derive(Deserialize)]
struct HomeData {
    featured: Vec<CollectionInfo>,
}

#[derive(Deserialize)]
struct CollectionData {
    collection: CollectionInfo,
    listing: Listing,
}

impl ShopperStorefront {
    pub(super) async fn home(&self, page: &Page<'_>) -> Result<Response> {
        let answer = self.catalog(page.ctx, "/catalog/home").await?;
        if answer.status != 200 {
            return Ok(page.failed(&answer, "this store"));
        }
        let data: HomeData = answer.json()?;
        let visits = self.count_page_view()?;
        let mut home = HomePage::new(page.chrome(), visits);
        home.featured = data.featured;
        home.recommended = self.recommendations(page).await?;
        Ok(page_response(home.html(), &answer))
    }

    pub(super) async fn collection(&self, page: &Page<'_>, handle: &str) -> Result<Response> {
        let query = match page.listing_query() {
            Ok(q) => q,
            Err(resp) => return Ok(resp),
        };
        let mut params = vec![("handle", handle.to_owned())];
        params.extend(listing_params(&query));
        let answer = self
            .catalog(page.ctx, &catalog_path("/catalog/collection", &params)?)
            .await?;
        if answer.status != 200 {
            return Ok(page.failed(&answer, "that collection"));
        }
        let data: CollectionData = answer.json()?;
        let view = CollectionPage {
            chrome: page.chrome(),
            collection: data.collection,
            listing: data.listing,
        };
        Ok(page_response(view.html(), &answer))
    }

    pub(super) async fn product(&self, page: &Page<'_>, handle: &str) -> Result<Response> {
        let path = catalog_path("/catalog/product", &[("handle", handle.to_owned())])?;
        let answer = self.catalog(page.ctx, &path).await?;
        if answer.status != 200 {
            return Ok(page.failed(&answer, "that product"));
        }
        let product: Product = answer.json()?;
        self.record_event(&CartEvent::ProductViewed {
            handle: product.handle.clone(),
        })?;
        let view = ProductPage {
            chrome: page.chrome(),
            product,
            selected_variant_id: page.param("variant").map(str::to_owned),
            csrf: self.csrf_token(page.ctx),
        };
        Ok(page_response(view.html(), &answer))
    }

    pub(super) async fn search(&self, page: &Page<'_>) -> Result<Response> {
        let q = page.param("q").unwrap_or_default().trim().to_owned();
        let chrome = page.chrome();
        if q.is_empty() {
            let view = SearchPage {
                chrome,
                query: q,
                listing: None,
            };
            return Ok(respond::html(200, view.html()));
        }
        let query = match page.listing_query() {
            Ok(lq) => lq,
            Err(resp) => return Ok(resp),
        };
        let mut params = vec![("q", q.clone())];
        params.extend(listing_params(&query));
        let answer = self
            .catalog(page.ctx, &catalog_path("/catalog/search", &params)?)
            .await?;
        if answer.status != 200 {
            return Ok(page.failed(&answer, "that page of results"));
        }
        let view = SearchPage {
            chrome,
            query: q,
            listing: Some(answer.json()?),
        };
        Ok(page_response(view.html(), &answer))
    }

    /// "Recommended for you": products like the ones this shopper looked at lately. Never
    /// holds the page up for long (one cached catalog question) and never fails it: without
    /// history or an answer, the slot is simply left out.
    async fn recommendations(&self, page: &Page<'_>) -> Result<Vec<Recommendation>> {
        #[derive(Deserialize)]
        struct Pick {
            card: ProductCard,
            because: String,
        }
        let seen = self.recent_products(10)?;
        if seen.is_empty() {
            return Ok(Vec::new());
        }
        let path = catalog_path("/catalog/recommend", &[("seen", seen.join(","))])?;
        let answer = self.catalog(page.ctx, &path).await?;
        if answer.status != 200 {
            return Ok(Vec::new());
        }
        let picks: Vec<Pick> = answer.json()?;
        Ok(picks
            .into_iter()
            .map(|p| Recommendation {
                card: p.card,
                reason: Some(format!("Because you viewed {}", p.because)),
            })
            .collect())
    }

    fn count_page_view(&self) -> Result<u64> {
        #[derive(Deserialize)]
        struct Count {
            value: u64,
        }
        let rows: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec(
                "INSERT INTO counters (name, value) VALUES ('page_views', 1)
                 ON CONFLICT (name) DO UPDATE SET value = value + 1
                 RETURNING value",
                None,
            )?
            .to_array()?;
        rows.first()
            .map(|c| c.value)
            .ok_or_else(|| worker::Error::RustError("page view counter returned no row".into()))
    }
}
