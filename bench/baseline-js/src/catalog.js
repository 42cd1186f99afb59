// A store's catalog in memory, indexed for the questions pages ask (the same answers as
// WandStore's `core::catalog_index`): listings in six orders with paging, a product by
// handle, variants by id, featured collections and recommendations.

export const SORTS = ["featured", "price-asc", "price-desc", "title-asc", "title-desc", "newest"];
export const SORT_LABELS = {
  featured: "Featured",
  "price-asc": "Price, low to high",
  "price-desc": "Price, high to low",
  "title-asc": "Alphabetically, A–Z",
  "title-desc": "Alphabetically, Z–A",
  newest: "Newest",
};

/** `sort`, `page` and `size` from a URLSearchParams; throws a message naming a bad value. */
export function parseListingQuery(params) {
  const q = { sort: "featured", page: 1, size: 24 };
  for (const [k, v] of params) {
    if (k === "sort") {
      if (!SORTS.includes(v)) throw new Error(`sort must be one of ${SORTS.join(", ")}`);
      q.sort = v;
    } else if (k === "page") {
      const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
      if (!(n >= 1 && n <= 4294967295)) throw new Error("page must be a whole number from 1");
      q.page = n;
    } else if (k === "size") {
      if (v !== "24" && v !== "48") throw new Error("size must be 24 or 48");
      q.size = Number(v);
    }
  }
  return q;
}

function cmpStr(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(sort, a, b) {
  let primary = 0;
  switch (sort) {
    case "featured":
      return 0;
    case "price-asc":
      primary = cmpStr(a.price_range.min.currency, b.price_range.min.currency) || a.price_range.min.minor - b.price_range.min.minor;
      break;
    case "price-desc":
      primary = cmpStr(b.price_range.min.currency, a.price_range.min.currency) || b.price_range.min.minor - a.price_range.min.minor;
      break;
    case "title-asc":
      primary = cmpStr(a.titleKey, b.titleKey);
      break;
    case "title-desc":
      primary = cmpStr(b.titleKey, a.titleKey);
      break;
    case "newest": {
      const x = a.createdMs, y = b.createdMs;
      if (x !== null && y !== null) primary = y - x;
      else if (x !== null) primary = -1;
      else if (y !== null) primary = 1;
      break;
    }
  }
  return primary || cmpStr(a.handle, b.handle);
}

function card(p) {
  return {
    handle: p.handle,
    title: p.title,
    vendor: p.vendor,
    available_for_sale: p.available_for_sale,
    featured_image: p.featured_image,
    price_range: p.price_range,
    compare_at_price_range: p.compare_at_price_range,
  };
}

function createdMs(text) {
  const ms = Date.parse(text || "");
  return Number.isFinite(ms) ? ms : null;
}

export class CatalogIndex {
  constructor(products, collections) {
    this.products = [];
    this.byHandle = new Map();
    for (const p of products) {
      if (this.byHandle.has(p.handle)) continue;
      this.byHandle.set(p.handle, this.products.length);
      this.products.push(p);
    }
    this.byVariant = new Map();
    this.meta = this.products.map((p, i) => {
      p.variants.forEach((v, vi) => {
        if (!this.byVariant.has(v.id)) this.byVariant.set(v.id, [i, vi]);
      });
      return {
        handle: p.handle,
        price_range: p.price_range,
        titleKey: p.title.toLowerCase(),
        createdMs: createdMs(p.created_at),
        haystack: [p.title, p.vendor, p.product_type, ...p.tags].map((s) => s.toLowerCase()).join("\n") + "\n",
        card: card(p),
      };
    });
    this.orders = new Map();
    for (const sort of SORTS) {
      const idx = this.products.map((_, i) => i);
      if (sort !== "featured") idx.sort((a, b) => compare(sort, this.meta[a], this.meta[b]));
      this.orders.set(sort, idx);
    }
    this.collections = collections;
    this.collectionByHandle = new Map(collections.map((c, i) => [c.handle, i]));
  }

  get productCount() {
    return this.products.length;
  }

  product(handle) {
    const i = this.byHandle.get(handle);
    return i === undefined ? null : this.products[i];
  }

  variant(id) {
    const at = this.byVariant.get(id);
    if (!at) return null;
    const p = this.products[at[0]];
    return {
      product_handle: p.handle,
      product_title: p.title,
      product_image: p.featured_image,
      variant: p.variants[at[1]],
    };
  }

  members(c) {
    const seen = new Set();
    const out = [];
    for (const h of c.product_handles) {
      const i = this.byHandle.get(h);
      if (i !== undefined && !seen.has(i)) {
        seen.add(i);
        out.push(i);
      }
    }
    return out;
  }

  info(c) {
    return {
      handle: c.handle,
      title: c.title,
      description: c.description,
      image: c.image,
      product_count: this.members(c).length,
    };
  }

  featuredCollections(n) {
    return this.collections.slice(0, n).map((c) => this.info(c));
  }

  collection(handle) {
    const i = this.collectionByHandle.get(handle);
    return i === undefined ? null : this.info(this.collections[i]);
  }

  /** A listing, or {error: "no_such_page", total_pages}. */
  listing(order, sort, page, size) {
    const totalPages = Math.max(1, Math.ceil(order.length / size));
    if (page < 1 || page > totalPages) return { error: "no_such_page", total_pages: totalPages };
    const start = (page - 1) * size;
    return {
      cards: order.slice(start, start + size).map((i) => this.meta[i].card),
      page,
      total_pages: totalPages,
      total_items: order.length,
      sort,
      size,
    };
  }

  allProducts(sort, page, size) {
    return this.listing(this.orders.get(sort), sort, page, size);
  }

  collectionProducts(handle, sort, page, size) {
    const i = this.collectionByHandle.get(handle);
    if (i === undefined) return { error: "unknown_collection" };
    const members = this.members(this.collections[i]);
    if (sort !== "featured") members.sort((a, b) => compare(sort, this.meta[a], this.meta[b]));
    return this.listing(members, sort, page, size);
  }

  /** Up to `n` products like the ones in `seen` (most recent first), as WandStore ranks them. */
  recommend(seenHandles, n) {
    const seen = seenHandles.map((h) => this.product(h)).filter(Boolean).slice(0, 10);
    if (seen.length === 0 || n === 0) return [];
    const scored = [];
    this.products.forEach((p, i) => {
      if (!p.available_for_sale || seen.some((s) => s.handle === p.handle)) return;
      let best = null;
      seen.forEach((s, rank) => {
        let score = 0;
        if (s.product_type && s.product_type === p.product_type) score += 3;
        if (s.vendor && s.vendor === p.vendor) score += 2;
        for (const t of s.tags) if (p.tags.includes(t)) score += 1;
        score *= 10 - rank;
        if (score > 0 && (best === null || score > best[0])) best = [score, rank];
      });
      if (best) scored.push([best[0], i, best[1]]);
    });
    scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return scored.slice(0, n).map(([, i, rank]) => ({ card: this.meta[i].card, because: seen[rank].title }));
  }
}
