// Tiny DOM helpers. Text always goes in as text nodes, never as HTML: API data cannot inject markup.

/**
 * Create an element. `attrs`: `class`, `text`, `style` (object), `dataset` (object), `on<event>` handlers,
 * boolean attributes (true sets, false/null omits) and any other attribute. Children: nodes, strings,
 * numbers, arrays of those; null/undefined/false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (name === "text") el.textContent = String(value);
    else if (name === "style") for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A stable string for "did this data change?" checks. */
export function signature(value) {
  return JSON.stringify(value) ?? "";
}

/** A button that shows the link-like style; used for ids that open something. */
export function linkButton(text, onclick, attrs = {}) {
  return h("button", { type: "button", class: "btn-link mono", onclick, ...attrs }, text);
}

/** Link to the timeline chain of one correlation id. */
export function chainLink(correlationId) {
  if (!correlationId) return h("span", { class: "muted" }, "—");
  return h(
    "a",
    {
      class: "mono",
      href: `#/timeline?correlation_id=${encodeURIComponent(correlationId)}`,
      title: `Show the whole event chain of ${correlationId}`,
    },
    correlationId,
  );
}
