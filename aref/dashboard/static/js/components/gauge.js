// The CRS gauge: a CSS conic-gradient ring (no drawing code) with the value as text and meter semantics.

import { h } from "../dom.js";
import { num } from "../format.js";

function tone(percent) {
  if (percent >= 75) return "var(--c-ok)";
  if (percent >= 50) return "var(--chart-1)";
  if (percent >= 25) return "#d69e2e";
  return "var(--c-crit)";
}

/** gauge({ value, min, max, percent, label }) -> element. `percent` (0..100) fills the ring. */
export function gauge({ value, min = 1, max = 5, percent, label }) {
  const shown = Math.max(0, Math.min(100, percent ?? 0));
  return h(
    "div",
    {
      class: "gauge",
      role: "meter",
      "aria-valuemin": min,
      "aria-valuemax": max,
      "aria-valuenow": value ?? min,
      "aria-valuetext": `${label}: ${num(value, 2)} of ${max} (${num(shown, 0)}%)`,
      "aria-label": label,
      style: { "--pct": String(shown), "--tone": tone(shown) },
    },
    h(
      "div",
      { class: "gauge-center" },
      h("span", { class: "gauge-value", "data-testid": "crs-value" }, num(value, 2)),
      h("span", { class: "gauge-label" }, `of ${max} · ${num(shown, 0)}%`),
    ),
  );
}
