// The cart's rules, as WandStore's `core::cart` states them: command parsing (strict JSON),
// 1–99 of a variant per line, at most 100 lines, repricing against the catalog, the cart JSON.

import { moneyJson } from "./money.js";

const MAX_QUANTITY = 99;
const MAX_LINES = 100;

export class CartError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

const clip = (s) => ([...s].length > 64 ? [...s].slice(0, 64).join("") + "…" : s);

function quantity(v) {
  if (v === undefined) throw new CartError(422, "missing_field", 'the field "quantity" is required');
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new CartError(422, "quantity_not_a_number", "the quantity must be a whole number");
  }
  if (v === 0) throw new CartError(422, "quantity_too_small", "the quantity must be at least 1");
  if (v > MAX_QUANTITY) throw new CartError(422, "quantity_too_large", `the quantity can be at most ${MAX_QUANTITY}`);
  return v;
}

function variantId(v) {
  if (v === undefined) throw new CartError(422, "missing_field", 'the field "variant_id" is required');
  if (typeof v !== "string" || v.length === 0 || v.length > 255 || !/^[\x21-\x7e]+$/.test(v)) {
    throw new CartError(422, "invalid_variant_id", "the variant id is not valid");
  }
  return v;
}

/** A cart command from a JSON body: {"op":"add","variant_id":"…","quantity":2}. */
export function parseCommand(body) {
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new CartError(400, "malformed_body", `the cart request cannot be read: not valid JSON (${e.message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CartError(400, "malformed_body", 'the cart request cannot be read: a cart command is a JSON object such as {"op":"clear"}');
  }
  const fields = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    if (k !== "op" && k !== "variant_id" && k !== "quantity") {
      throw new CartError(422, "unknown_field", `unknown field ${JSON.stringify(clip(k))}; a cart command has op, variant_id and quantity`);
    }
    fields[k] = v;
  }
  if (fields.op === undefined) throw new CartError(422, "missing_field", 'the field "op" is required');
  switch (fields.op) {
    case "add":
    case "set_quantity":
      return { op: fields.op, variant_id: variantId(fields.variant_id), quantity: quantity(fields.quantity) };
    case "remove":
      return { op: "remove", variant_id: variantId(fields.variant_id) };
    case "clear":
      return { op: "clear" };
    default:
      throw new CartError(422, "unknown_op", `unknown op ${JSON.stringify(clip(typeof fields.op === "string" ? fields.op : JSON.stringify(fields.op)))}`);
  }
}

/** "Mug — Blue", or "Mug" for a single-variant product. */
function displayName(info) {
  const v = info.variant_title.trim();
  return !v || v === "Default Title" ? info.product_title : `${info.product_title} — ${v}`;
}

/** VariantInfo from a /catalog/variants hit. */
export function variantInfo(hit) {
  return {
    variant_id: hit.variant.id,
    product_handle: hit.product_handle,
    product_title: hit.product_title,
    variant_title: hit.variant.title,
    price: hit.variant.price,
    available: hit.variant.available_for_sale,
  };
}

function refreshed(old, info) {
  return { ...old, product_handle: info.product_handle, title: displayName(info), unit_price_when_added: info.price };
}

const sameLine = (a, b) =>
  a.variant_id === b.variant_id && a.product_handle === b.product_handle && a.title === b.title &&
  a.quantity === b.quantity && a.unit_price_when_added.minor === b.unit_price_when_added.minor &&
  a.unit_price_when_added.currency === b.unit_price_when_added.currency && a.added_at_ms === b.added_at_ms;

/**
 * What `cmd` does to `lines`: {lines, write, event} where write is null, {upsert: line},
 * {delete: id} or {deleteAll: true}. Throws CartError when a rule refuses it.
 */
export function apply(lines, cmd, catalog, nowMs) {
  const index = cmd.variant_id ? lines.findIndex((l) => l.variant_id === cmd.variant_id) : -1;
  const old = index >= 0 ? lines[index] : null;
  const id = cmd.variant_id;
  const upsert = (line, event) => {
    const next = lines.slice();
    if (index >= 0) next[index] = line;
    else next.push(line);
    return { lines: next, write: { upsert: line }, event };
  };
  switch (cmd.op) {
    case "add": {
      const info = catalog.get(id);
      if (!info) {
        throw new CartError(422, "unknown_variant", `we could not find the item you tried to add (variant ${id}); it may no longer be sold here`, { variant_id: id });
      }
      const title = displayName(info);
      if (!info.available) throw new CartError(422, "unavailable", `${title} is sold out or no longer available`, { variant_id: id });
      const event = { kind: "added", variant_id: id, handle: info.product_handle, quantity: cmd.quantity };
      if (old) {
        const total = old.quantity + cmd.quantity;
        if (total > MAX_QUANTITY) {
          throw new CartError(422, "quantity_limit", `you can buy at most ${MAX_QUANTITY} of ${title}; your cart already has ${old.quantity}, so ${cmd.quantity} more would be too many`, { variant_id: id });
        }
        return upsert({ ...refreshed(old, info), quantity: total }, event);
      }
      if (lines.length >= MAX_LINES) {
        throw new CartError(422, "cart_full", `your cart can hold at most ${MAX_LINES} different items; remove one to add ${title}`, { variant_id: id });
      }
      return upsert(
        { variant_id: id, product_handle: info.product_handle, title, quantity: cmd.quantity, unit_price_when_added: info.price, added_at_ms: nowMs },
        event,
      );
    }
    case "set_quantity": {
      if (!old) throw new CartError(404, "not_in_cart", `that item (variant ${id}) is not in your cart; it may have been removed`, { variant_id: id });
      const info = catalog.get(id);
      const increase = Math.max(0, cmd.quantity - old.quantity);
      if (increase > 0 && !(info && info.available)) {
        throw new CartError(422, "unavailable", `${info ? displayName(info) : old.title} is sold out or no longer available`, { variant_id: id });
      }
      const event = increase > 0 ? { kind: "added", variant_id: id, handle: info ? info.product_handle : old.product_handle, quantity: increase } : null;
      const line = { ...(info ? refreshed(old, info) : old), quantity: cmd.quantity };
      if (sameLine(line, old)) return { lines, write: null, event: null };
      return upsert(line, event);
    }
    case "remove":
      if (!old) return { lines, write: null, event: null };
      return {
        lines: lines.filter((l) => l.variant_id !== id),
        write: { delete: id },
        event: { kind: "removed", variant_id: id, handle: old.product_handle },
      };
    default:
      return lines.length ? { lines: [], write: { deleteAll: true }, event: null } : { lines, write: null, event: null };
  }
}

/** The cart JSON: lines repriced against the catalog, item count, subtotal of what can be bought. */
export function cartJson(lines, catalog, currency) {
  let subtotal = { minor: 0, currency };
  let subtotalOk = true;
  const out = lines.map((line) => {
    const info = catalog.get(line.variant_id);
    const unit = info ? info.price : line.unit_price_when_added;
    const total = { minor: unit.minor * line.quantity, currency: unit.currency };
    const available = !!info && info.available;
    if (available) {
      if (total.currency !== currency) subtotalOk = false;
      else subtotal = { minor: subtotal.minor + total.minor, currency };
    }
    return {
      variant_id: line.variant_id,
      product_handle: info ? info.product_handle : line.product_handle,
      title: info ? displayName(info) : line.title,
      quantity: line.quantity,
      unit_price: moneyJson(unit),
      line_total: Number.isSafeInteger(total.minor) ? moneyJson(total) : null,
      price_when_added: moneyJson(line.unit_price_when_added),
      price_changed: !!info && (info.price.minor !== line.unit_price_when_added.minor || info.price.currency !== line.unit_price_when_added.currency),
      available,
    };
  });
  return {
    lines: out,
    item_count: lines.reduce((n, l) => n + l.quantity, 0),
    subtotal: subtotalOk && Number.isSafeInteger(subtotal.minor) ? moneyJson(subtotal) : null,
  };
}
