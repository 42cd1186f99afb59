// Exact money as integer minor units with an ISO 4217 code: the same JSON shape
// ({"minor":1234,"currency":"USD"}) and the same display convention as WandStore's
// `core::money` (one style per currency, not the shopper's locale).

const NBSP = "\u00a0";

export function exponent(currency) {
  switch (currency) {
    case "JPY": case "KRW": case "VND": case "CLP": case "ISK": case "XAF": case "XOF":
    case "PYG": case "UGX":
      return 0;
    case "KWD": case "BHD": case "OMR": case "JOD": case "TND": case "LYD": case "IQD":
      return 3;
    default:
      return 2;
  }
}

function style(currency) {
  const en = (prefix) => ({ prefix, suffix: "", group: ",", decimal: "." });
  switch (currency) {
    case "USD": return en("$");
    case "CAD": return en("CA$");
    case "AUD": return en("A$");
    case "GBP": return en("£");
    case "JPY": return en("¥");
    case "KRW": return en("₩");
    case "EUR": return { prefix: "", suffix: NBSP + "€", group: ".", decimal: "," };
    default: return en("");
  }
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** Parses Shopify's MoneyV2 exactly; throws on anything it cannot represent exactly. */
export function parseMoney(amount, currency) {
  if (typeof amount !== "string" || amount.length > 40 || !DECIMAL.test(amount)) {
    throw new Error(`${JSON.stringify(amount)} is not a decimal amount`);
  }
  if (typeof currency !== "string" || !CURRENCY.test(currency)) {
    throw new Error(`${JSON.stringify(currency)} is not an ISO 4217 currency code`);
  }
  const exp = exponent(currency);
  const negative = amount.startsWith("-");
  const [int, frac = ""] = (negative ? amount.slice(1) : amount).split(".");
  const kept = frac.slice(0, exp);
  if (/[^0]/.test(frac.slice(exp))) {
    throw new Error(`${amount} has more than ${exp} decimals, too many for ${currency}`);
  }
  const minor = Number(int + kept.padEnd(exp, "0"));
  if (!Number.isSafeInteger(minor)) throw new Error("the amount is too large");
  return { minor: negative ? -minor : minor, currency };
}

/** "$1,234.50", "1.234,50 €", "¥1,235", "1,234.50 CHF". */
export function formatMoney(m) {
  const st = style(m.currency);
  const exp = exponent(m.currency);
  const abs = Math.abs(m.minor);
  const per = 10 ** exp;
  const major = String(Math.floor(abs / per));
  let grouped = "";
  for (let i = 0; i < major.length; i++) {
    if (i > 0 && (major.length - i) % 3 === 0) grouped += st.group;
    grouped += major[i];
  }
  let out = (m.minor < 0 ? "-" : "") + st.prefix + grouped;
  if (exp > 0) out += st.decimal + String(abs % per).padStart(exp, "0");
  if (st.suffix) out += st.suffix;
  else if (!st.prefix) out += NBSP + m.currency;
  return out;
}

/** "12.30", "1235": what JSON-LD and the cart API carry. */
export function decimalString(m) {
  const exp = exponent(m.currency);
  const sign = m.minor < 0 ? "-" : "";
  const digits = String(Math.abs(m.minor));
  if (exp === 0) return sign + digits;
  const padded = digits.padStart(exp + 1, "0");
  return `${sign}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

export function moneyJson(m) {
  return { amount: decimalString(m), currency: m.currency, formatted: formatMoney(m) };
}
