//! A store's whole catalog sync as one sans-IO machine: its products, then its collections,
//! each paged by [`Paginated`]. A listing that cannot finish stops the sync before the next
//! one is asked for, so a failed product sync costs no collection requests.

use crate::ShopConfig;
use crate::error::ShopifyError;
use crate::sync::{CollectionSync, FullSync, Paginated, Progress, SyncOutcome};
use wandstore_core::catalog::{Collection, Product};
use wandstore_core::guarded_run::Exchange;
use wandstore_core::http::{HttpRequest, HttpResponse};

/// The products and collections a finished sync produced.
pub type CatalogOutcome = (SyncOutcome<Product>, SyncOutcome<Collection>);

#[derive(Debug)]
enum Products {
    Paging(FullSync),
    Done(SyncOutcome<Product>),
    Failed(ShopifyError),
}

/// Products first (up to `product_cap`), then collections (up to `collection_cap`).
#[derive(Debug)]
pub struct CatalogSync {
    products: Products,
    collections: CollectionSync,
}

impl CatalogSync {
    pub fn new(config: ShopConfig, product_cap: usize, collection_cap: usize) -> Self {
        CatalogSync {
            products: Products::Paging(FullSync::new(config.clone(), product_cap)),
            collections: CollectionSync::new(config, collection_cap),
        }
    }

    /// The next page's request, or `None` when the sync has finished or cannot go on.
    pub fn next_request(&mut self) -> Option<HttpRequest> {
        if let Products::Paging(products) = &mut self.products {
            if let Some(request) = products.next_request() {
                return Some(request);
            }
            let paged = std::mem::replace(&mut self.products, Products::Failed(unfinished()));
            if let Products::Paging(products) = paged {
                self.products = products
                    .finish()
                    .map_or_else(Products::Failed, Products::Done);
            }
        }
        match self.products {
            Products::Done(_) => self.collections.next_request(),
            _ => None,
        }
    }

    /// Takes the response to the last request (see [`Paginated::on_response`]).
    pub fn on_response(&mut self, response: &HttpResponse) -> Result<Progress, ShopifyError> {
        match &mut self.products {
            Products::Paging(products) => products.on_response(response),
            Products::Done(_) => self.collections.on_response(response),
            Products::Failed(e) => Err(e.clone()),
        }
    }

    /// Both listings, or why the sync did not finish (a partial catalog is never handed out).
    pub fn finish(self) -> Result<CatalogOutcome, ShopifyError> {
        let products = match self.products {
            Products::Done(outcome) => outcome,
            Products::Paging(products) => products.finish()?,
            Products::Failed(e) => return Err(e),
        };
        Ok((products, Paginated::finish(self.collections)?))
    }
}

/// A sync is one guarded exchange: each page an attempt of its own.
impl Exchange for CatalogSync {
    type Error = ShopifyError;
    fn next_request(&mut self) -> Option<HttpRequest> {
        CatalogSync::next_request(self)
    }
    fn on_response(&mut self, response: &HttpResponse) -> Result<(), ShopifyError> {
        CatalogSync::on_response(self, response).map(|_| ())
    }
}

fn unfinished() -> ShopifyError {
    ShopifyError::InvalidInput("the product sync did not finish".into())
}
