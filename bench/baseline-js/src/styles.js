// The storefront stylesheet, the same rules as WandStore's templates/base.html (copied, since
// this worker has no build step).
export const STYLES = `*, *::before, *::after { box-sizing: border-box; }
html { color: var(--color-text); background: var(--color-background); }
body { margin: 0; font: 1rem/1.55 var(--font-body); color: var(--color-text); background: var(--color-background); }
h1, h2, h3, h4 { font-family: var(--font-heading); line-height: 1.2; margin: 0 0 .75rem; }
h1 { font-size: clamp(1.6rem, 4vw, 2.4rem); }
h2 { font-size: 1.35rem; }
a { color: var(--color-primary); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--color-primary); outline-offset: 2px; }
img { max-width: 100%; height: auto; display: block; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: -999px; top: 0; }
.skip-link:focus { left: 1rem; z-index: 10; padding: .5rem 1rem; background: var(--color-surface); }
.site-header { border-bottom: 1px solid var(--color-border); background: var(--color-surface); }
.header-inner { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; justify-content: space-between; align-items: center; padding-top: .75rem; padding-bottom: .75rem; }
.brand { color: var(--color-text); text-decoration: none; font: 700 1.25rem/1.2 var(--font-heading); }
.site-nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
.site-nav a { color: var(--color-text); text-decoration: none; font-weight: 600; }
.site-nav a:hover { color: var(--color-primary); }
.badge { display: inline-block; min-width: 1.5em; padding: 0 .4em; border-radius: 999px; background: var(--color-primary); color: var(--color-on-primary); font-size: .8rem; text-align: center; }
main { display: block; padding-top: 1.5rem; padding-bottom: 3rem; }
.site-footer { border-top: 1px solid var(--color-border); color: var(--color-muted); font-size: .875rem; padding: 1rem 0 2rem; }
.site-footer p { margin: .25rem 0; }
.flash, .notice { padding: .75rem 1rem; margin: 0 0 1.5rem; border-left: 4px solid var(--color-primary); background: var(--color-surface); border-radius: var(--radius); }
.flash-error, .notice-warning { border-left-color: var(--color-sale); }
.muted { color: var(--color-muted); }
.hero { padding: 2rem 0 1.5rem; }
.hero p { font-size: 1.125rem; color: var(--color-muted); margin: 0; }
.section { margin: 2.5rem 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 13rem), 1fr)); gap: 1.5rem 1rem; list-style: none; margin: 0; padding: 0; }
.card { display: flex; flex-direction: column; gap: .35rem; height: 100%; background: var(--color-surface); border: 1px solid var(--color-border); border-radius: var(--radius); overflow: hidden; }
.card-body { padding: .25rem .75rem .75rem; display: flex; flex-direction: column; gap: .25rem; }
.card-media { aspect-ratio: 1 / 1; background: var(--color-border); overflow: hidden; }
.card-media img { width: 100%; height: 100%; object-fit: cover; }
.card-title { font-size: 1rem; margin: 0; }
.card-title a { color: var(--color-text); text-decoration: none; }
.card-title a:hover { text-decoration: underline; }
.card-vendor, .card-reason { margin: 0; font-size: .875rem; color: var(--color-muted); }
.price { font-weight: 700; }
.price-sale .price-now { color: var(--color-sale); }
.price-was { color: var(--color-muted); font-weight: 400; margin-left: .35rem; }
.tag-sold-out { align-self: flex-start; font-size: .75rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: var(--color-muted); }
.toolbar { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; justify-content: space-between; align-items: end; margin: 1rem 0 1.5rem; }
.toolbar form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
.field { display: flex; flex-direction: column; gap: .25rem; }
label { font-weight: 600; font-size: .9rem; }
input, select, button { font: inherit; border-radius: var(--radius); }
input, select { padding: .5rem .6rem; border: 1px solid var(--color-border); background: var(--color-surface); color: var(--color-text); }
input[type=number] { width: 5.5rem; }
button, .button { display: inline-block; padding: .55rem 1.1rem; border: 1px solid var(--color-primary); background: var(--color-primary); color: var(--color-on-primary); font-weight: 600; cursor: pointer; text-decoration: none; }
.button-secondary { background: transparent; color: var(--color-primary); }
button:disabled { opacity: .55; cursor: not-allowed; }
.pagination ul { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 2rem 0 0; justify-content: center; align-items: center; }
.pagination a, .pagination [aria-current] { display: inline-block; min-width: 2.5rem; padding: .4rem .7rem; border: 1px solid var(--color-border); border-radius: var(--radius); text-align: center; text-decoration: none; }
.pagination [aria-current] { background: var(--color-primary); border-color: var(--color-primary); color: var(--color-on-primary); font-weight: 700; }
.empty { padding: 2rem; text-align: center; background: var(--color-surface); border: 1px dashed var(--color-border); border-radius: var(--radius); }
.product { display: grid; gap: 2rem; grid-template-columns: 1fr; }
@media (min-width: 48rem) { .product { grid-template-columns: 1.1fr 1fr; } }
.gallery { display: grid; gap: .75rem; grid-template-columns: repeat(4, 1fr); list-style: none; margin: 0; padding: 0; }
.gallery li:first-child { grid-column: 1 / -1; }
.gallery img { border-radius: var(--radius); background: var(--color-border); }
.product-vendor { color: var(--color-muted); margin: 0 0 .25rem; text-transform: uppercase; letter-spacing: .05em; font-size: .85rem; }
.product-price { font-size: 1.5rem; margin: .5rem 0; }
.availability { margin: 0 0 1rem; font-weight: 600; }
.buy { display: flex; flex-direction: column; gap: 1rem; padding: 1rem 0; border-top: 1px solid var(--color-border); border-bottom: 1px solid var(--color-border); }
.buy-row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
.description { margin-top: 1.5rem; }
.tags { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; }
.tags a { font-size: .85rem; padding: .15rem .6rem; border: 1px solid var(--color-border); border-radius: 999px; text-decoration: none; }
.cart-lines { list-style: none; margin: 0; padding: 0; }
.cart-line { display: grid; gap: .5rem 1rem; grid-template-columns: 5rem 1fr; padding: 1rem 0; border-bottom: 1px solid var(--color-border); }
@media (min-width: 48rem) { .cart-line { grid-template-columns: 6rem 1fr auto; } }
.cart-line img { border-radius: var(--radius); }
.cart-line h2 { font-size: 1.05rem; margin: 0; }
.cart-line-actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
.cart-line-total { font-weight: 700; text-align: right; }
.cart-summary { display: flex; flex-direction: column; align-items: end; gap: .75rem; margin-top: 1.5rem; }
.cart-summary .subtotal { font-size: 1.25rem; margin: 0; }
.cart-summary-actions { display: flex; flex-wrap: wrap; gap: .75rem; justify-content: end; }
.search-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 0 0 1.5rem; }
.search-form input[type=search] { min-width: min(100%, 20rem); }
`;
