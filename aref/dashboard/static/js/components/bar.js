// Progress bars and stat tiles: numbers always written out beside the visual.

import { h } from "../dom.js";

/** A horizontal bar for `fraction` (0..1) with a text label; tone: ok | warn | crit | null. */
export function bar(fraction, { text, caption = null, tone = null } = {}) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return h(
    "div",
    { class: "bar-block" },
    h("div", { class: "bar-label" }, h("span", {}, caption), h("span", {}, text)),
    h(
      "div",
      {
        class: ["bar", tone && `tone-${tone}`],
        role: "progressbar",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": String(Math.round(clamped * 100)),
        "aria-label": caption ? `${caption}: ${text}` : text,
      },
      h("div", { class: "bar-fill", style: { "--fill": `${clamped * 100}%` } }),
    ),
  );
}

/** Stat tiles: [{ label, value, note }] as a definition list. */
export function stats(items) {
  return h(
    "dl",
    { class: "stats" },
    items.map((item) =>
      h(
        "div",
        { class: "stat", "data-stat": item.id || null },
        h("dt", {}, item.label),
        h("dd", {}, item.value, item.note ? h("span", { class: "stat-note" }, item.note) : null),
      ),
    ),
  );
}
