// The storefront's pages as template literals: the same markup, links and head as WandStore's
// askama templates (templates/*.html), and the same escaping: every value goes through
// `esc`; only sanitized description HTML and escaped JSON-LD are inserted as they are.

import { SORTS, SORT_LABELS } from "./catalog.js";
import { decimalString, formatMoney } from "./money.js";
import { STYLES } from "./styles.js";

const ESCAPES = { "&": "&#38;", "<": "&#60;", ">": "&#62;", '"': "&#34;", "'": "&#39;" };
const ESCAPED = /[&<>"']/g;
const NEEDS_ESCAPING = /[&<>"']/;

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(value) {
  const s = String(value);
  return NEEDS_ESCAPING.test(s) ? s.replace(ESCAPED, (c) => ESCAPES[c]) : s;
}

const THEME_STYLE = esc(
  [
    ["--color-primary", "#5b3cc4"],
    ["--color-on-primary", "#ffffff"],
    ["--color-text", "#1d1d1f"],
    ["--color-muted", "#5f5f66"],
    ["--color-background", "#fbfbfd"],
    ["--color-surface", "#ffffff"],
    ["--color-border", "#d9d9e0"],
    ["--color-sale", "#b42318"],
    ["--font-body", 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'],
    ["--font-heading", 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'],
    ["--radius", "0.5rem"],
  ]
    .map(([k, v]) => `${k}: ${v}`)
    .join("; "),
);

// ---- links -------------------------------------------------------------------------------

/** Percent-encodes everything but RFC 3986 unreserved characters. */
function enc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function segment(s) {
  return s === "." ? "%2E" : s === ".." ? "%2E%2E" : enc(s);
}

export class Links {
  constructor(root) {
    this.root = root.endsWith("/") ? root : root + "/";
  }

  /** Links under an absolute http(s) base, or null. */
  static absolute(base) {
    const m = /^https?:\/\/(.*)$/.exec(base);
    if (!m) return null;
    const host = m[1].split("/")[0];
    // eslint-disable-next-line no-control-regex
    if (!host || /[\s\u0000-\u001f\u007f"'<>\\`?#]/.test(base)) return null;
    return new Links(base);
  }

  home() {
    return this.root;
  }
  product(handle) {
    return `${this.root}products/${segment(handle)}`;
  }
  collectionBase(handle) {
    return `${this.root}collections/${segment(handle)}`;
  }
  collection(handle, sort, page, size) {
    const params = [];
    if (sort !== "featured") params.push(`sort=${sort}`);
    if (size !== 24) params.push(`size=${size}`);
    if (page > 1) params.push(`page=${page}`);
    return this.collectionBase(handle) + (params.length ? "?" + params.join("&") : "");
  }
  searchBase() {
    return `${this.root}search`;
  }
  search(query, page) {
    return `${this.root}search?q=${enc(query)}${page > 1 ? `&page=${page}` : ""}`;
  }
  cart() {
    return `${this.root}cart`;
  }
  cartAdd() {
    return `${this.root}cart/add`;
  }
}

// ---- head --------------------------------------------------------------------------------

function summarize(text) {
  const words = text.split(/\s+/).filter(Boolean);
  const full = words.join(" ");
  const len = (s) => [...s].length;
  if (len(full) <= 160) return full;
  let out = "";
  for (const w of words) {
    const extra = (out ? 1 : 0) + len(w);
    if (len(out) + extra > 159) break;
    out += (out ? " " : "") + w;
  }
  if (!out) out = [...full].slice(0, 159).join("");
  return out + "…";
}

function absoluteImage(url) {
  if (!url) return null;
  if (url.startsWith("https://") || url.startsWith("http://")) return url;
  return url.startsWith("//") ? "https:" + url : null;
}

function jsonLd(value) {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

// ---- the frame ---------------------------------------------------------------------------

/**
 * chrome: {storeName, currency, homePath, requestId, isStore, cartCount, canonicalBase}
 * head: {title, description, canonical, ogType, ogImage, noindex, jsonLd}
 */
function frame(chrome, head, main) {
  const links = new Links(chrome.homePath);
  const d = head.description ? summarize(head.description) : "";
  const store = esc(chrome.storeName);
  const title = esc(head.title);
  let h = `<!doctype html>
<html lang="en" style="${THEME_STYLE}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>`;
  if (d) h += `\n<meta name="description" content="${esc(d)}">`;
  if (head.noindex) h += `\n<meta name="robots" content="noindex">`;
  if (head.canonical) h += `\n<link rel="canonical" href="${esc(head.canonical)}">\n<meta property="og:url" content="${esc(head.canonical)}">`;
  h += `\n<meta property="og:site_name" content="${store}">
<meta property="og:title" content="${title}">
<meta property="og:type" content="${head.ogType || "website"}">`;
  if (d) h += `\n<meta property="og:description" content="${esc(d)}">`;
  const og = absoluteImage(head.ogImage);
  if (og) h += `\n<meta property="og:image" content="${esc(og)}">`;
  if (head.jsonLd) h += `\n<script type="application/ld+json">${head.jsonLd}</script>`;
  h += `\n<style>\n${STYLES}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="${esc(links.home())}">${store}</a>`;
  if (chrome.isStore) {
    const n = chrome.cartCount;
    h += `
    <nav class="site-nav" aria-label="Main">
      <ul>
        <li><a href="${esc(links.home())}">Home</a></li>
        <li><a href="${esc(links.searchBase())}">Search</a></li>
        <li><a href="${esc(links.cart())}">Cart <span class="badge" data-cart-count="${n}">${n}</span><span class="visually-hidden"> ${n === 1 ? "item" : "items"}</span></a></li>
      </ul>
    </nav>`;
  }
  h += `
  </div>
</header>
<main id="main" class="wrap">
${main}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>${store}${chrome.currency ? ` · Prices in ${esc(chrome.currency)}` : ""}</p>
    <p>Powered by WandStore · request <code>${esc(chrome.requestId)}</code></p>
  </div>
</footer>
</body>
</html>`;
  return h;
}

// ---- partials ----------------------------------------------------------------------------

function imageView(image, fallbackAlt, lazy) {
  if (!image) return null;
  const src = image.url;
  if (!(src.startsWith("https://") || src.startsWith("http://") || src.startsWith("//"))) return null;
  const alt = image.alt_text && image.alt_text.trim() ? image.alt_text : fallbackAlt;
  return { src, alt, width: image.width, height: image.height, lazy };
}

function img(v) {
  return `<img src="${esc(v.src)}" alt="${esc(v.alt)}"${v.width != null ? ` width="${v.width}"` : ""}${v.height != null ? ` height="${v.height}"` : ""}${v.lazy ? ` loading="lazy"` : ""} decoding="async">`;
}

function price(p) {
  const from = p.from ? "From " : "";
  return p.was
    ? `<span class="price price-sale"><span class="visually-hidden">Sale price </span>${from}<span class="price-now">${esc(p.now)}</span> <s class="price-was"><span class="visually-hidden">Regular price </span>${esc(p.was)}</s></span>`
    : `<span class="price">${from}<span class="price-now">${esc(p.now)}</span></span>`;
}

function rangePrice(range, compareAt) {
  const onSale = compareAt && compareAt.min.currency === range.min.currency && compareAt.min.minor > range.min.minor;
  return {
    now: formatMoney(range.min),
    was: onSale ? formatMoney(compareAt.min) : null,
    from: range.max.minor !== range.min.minor || range.max.currency !== range.min.currency,
  };
}

function onSale(v) {
  return v.compare_at_price && v.compare_at_price.currency === v.price.currency && v.compare_at_price.minor > v.price.minor;
}

function productCard(card, links, lazy, reason) {
  const url = esc(links.product(card.handle));
  const image = imageView(card.featured_image, card.title, lazy);
  let h = `<article class="card">
  <div class="card-media">`;
  if (image) h += `\n    <a href="${url}" tabindex="-1" aria-hidden="true">${img(image)}</a>`;
  h += `
  </div>
  <div class="card-body">
    <h3 class="card-title"><a href="${url}">${esc(card.title)}</a></h3>`;
  if (card.vendor) h += `\n    <p class="card-vendor">${esc(card.vendor)}</p>`;
  h += `\n    <p class="card-price">${price(rangePrice(card.price_range, card.compare_at_price_range))}</p>`;
  if (!card.available_for_sale) h += `\n    <p class="tag-sold-out">Sold out</p>`;
  if (reason && reason.trim()) h += `\n    <p class="card-reason">${esc(reason)}</p>`;
  return h + `\n  </div>\n</article>`;
}

/** items: [{card, reason}] */
function productGrid(items, links, eager) {
  let h = `<ul class="grid">`;
  items.forEach((it, i) => {
    h += `\n  <li>${productCard(it.card, links, i >= eager, it.reason)}</li>`;
  });
  return h + `\n</ul>`;
}

function pagination(page, totalPages, url) {
  if (totalPages <= 1) return "";
  let h = `<nav class="pagination" aria-label="Pagination">\n  <ul>`;
  if (page > 1) h += `\n    <li><a href="${esc(url(page - 1))}" rel="prev">Previous<span class="visually-hidden"> page</span></a></li>`;
  let last = 0;
  for (let n = 1; n <= totalPages; n++) {
    if (n !== 1 && n !== totalPages && Math.abs(n - page) > 2) continue;
    if (n > last + 1) h += `\n    <li aria-hidden="true">…</li>`;
    h += n === page
      ? `\n    <li><span aria-current="page"><span class="visually-hidden">Page </span>${n}</span></li>`
      : `\n    <li><a href="${esc(url(n))}"><span class="visually-hidden">Page </span>${n}</a></li>`;
    last = n;
  }
  if (page < totalPages) h += `\n    <li><a href="${esc(url(page + 1))}" rel="next">Next<span class="visually-hidden"> page</span></a></li>`;
  return h + `\n  </ul>\n</nav>`;
}

function canonicalLinks(chrome) {
  return Links.absolute(chrome.canonicalBase);
}

// ---- pages -------------------------------------------------------------------------------

/** featured: CollectionInfo[]; recommended: [{card, because}] */
export function homePage(chrome, visits, featured, recommended) {
  const links = new Links(chrome.homePath);
  const canonical = canonicalLinks(chrome);
  const firstImage = featured.find((c) => c.image);
  const head = {
    title: chrome.storeName,
    description: `Shop ${chrome.storeName} online.`,
    canonical: canonical ? canonical.home() : null,
    ogImage: firstImage ? firstImage.image.url : null,
  };
  let m = `
<section class="hero">
  <h1>Welcome to ${esc(chrome.storeName)}</h1>
  <p>Browse our collections, or search for something specific.</p>
</section>
<p class="notice" id="visits">
  ${visits === 1 ? "This is your first visit." : `You have visited this store <strong data-visits="${visits}">${visits}</strong> times.`}
</p>`;
  if (featured.length) {
    m += `
<section class="section" aria-labelledby="collections-heading">
  <h2 id="collections-heading">Shop by collection</h2>
  <ul class="grid">`;
    featured.forEach((c, i) => {
      const url = esc(links.collectionBase(c.handle));
      const image = imageView(c.image, c.title, i >= 4);
      m += `
    <li>
      <article class="card">
        <div class="card-media">`;
      if (image) m += `\n          <a href="${url}" tabindex="-1" aria-hidden="true">${img(image)}</a>`;
      m += `
        </div>
        <div class="card-body">
          <h3 class="card-title"><a href="${url}">${esc(c.title)}</a></h3>
          <p class="card-vendor">${c.product_count} ${c.product_count === 1 ? "product" : "products"}</p>
        </div>
      </article>
    </li>`;
    });
    m += `\n  </ul>\n</section>`;
  }
  if (recommended.length) {
    const items = recommended.map((r) => ({ card: r.card, reason: `Because you viewed ${r.because}` }));
    m += `
<section class="section" aria-labelledby="recommended-heading">
  <h2 id="recommended-heading">Recommended for you</h2>
  ${productGrid(items, links, 0)}
</section>`;
  }
  return frame(chrome, head, m + "\n");
}

function showing(page, perPage, onPage, total) {
  const word = total === 1 ? "product" : "products";
  if (onPage === 0 || onPage === total) return `${total} ${word}`;
  const first = (page - 1) * perPage + 1;
  return `Showing ${first}–${first + onPage - 1} of ${total} ${word}`;
}

export function collectionPage(chrome, c, l) {
  const links = new Links(chrome.homePath);
  const canonical = canonicalLinks(chrome);
  const pageName = l.page > 1 ? `${c.title} – page ${l.page}` : c.title;
  const head = {
    title: `${pageName} · ${chrome.storeName}`,
    description: c.description.trim() ? c.description : `Shop ${c.title} at ${chrome.storeName}.`,
    canonical: canonical ? canonical.collection(c.handle, "featured", l.page, 24) : null,
    ogImage: c.image ? c.image.url : null,
  };
  let m = `\n<h1>${esc(c.title)}</h1>`;
  if (c.description) m += `\n<p class="muted">${esc(c.description)}</p>`;
  m += `
<div class="toolbar">
  <p class="result-count">${esc(showing(l.page, l.size, l.cards.length, l.total_items))}</p>
  <form method="get" action="${esc(links.collectionBase(c.handle))}">
    <div class="field">
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">`;
  for (const s of SORTS) m += `\n        <option value="${s}"${s === l.sort ? " selected" : ""}>${SORT_LABELS[s]}</option>`;
  m += `
      </select>
    </div>
    <div class="field">
      <label for="size">Per page</label>
      <select id="size" name="size">`;
  for (const s of [24, 48]) m += `\n        <option value="${s}"${s === l.size ? " selected" : ""}>${s}</option>`;
  m += `
      </select>
    </div>
    <button type="submit">Apply</button>
  </form>
</div>`;
  if (l.cards.length === 0) {
    m += `
<div class="empty">
  <h2>No products here yet</h2>
  <p>This collection is empty right now. <a href="${esc(links.home())}">Browse the store</a> or <a href="${esc(links.searchBase())}">search</a>.</p>
</div>`;
  } else {
    m += `\n<h2 class="visually-hidden">Products</h2>\n${productGrid(l.cards.map((card) => ({ card })), links, 4)}`;
  }
  const pager = pagination(l.page, l.total_pages, (n) => links.collection(c.handle, l.sort, n, l.size));
  if (pager) m += "\n" + pager;
  return frame(chrome, head, m + "\n");
}

function gallery(p) {
  const out = [];
  for (const i of [p.featured_image, ...p.images]) {
    if (i && !out.some((s) => s.url === i.url)) out.push(i);
  }
  return out;
}

function defaultVariant(p) {
  return p.variants.find((v) => v.available_for_sale) || p.variants[0] || null;
}

function productLd(p, url) {
  const dv = defaultVariant(p);
  const ld = { "@context": "https://schema.org", "@type": "Product", name: p.title };
  const images = gallery(p).filter((i) => i.url.startsWith("https://") || i.url.startsWith("http://")).map((i) => i.url);
  if (images.length) ld.image = images;
  const description = p.description.trim();
  if (description) ld.description = description;
  if (dv && dv.sku) ld.sku = dv.sku;
  if (p.vendor.trim()) ld.brand = { "@type": "Brand", name: p.vendor };
  if (url) ld.url = url;
  ld.offers = p.variants.map((v) => {
    const o = {
      "@type": "Offer",
      price: decimalString(v.price),
      priceCurrency: v.price.currency,
      availability: v.available_for_sale ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
    };
    if (v.sku) o.sku = v.sku;
    if (url) o.url = url;
    return o;
  });
  return jsonLd(ld);
}

function variantLabel(v) {
  let label = `${v.title} — ${formatMoney(v.price)}`;
  if (onSale(v)) label += ` (was ${formatMoney(v.compare_at_price)})`;
  if (!v.available_for_sale) label += " — sold out";
  return label;
}

/** descriptionHtml: already sanitized. */
export function productPage(chrome, p, selectedId, csrf, descriptionHtml) {
  const links = new Links(chrome.homePath);
  const canonical = canonicalLinks(chrome);
  const url = canonical ? canonical.product(p.handle) : null;
  const selected = (selectedId && p.variants.find((v) => v.id === selectedId)) || defaultVariant(p);
  const images = gallery(p);
  const seoTitle = p.seo.title && p.seo.title.trim() ? p.seo.title : null;
  const seoDescription = p.seo.description && p.seo.description.trim() ? p.seo.description : null;
  const head = {
    title: `${seoTitle || p.title} · ${chrome.storeName}`,
    description: seoDescription || p.description,
    canonical: url,
    ogType: "product",
    ogImage: images.length ? images[0].url : null,
    jsonLd: productLd(p, url),
  };
  const views = images.map((i) => imageView(i, p.title, true)).filter(Boolean);
  const priceView = selected
    ? { now: formatMoney(selected.price), was: onSale(selected) ? formatMoney(selected.compare_at_price) : null, from: false }
    : { now: formatMoney(p.price_range.min), was: null, from: false };
  const available = p.available_for_sale && !!selected && selected.available_for_sale;
  let m = `
<article class="product">
  <div>`;
  if (views.length) {
    m += `\n    <ul class="gallery">`;
    views.forEach((v, i) => {
      m += `\n      <li>${img({ ...v, lazy: i > 0 })}</li>`;
    });
    m += `\n    </ul>`;
  }
  m += `
  </div>
  <div>`;
  if (p.vendor) m += `\n    <p class="product-vendor">${esc(p.vendor)}</p>`;
  m += `
    <h1>${esc(p.title)}</h1>
    <p class="product-price">${price(priceView)}</p>
    <p class="availability" id="availability">${available ? "In stock" : "Sold out"}</p>`;
  if (p.variants.length) {
    const only = p.variants.length === 1 && (p.variants[0].title === "Default Title" || p.options.length === 0) ? p.variants[0] : null;
    m += `
    <form class="buy" method="post" action="${esc(links.cartAdd())}">
      <input type="hidden" name="csrf" value="${esc(csrf)}">`;
    if (only) {
      m += `\n      <input type="hidden" name="variant_id" value="${esc(only.id)}">`;
    } else {
      const label = p.options.length ? p.options.map((o) => o.name).join(" / ") : "Option";
      m += `
      <div class="field">
        <label for="variant_id">${esc(label)}</label>
        <select id="variant_id" name="variant_id" aria-describedby="availability">`;
      for (const v of p.variants) {
        m += `\n          <option value="${esc(v.id)}"${selected && selected.id === v.id ? " selected" : ""}${v.available_for_sale ? "" : " disabled"}>${esc(variantLabel(v))}</option>`;
      }
      m += `
        </select>
      </div>`;
    }
    m += `
      <div class="buy-row">
        <div class="field">
          <label for="quantity">Quantity</label>
          <input type="number" id="quantity" name="quantity" value="1" min="1" max="99" step="1" inputmode="numeric" required>
        </div>
        ${available ? `<button type="submit">Add to cart</button>` : `<button type="submit" disabled>Sold out</button>`}
      </div>
    </form>`;
  }
  if (descriptionHtml.trim()) m += `\n    <div class="description">${descriptionHtml}</div>`;
  const tags = p.tags.filter((t) => t.trim());
  if (tags.length) {
    m += `\n    <h2 class="visually-hidden">Tags</h2>\n    <ul class="tags">`;
    for (const t of tags) m += `\n      <li><a href="${esc(links.search(`tag:${t}`, 1))}">${esc(t)}</a></li>`;
    m += `\n    </ul>`;
  }
  m += `
  </div>
</article>
`;
  return frame(chrome, head, m);
}

export function errorPage(chrome, heading, message) {
  const links = new Links(chrome.homePath);
  const head = { title: `${heading} · ${chrome.storeName}`, noindex: true };
  let m = `\n<h1>${esc(heading)}</h1>\n<p>${esc(message)}</p>`;
  if (chrome.isStore) {
    m += `
<form class="search-form" method="get" action="${esc(links.searchBase())}" role="search">
  <div class="field">
    <label for="search-q">Search products</label>
    <input type="search" id="search-q" name="q" value="" maxlength="100" autocomplete="off">
  </div>
  <button type="submit">Search</button>
</form>`;
  }
  m += `\n<p><a href="${esc(links.home())}">Back to the store</a></p>\n`;
  return frame(chrome, head, m);
}
