// Empty, loading and error states: a panel always says why it shows no data.

import { h } from "../dom.js";
import { clock } from "../format.js";

export function emptyState(message, hint = null, icon = "○") {
  return h(
    "p",
    { class: "empty", "data-empty": "" },
    h("span", { class: "empty-icon", "aria-hidden": "true" }, icon),
    h("span", {}, message, hint ? h("small", {}, hint) : null),
  );
}

export function loadingState(what = "data") {
  return emptyState(`Loading ${what}…`, "The first answer of the AREF API is on its way.", "◌");
}

export function errorState(error, what = "this panel") {
  const reason = error && error.message ? error.message : String(error);
  return h("p", { class: "panel-error", role: "alert" }, `✖ Could not load ${what}: ${reason}`);
}

/** A note for a panel whose data is older than the last failed refresh. */
export function staleNote(entry) {
  return entry && entry.error ? `⚠ showing data from ${clock(entry.at)} (${entry.error.message})` : "";
}
