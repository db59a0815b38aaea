// A keyed table: rows whose data did not change keep their DOM nodes (and keyboard focus) across polls.

import { h, replace, signature } from "../dom.js";
import { emptyState } from "./empty.js";

const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

/** The row key and control index of the focused control inside `tbody`, if any. */
function focusedControl(tbody) {
  const active = document.activeElement;
  if (!active || !tbody.contains(active)) return null;
  const row = active.closest("tr");
  return { key: row.dataset.key, index: [...row.querySelectorAll(FOCUSABLE)].indexOf(active), element: active };
}

/** A redrawn row gets focus back on the control at the same place. */
function restoreFocus(tbody, focus) {
  if (tbody.contains(focus.element)) return;
  const row = [...tbody.children].find((tr) => tr.dataset.key === focus.key);
  const control = row ? row.querySelectorAll(FOCUSABLE)[focus.index] : null;
  if (control) control.focus();
}

/**
 * table({ columns: [{ label, render(row), num, className, live }], key(row), caption, empty, rowAttrs(row), sig(row) })
 * -> { el, update(rows, emptyNode?), message(node) }.
 * `empty`: the node (or a function returning it) shown when there are no rows, saying why.
 * `sig(row)`: what makes a row redrawn (default: all its data); cells of `live` columns are redrawn on
 * every update without touching the rest of the row (a countdown beside a button).
 */
export function table({
  columns,
  key,
  caption = null,
  empty = null,
  rowAttrs = null,
  label = null,
  sig: rowSig = signature,
}) {
  const tbody = h("tbody");
  const tableEl = h(
    "table",
    { "aria-label": caption ? null : label },
    caption ? h("caption", {}, caption) : null,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((c) => h("th", { scope: "col", class: [c.num && "num", c.className] }, c.label)),
      ),
    ),
    tbody,
  );
  const wrap = h("div", { class: "table-wrap" }, tableEl);
  const holder = h("div", { class: "table-empty", hidden: true });
  const el = h("div", { class: "table-block" }, wrap, holder);
  let rowsByKey = new Map();

  function render(row) {
    const attrs = rowAttrs ? rowAttrs(row) : {};
    return h(
      "tr",
      { ...attrs, "data-key": key(row) },
      columns.map((c) => h("td", { class: [c.num && "num", c.className] }, c.render(row))),
    );
  }

  function showOnly(node) {
    wrap.hidden = node !== null;
    holder.hidden = node === null;
    if (node !== null) replace(holder, node);
  }

  return {
    el,
    update(rows, emptyNode = null) {
      if (!rows.length) {
        const fallback = typeof empty === "function" ? empty() : empty || emptyState("Nothing to show.");
        showOnly(emptyNode || fallback);
        rowsByKey = new Map();
        tbody.replaceChildren();
        return;
      }
      showOnly(null);
      const focus = focusedControl(tbody);
      const next = new Map();
      const keep = new Set();
      rows.forEach((row, i) => {
        const k = String(key(row));
        const sig = rowSig(row);
        const old = rowsByKey.get(k);
        const reused = old && old.sig === sig;
        const tr = reused ? old.tr : render(row);
        if (reused) {
          columns.forEach((c, j) => {
            if (c.live) replace(tr.children[j], c.render(row));
          });
        }
        next.set(k, { tr, sig });
        keep.add(tr);
        const current = tbody.children[i];
        if (current !== tr) tbody.insertBefore(tr, current || null);
      });
      for (const child of [...tbody.children]) if (!keep.has(child)) child.remove();
      if (focus) restoreFocus(tbody, focus);
      rowsByKey = next;
    },
    message(node) {
      showOnly(node);
    },
  };
}
