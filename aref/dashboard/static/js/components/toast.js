// Action feedback: a short message in a polite live region, removed after a few seconds.

import { h } from "../dom.js";

const LIFETIME_MS = 6000;

export function notify(message, tone = "ok") {
  const host = document.getElementById("toasts");
  if (!host) return;
  const icon = tone === "ok" ? "✓" : tone === "crit" ? "✖" : "ℹ";
  const toast = h("div", { class: `toast tone-${tone}`, "data-toast": tone }, `${icon} ${message}`);
  host.append(toast);
  setTimeout(() => toast.remove(), LIFETIME_MS);
}
