// Services: one card per service with health, replicas, request rate, error rate and latency.

import { badge, healthBadge, tierBadge } from "../components/badge.js";
import { stats } from "../components/bar.js";
import { timeChart } from "../components/chart.js";
import { emptyState, errorState, loadingState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { h, replace, signature } from "../dom.js";
import { clock, ms, num, pct } from "../format.js";

function serviceCard(s, rps) {
  const t = s.telemetry;
  return h(
    "article",
    { class: `service-card health-${s.status}`, "data-service": s.name, "aria-label": `${s.name}: ${s.status}` },
    h("header", { class: "service-head" }, h("h2", {}, s.name), healthBadge(s.status)),
    stats([
      {
        id: "replicas",
        label: "Replicas",
        value: `${num(s.replicas.running)} / ${num(s.replicas.target)}`,
        note: "running / target",
      },
      {
        id: "rps",
        label: "Requests/s",
        value: rps === null ? "—" : num(rps, 1),
        note: t ? `${num(t.requests)} in the last tick` : "no sample yet",
      },
      {
        id: "error-rate",
        label: "Error rate",
        value: t ? pct(t.error_rate, 1) : "—",
        note: t ? `${num(t.errors)} errors` : null,
      },
      {
        id: "latency",
        label: "Latency p50 / p99",
        value: t ? `${ms(t.latency_p50_ms)} / ${ms(t.latency_p99_ms)}` : "—",
      },
    ]),
    s.reasons.length
      ? h(
          "ul",
          { class: "reason-list", "aria-label": "Why it is not healthy" },
          s.reasons.map((r) => h("li", {}, r)),
        )
      : h("p", { class: "healthy-note" }, "✓ Healthy: no alert, no degradation, every replica running."),
    h(
      "dl",
      { class: "service-facts" },
      h("dt", {}, "Degradation"),
      h("dd", {}, tierBadge(s.degradation_tier)),
      h("dt", {}, "Open alerts"),
      h("dd", {}, s.open_alerts ? badge(String(s.open_alerts), "crit", "●") : "none"),
      h("dt", {}, "Chaos faults"),
      h("dd", {}, s.active_faults.length ? badge(s.active_faults.join(", "), "warn", "⚡") : "none"),
      h("dt", {}, "Depends on"),
      h("dd", {}, s.dependencies.join(", ") || "nothing"),
      h("dt", {}, "Used by"),
      h("dd", {}, s.dependents.join(", ") || "no service"),
      h("dt", {}, "Last sample"),
      h("dd", {}, t ? clock(t.at) : "none yet"),
    ),
  );
}

export default {
  id: "services",
  title: "Services",
  resources() {
    return {};
  },
  mount(root) {
    const grid = h("div", { class: "service-grid", "data-panel": "services" });
    const charts = panel({
      title: "Requests per second",
      id: "rps",
      span: "all",
      note: "per service, from the pushed samples",
    });
    const rpsChart = timeChart({
      title: "Requests per second",
      labels: [],
      format: (v) => num(v, 0),
      floor: 10,
      empty: "No request rate yet: it needs two samples of a service (a few seconds).",
    });
    charts.body.append(rpsChart.el);
    root.append(
      viewHeader("Services", "The shop's services as AREF sees them: health, replicas, traffic, errors and latency."),
      grid,
      h("div", { class: "grid services-charts" }, charts.el),
    );
    let shown = null;
    let historyVersion = -1;

    return {
      update(store) {
        const entry = store.get("services");
        if (!entry || entry.data === undefined) {
          const node = entry ? errorState(entry.error, "services") : loadingState("services");
          if (shown !== "none") replace(grid, node);
          shown = "none";
        } else {
          const rates = entry.data.services.map((s) => store.rate(s.name));
          const sig = `${entry.version}:${signature(rates)}`;
          if (sig !== shown) {
            shown = sig;
            replace(
              grid,
              entry.data.services.length
                ? entry.data.services.map((s, i) => serviceCard(s, rates[i]))
                : emptyState("No service registered with AREF."),
            );
          }
        }
        if (store.history.version !== historyVersion) {
          historyVersion = store.history.version;
          rpsChart.update(store.series("rps"), store.history.services);
        }
      },
      unmount() {
        rpsChart.destroy();
      },
    };
  },
};
