// The app shell: hash routing between views, the nav, the status bar and the "API unreachable" banner.
//
// A view module exports { id, title, resources(params), mount(root, ctx) -> { update(store), setParams?, unmount? } }.
// Routes are "#/<view>?<params>"; a change of params on the same view does not rebuild it.

import { api, apiUrl, setTokenPrompt } from "./api.js";
import { notify } from "./components/toast.js";
import { askForToken } from "./components/token.js";
import { h, replace } from "./dom.js";
import { clock, num } from "./format.js";
import { Store } from "./store.js";
import { VIEWS } from "./views/index.js";

const DEFAULT_VIEW = "overview";
const store = new Store();
const main = document.getElementById("main");
const banner = document.getElementById("banner");
const statusbar = document.getElementById("statusbar");
let current = null; // { id, view, instance }

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [name, query = ""] = raw.split("?");
  const id = VIEWS.has(name) ? name : DEFAULT_VIEW;
  return { id, params: new URLSearchParams(query) };
}

function hashFor(id, params) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  ).toString();
  return `#/${id}${query ? `?${query}` : ""}`;
}

/** Run a change against the API: busy button, a toast with the outcome, then a fresh poll. */
async function act(what, fn, { button = null, success = null } = {}) {
  if (button) button.disabled = true;
  try {
    const result = await fn();
    notify(success ? success(result) : `${what}: done`, "ok");
    await store.refresh();
    return result;
  } catch (err) {
    notify(`${what} failed: ${err.message}`, "crit");
    return null;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

function context(id) {
  return {
    store,
    api,
    act,
    rayUrl: document.body.dataset.rayDashboardUrl || "",
    params: () => parseHash().params,
    setParams(params) {
      const next = hashFor(id, params);
      if (window.location.hash !== next) window.location.hash = next;
    },
  };
}

function markNav(id) {
  for (const link of document.querySelectorAll("#nav-list a[data-view]")) {
    if (link.dataset.view === id) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function route({ focus = true } = {}) {
  const { id, params } = parseHash();
  const view = VIEWS.get(id);
  if (current && current.id === id) {
    if (current.instance.setParams) current.instance.setParams(params);
    store.want(view.resources(params));
    current.instance.update(store);
    return;
  }
  if (current && current.instance.unmount) current.instance.unmount();
  replace(main);
  main.dataset.view = id;
  const instance = view.mount(main, context(id));
  current = { id, view, instance };
  markNav(id);
  document.title = `${view.title} · AREF control plane`;
  store.want(view.resources(params));
  instance.update(store);
  if (focus) {
    const heading = main.querySelector("[data-view-title]");
    if (heading) heading.focus({ preventScroll: false });
  }
}

function navCount(id, count, tone) {
  const link = document.querySelector(`#nav-list a[data-view="${id}"]`);
  if (!link) return;
  let badge = link.querySelector(".nav-count");
  if (!count) {
    if (badge) badge.remove();
    return;
  }
  if (!badge) {
    badge = h("span", { class: "nav-count" });
    link.append(badge);
  }
  badge.className = `nav-count tone-${tone}`;
  badge.textContent = String(count);
  badge.setAttribute("aria-label", `(${count} active)`);
}

function renderShell() {
  const status = store.data("status");
  if (store.reachable === false) {
    banner.hidden = false;
    const since = store.lastOk ? `Showing data from ${clock(store.lastOk)}.` : "No data could be loaded yet.";
    replace(
      banner,
      `✖ Cannot reach the AREF API at ${apiUrl("")}`,
      h("small", {}, `Reason: ${store.lastError.reason}. Retrying every 2 s. ${since}`),
    );
  } else {
    banner.hidden = true;
  }
  const items = [];
  if (store.reachable === false) items.push(["conn", "✖ API unreachable"]);
  else if (store.reachable) items.push(["conn", `● Live · updated ${clock(store.lastOk)}`]);
  else items.push(["conn", "Connecting to the AREF API…"]);
  if (status) {
    items.push(
      ["version", `AREF ${status.version}`],
      ["runtime", status.runtime === "simulated" ? "⚠ Simulated runtime: no Serve replicas" : "Ray Serve"],
      ["profile", `Risk profile: ${status.risk_profile}`],
      ["crs", `CRS ${num(status.crs, 2)} / 5`],
      ["alerts", `${status.alerts.open} open alert${status.alerts.open === 1 ? "" : "s"}`],
      ["recoveries", `${status.active_recoveries} active recover${status.active_recoveries === 1 ? "y" : "ies"}`],
      ["faults", `${status.chaos.active_faults} active fault${status.chaos.active_faults === 1 ? "" : "s"}`],
    );
    navCount("detection", status.alerts.open, status.alerts.firing ? "crit" : "warn");
    navCount("recovery", status.active_recoveries, "warn");
    navCount("chaos", status.chaos.active_faults, "warn");
  }
  replace(
    statusbar,
    items.map(([key, text]) => h("span", { class: "status-item", "data-status": key }, text)),
  );
}

store.subscribe((s) => {
  renderShell();
  if (current) current.instance.update(s);
});
setTokenPrompt(askForToken);
window.addEventListener("hashchange", () => route());
route({ focus: false });
store.start();
