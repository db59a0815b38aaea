// Adaptation: real vs target replicas with a scale control, feature flags with toggles, traffic weights,
// open adaptation windows and the log of every decision with its rationale.

import { badge } from "../components/badge.js";
import { stats } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h, replace } from "../dom.js";
import { clock, duration, label, num } from "../format.js";

function replicaBadge(r) {
  if (r.running === 0) return badge("none running", "crit", "■");
  if (r.running < r.target) return badge(`starting ${r.target - r.running}`, "warn", "▲");
  if (r.running > r.target) return badge(`stopping ${r.running - r.target}`, "info", "▼");
  return badge("at target", "ok");
}

function flagSwitch(flag, ctx) {
  const input = h("input", {
    type: "checkbox",
    role: "switch",
    checked: flag.enabled,
    "aria-label": `${flag.name} enabled`,
    "data-flag": flag.name,
    onchange: async () => {
      const wanted = input.checked;
      const result = await ctx.act(
        `Turn ${flag.name} ${wanted ? "on" : "off"}`,
        () => ctx.api.post(`adaptation/flags/${encodeURIComponent(flag.name)}`, { enabled: wanted }),
        { success: (f) => `${f.name} is now ${f.enabled ? "on" : "off"}` },
      );
      if (result === null) input.checked = !wanted;
    },
  });
  return h("label", { class: "switch", title: flag.effect }, input, h("span", {}, flag.enabled ? "On" : "Off"));
}

function flagCell(flag, ctx) {
  if (!flag) return h("span", { class: "muted", title: "this service has no such flag" }, "—");
  return h(
    "div",
    { class: "flag-cell" },
    h("div", { class: "flag-line" }, flagSwitch(flag, ctx), flag.critical ? badge("critical", "info", "★") : null),
    flag.changed_at
      ? h(
          "small",
          { class: "flag-meta", title: flag.reason || "" },
          `${flag.changed_by} · ${clock(flag.changed_at)}${flag.reason ? ` · ${flag.reason}` : ""}`,
        )
      : null,
  );
}

/** Flags as one row per service and one column per kind, in the order the engine lists them
 * (each service has only the kinds that change something for it: the others show a dash). */
function flagMatrix(flags) {
  const kinds = [];
  const rows = new Map();
  for (const [name, flag] of Object.entries(flags)) {
    if (!kinds.includes(flag.kind)) kinds.push(flag.kind);
    if (!rows.has(flag.service)) rows.set(flag.service, { service: flag.service, flags: {} });
    rows.get(flag.service).flags[flag.kind] = { name, ...flag };
  }
  return { kinds, rows: [...rows.values()] };
}

function flagMatrixTable(kinds, ctx) {
  return table({
    label: "Feature flags per service",
    key: (r) => r.service,
    rowAttrs: (r) => ({ "data-service": r.service }),
    columns: [
      { label: "Service", render: (r) => h("strong", {}, r.service) },
      ...kinds.map((kind) => ({ label: label(kind), render: (r) => flagCell(r.flags[kind], ctx) })),
    ],
    empty: () => emptyState("No feature flag registered."),
  });
}

/** One service's route weights as a split bar with the percentages written out. */
function splitBar(service, weights) {
  const routes = Object.entries(weights);
  const text = routes.map(([route, w]) => `${route} ${w}%`).join(" · ");
  return h(
    "li",
    { "data-traffic": service },
    h("div", { class: "bar-label" }, h("span", {}, service), h("span", {}, text)),
    h(
      "div",
      { class: "split-bar", role: "img", "aria-label": `${service}: ${text}` },
      routes.map(([route, w], i) =>
        w > 0 ? h("span", { class: `split-part part-${i}`, style: { width: `${w}%` }, title: `${route} ${w}%` }) : null,
      ),
    ),
  );
}

function scaleForm(ctx) {
  const service = h("select", { id: "scale-service", name: "service", required: true });
  const replicas = h("input", {
    id: "scale-replicas",
    name: "replicas",
    type: "number",
    min: 1,
    max: 4,
    step: 1,
    required: true,
    value: "1",
  });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Scale");
  const form = h(
    "form",
    {
      class: "form-row scale-form",
      "aria-label": "Scale a service",
      onsubmit: (e) => {
        e.preventDefault();
        const name = service.value;
        ctx.act(
          `Scale ${name}`,
          () => ctx.api.post(`services/${encodeURIComponent(name)}/scale`, { replicas: Number(replicas.value) }),
          {
            button: submit,
            success: (r) => `${r.service}: target ${r.target} replicas, ${r.running} running`,
          },
        );
      },
    },
    h("div", { class: "field" }, h("label", { for: "scale-service" }, "Service"), service),
    h("div", { class: "field" }, h("label", { for: "scale-replicas" }, "Target replicas"), replicas),
    submit,
  );
  let known = "";
  return {
    el: form,
    sync(scaling, replicaCounts) {
      const names = Object.keys(replicaCounts);
      if (names.join() !== known) {
        known = names.join();
        const chosen = service.value;
        replace(
          service,
          names.map((n) => h("option", { value: n }, n)),
        );
        if (names.includes(chosen)) service.value = chosen;
        replicas.value = String(replicaCounts[service.value].target);
        service.onchange = () => {
          replicas.value = String(replicaCounts[service.value] ? replicaCounts[service.value].target : 1);
        };
      }
      const bounds = scaling[service.value];
      if (bounds) {
        replicas.min = String(bounds.min);
        replicas.max = String(bounds.max);
      }
    },
  };
}

export default {
  id: "adaptation",
  title: "Adaptation",
  resources() {
    return { adaptation: "adaptation" };
  },
  mount(root, ctx) {
    const scaling = panel({ title: "Replicas: real vs target", id: "replicas", span: "all", flush: true });
    const form = scaleForm(ctx);
    const replicaTable = table({
      label: "Replicas per service",
      key: (r) => r.service,
      rowAttrs: (r) => ({ "data-service": r.service }),
      columns: [
        { label: "Service", render: (r) => r.service },
        { label: "Running", render: (r) => h("span", { "data-running": "" }, num(r.running)), num: true },
        { label: "Target", render: (r) => h("span", { "data-target": "" }, num(r.target)), num: true },
        { label: "State", render: replicaBadge },
        { label: "Autoscaler wants", render: (r) => (r.scale ? num(r.scale.desired) : "—"), num: true },
        { label: "Bounds", render: (r) => (r.scale ? `${r.scale.min}–${r.scale.max}` : "—") },
        {
          label: "Autoscaler",
          render: (r) => (r.scale ? `${r.scale.cooling_down ? "cooling down · " : ""}${r.scale.reason}` : "no policy"),
        },
      ],
      empty: () => emptyState("No service reports replicas yet."),
    });
    scaling.body.append(form.el, replicaTable.el);

    const flags = panel({
      title: "Feature flags",
      id: "flags",
      span: "all",
      flush: true,
      note: "switch a flag to turn a feature on or off; ★ marks flags on the critical path",
    });
    let flagTable = null;
    let flagKinds = "";
    const traffic = panel({ title: "Traffic weights", id: "traffic" });
    const windows = panel({ title: "Adaptation windows", id: "windows", flush: true });
    const windowTable = table({
      label: "Open adaptation windows",
      key: (w) => w.alert_id,
      columns: [
        { label: "Alert", render: (w) => h("span", { class: "mono" }, w.alert_id) },
        { label: "Service", render: (w) => w.service },
        { label: "Strategy", render: (w) => label(w.strategy) },
        { label: "Time left", render: (w) => duration(w.remaining_seconds), num: true },
        { label: "Chain", render: (w) => chainLink(w.correlation_id) },
      ],
      empty: () => emptyState("No adaptation window open: no alert is waiting to be mitigated."),
    });
    windows.body.append(windowTable.el);

    const log = panel({ title: "Adaptation log", id: "adaptation-log", span: "all", flush: true });
    const logTable = table({
      label: "Adaptation decisions, newest first",
      key: (a) => a.id,
      columns: [
        { label: "Time", render: (a) => clock(a.at) },
        { label: "Service", render: (a) => a.service },
        {
          label: "Strategy",
          render: (a) => badge(label(a.strategy), a.strategy === "escalate_to_recovery" ? "crit" : "info", "⇄"),
        },
        { label: "Class", render: (a) => label(a.anomaly_class) },
        { label: "Actions", render: (a) => a.actions.join("; ") },
        {
          label: "Why",
          className: "nowrap",
          render: (a) => h("details", {}, h("summary", {}, "rationale"), h("p", { class: "rationale" }, a.rationale)),
        },
        { label: "Chain", render: (a) => chainLink(a.correlation_id) },
      ],
      empty: () => emptyState("No adaptation yet: the engine acts when an alert fires."),
    });
    const totals = h("div", { class: "log-totals" });
    log.body.append(totals, logTable.el);

    root.append(
      viewHeader("Adaptation", "Reconfigures while it happens: scaling, feature flags, traffic shifting."),
      h("div", { class: "grid" }, scaling.el, h("div", { class: "columns" }, windows.el, traffic.el), flags.el, log.el),
    );

    const all = [replicaTable, windowTable, logTable];
    return {
      update(store) {
        const entry = store.get("adaptation");
        if (!entry || entry.data === undefined) {
          const why = entry ? `Adaptation status unavailable: ${entry.error.message}` : "Loading adaptation status…";
          all.forEach((t) => t.message(emptyState(why)));
          replace(flags.body, emptyState(why));
          flagTable = null;
          return;
        }
        const a = entry.data;
        form.sync(a.scaling, a.replicas);
        replicaTable.update(
          Object.entries(a.replicas).map(([service, r]) => ({ service, ...r, scale: a.scaling[service] || null })),
        );
        const matrix = flagMatrix(a.flags);
        if (matrix.kinds.join() !== flagKinds || !flagTable) {
          flagKinds = matrix.kinds.join();
          flagTable = flagMatrixTable(matrix.kinds, ctx);
          replace(flags.body, flagTable.el);
        }
        flagTable.update(matrix.rows);
        windowTable.update((a.windows && a.windows.active) || []);
        logTable.update([...a.adaptations].reverse());
        traffic.show(JSON.stringify(a.traffic), () => {
          const rows = Object.entries(a.traffic);
          if (!rows.length) return emptyState("No traffic routes: every service has a single route.");
          return h(
            "ul",
            { class: "traffic-list" },
            rows.map(([service, weights]) => splitBar(service, weights)),
          );
        });
        const t = a.totals || {};
        if (totals.dataset.sig !== JSON.stringify(t)) {
          totals.dataset.sig = JSON.stringify(t);
          replace(
            totals,
            stats([
              { label: "Decisions", value: num(t.decisions) },
              { label: "Mitigated", value: num(t.mitigated) },
              { label: "Escalated", value: num(t.escalations) },
              { label: "Scale requests", value: num(t.scale_requests) },
              { label: "Rejected", value: num(t.rejected) },
            ]),
          );
        }
      },
    };
  },
};
