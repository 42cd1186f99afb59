// Merchant description HTML cleaned down to the same strict allow-list as WandStore's
// `render::sanitize` (ammonia there; workerd's built-in HTMLRewriter, an HTML tokenizer,
// here): p, br, strong, em, b, i, ul, ol, li, a[href], h2–h4, blockquote, img[src alt width
// height]; links get rel="noopener noreferrer nofollow" and only http(s)/mailto targets,
// images only http(s) sources and numeric sizes; comments go. Elements whose content is not
// markup (script, style, title, textarea, …) are dropped with their content, so no text is
// ever turned back into markup; every other element is unwrapped and its content kept.

const TAGS = new Set(["p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "img"]);
const DROPPED_WITH_CONTENT = new Set([
  "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea",
  // Raw-text and RCDATA elements: unwrapping them would turn their text into markup.
  "title", "xmp", "plaintext", "noembed", "noframes",
]);

function scheme(value) {
  const m = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
  return m ? m[1].toLowerCase() : null;
}

function keep(tag, name, value) {
  if (tag === "a") return name === "href" && ["http", "https", "mailto"].includes(scheme(value));
  if (tag === "img") {
    if (name === "src") return ["http", "https"].includes(scheme(value));
    if (name === "alt") return true;
    if (name === "width" || name === "height") return /^[0-9]{1,5}$/.test(value);
  }
  return false;
}

const rewriter = () =>
  new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName;
        if (DROPPED_WITH_CONTENT.has(tag)) {
          el.remove();
          return;
        }
        if (!TAGS.has(tag)) {
          el.removeAndKeepContent();
          return;
        }
        const attrs = [...el.attributes];
        for (const [name, value] of attrs) {
          if (!keep(tag, name, value)) el.removeAttribute(name);
        }
        if (tag === "a") el.setAttribute("rel", "noopener noreferrer nofollow");
        if (tag === "img") el.setAttribute("loading", "lazy");
      },
    })
    .onDocument({
      comments(c) {
        c.remove();
      },
      doctype() {},
    });

export async function sanitize(html) {
  if (!html) return "";
  return rewriter().transform(new Response(html)).text();
}
