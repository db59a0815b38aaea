// A titled panel whose body is redrawn only when the data it shows changed.

import { h, replace, signature } from "../dom.js";
import { errorState, loadingState, staleNote } from "./empty.js";

let nextId = 0;

/**
 * panel({ title, note, id, span: 2 | "all", flush, actions }) -> { el, body, setNote, show, showEntry }.
 * `show(sig, build)` replaces the body with build() when `sig` differs from the last one shown.
 */
export function panel({ title, note = "", id = null, span = null, flush = false, actions = null }) {
  const headingId = `panel-${id || "p"}-${nextId++}`;
  const noteEl = h("span", { class: "panel-note" }, note);
  const body = h("div", { class: ["panel-body", flush && "flush"] });
  const el = h(
    "section",
    { class: ["panel", span && `span-${span}`], "aria-labelledby": headingId, "data-panel": id },
    h("div", { class: "panel-head" }, h("h2", { id: headingId }, title), noteEl, actions),
    body,
  );
  let shown;
  const api = {
    el,
    body,
    setNote(text) {
      if (noteEl.textContent !== text) noteEl.textContent = text;
    },
    show(sig, build) {
      if (sig === shown) return;
      shown = sig;
      replace(body, build());
    },
    /**
     * Show a store entry: loading, an error (no data yet) or build(data). The note flags stale data.
     * `key(data)` narrows what counts as a change (default: any change of the resource).
     */
    showEntry(entry, build, { key = null, what = title } = {}) {
      if (!entry) return api.show("loading", () => loadingState(what.toLowerCase()));
      api.setNote(staleNote(entry) || note);
      if (entry.data === undefined)
        return api.show(`error:${entry.error.message}`, () => errorState(entry.error, what));
      const sig = key ? `k:${signature(key(entry.data))}` : `v${entry.version}`;
      return api.show(sig, () => build(entry.data));
    },
  };
  return api;
}

/** The header of a view: title, one-line purpose, optional actions. */
export function viewHeader(title, purpose, ...actions) {
  return h(
    "header",
    { class: "view-header" },
    h("div", {}, h("h1", { tabindex: "-1", "data-view-title": "" }, title), h("p", {}, purpose)),
    actions.length ? h("div", { class: "view-header-actions" }, actions) : null,
  );
}
