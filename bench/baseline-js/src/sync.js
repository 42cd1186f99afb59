// A full catalog sync from a Storefront-API-compatible GraphQL endpoint (devshop locally):
// the same queries and the same mapping into catalog types as WandStore's `shopify` crate.

import { parseMoney } from "./money.js";

const FRAGMENTS = `
fragment MoneyFields on MoneyV2 { amount currencyCode }
fragment ImageFields on Image { url altText width height }
fragment ProductFields on Product {
  id handle title vendor productType description descriptionHtml tags availableForSale
  createdAt updatedAt
  featuredImage { ...ImageFields }
  images(first: 10) { nodes { ...ImageFields } }
  priceRange { minVariantPrice { ...MoneyFields } maxVariantPrice { ...MoneyFields } }
  compareAtPriceRange { minVariantPrice { ...MoneyFields } maxVariantPrice { ...MoneyFields } }
  options { name optionValues { name } }
  variants(first: 100) {
    pageInfo { hasNextPage }
    nodes {
      id title sku availableForSale
      price { ...MoneyFields }
      compareAtPrice { ...MoneyFields }
      selectedOptions { name value }
      image { ...ImageFields }
    }
  }
  seo { title description }
}`;

const PRODUCTS = `query ProductsPage($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { ...ProductFields }
  }
}
${FRAGMENTS}`;

const COLLECTIONS = `query CollectionsPage($first: Int!, $after: String) {
  collections(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id handle title description updatedAt
      image { url altText width height }
      products(first: 250, sortKey: COLLECTION_DEFAULT) { pageInfo { hasNextPage } nodes { handle } }
    }
  }
}`;

const PRODUCT_CAP = 5000;
const COLLECTION_CAP = 500;

async function graphql(shop, query, variables) {
  const resp = await fetch(`${shop.domain}/api/${shop.api_version || "2025-07"}/graphql.json`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      "shopify-storefront-private-token": shop.storefront_token,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  if (resp.status !== 200) throw new Error(`upstream answered ${resp.status}`);
  const body = await resp.json();
  if (body.errors && (!Array.isArray(body.errors) || body.errors.length > 0)) {
    throw new Error(`upstream GraphQL errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
  }
  if (!body.data) throw new Error("no data in the upstream response");
  return body.data;
}

function image(i) {
  if (!i) return null;
  const dim = (n) => (Number.isInteger(n) && n > 0 && n <= 4294967295 ? n : null);
  return { url: i.url, alt_text: i.altText || null, width: dim(i.width), height: dim(i.height) };
}

function moneyIn(m, currency) {
  const parsed = parseMoney(m.amount, m.currencyCode);
  if (parsed.currency !== currency) throw new Error(`mixed currencies: ${currency} and ${parsed.currency}`);
  return parsed;
}

function product(p) {
  const min = parseMoney(p.priceRange.minVariantPrice.amount, p.priceRange.minVariantPrice.currencyCode);
  const c = min.currency;
  const max = moneyIn(p.priceRange.maxVariantPrice, c);
  const cmin = moneyIn(p.compareAtPriceRange.minVariantPrice, c);
  const cmax = moneyIn(p.compareAtPriceRange.maxVariantPrice, c);
  return {
    id: p.id,
    handle: p.handle,
    title: p.title,
    vendor: p.vendor,
    product_type: p.productType,
    description: p.description,
    description_html: p.descriptionHtml,
    tags: p.tags,
    available_for_sale: p.availableForSale,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    featured_image: image(p.featuredImage),
    images: p.images.nodes.map(image),
    price_range: { min, max },
    compare_at_price_range: cmax.minor !== 0 ? { min: cmin, max: cmax } : null,
    options: p.options.map((o) => ({ name: o.name, values: o.optionValues.map((v) => v.name) })),
    variants: p.variants.nodes.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku || null,
      available_for_sale: v.availableForSale,
      price: moneyIn(v.price, c),
      compare_at_price: v.compareAtPrice ? moneyIn(v.compareAtPrice, c) : null,
      selected_options: v.selectedOptions.map((o) => ({ name: o.name, value: o.value })),
      image: image(v.image),
    })),
    variants_truncated: p.variants.pageInfo.hasNextPage,
    seo: { title: p.seo.title || null, description: p.seo.description || null },
  };
}

/** Every product (up to the cap) and collection of the shop. */
export async function fullSync(shop) {
  const products = [];
  let skipped = 0;
  let truncated = false;
  let after = null;
  for (;;) {
    const data = await graphql(shop, PRODUCTS, { first: 250, after });
    for (const node of data.products.nodes) {
      if (products.length >= PRODUCT_CAP) {
        truncated = true;
        break;
      }
      try {
        products.push(product(node));
      } catch {
        skipped += 1;
      }
    }
    if (truncated || !data.products.pageInfo.hasNextPage) break;
    after = data.products.pageInfo.endCursor;
  }
  const collections = [];
  after = null;
  for (;;) {
    const data = await graphql(shop, COLLECTIONS, { first: 25, after });
    for (const c of data.collections.nodes) {
      if (collections.length >= COLLECTION_CAP) break;
      collections.push({
        id: c.id,
        handle: c.handle,
        title: c.title,
        description: c.description,
        image: image(c.image),
        updated_at: c.updatedAt,
        product_handles: c.products.nodes.map((n) => n.handle),
        products_truncated: c.products.pageInfo.hasNextPage,
      });
    }
    if (collections.length >= COLLECTION_CAP || !data.collections.pageInfo.hasNextPage) break;
    after = data.collections.pageInfo.endCursor;
  }
  return { products, collections, truncated, skipped };
}
