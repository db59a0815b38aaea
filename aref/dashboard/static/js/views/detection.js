// Detection: alerts with acknowledge/resolve, SLOs with error budgets and burn rates, telemetry charts,
// alert fatigue and what each detector currently sees.

import { alertStateBadge, badge, severityBadge } from "../components/badge.js";
import { bar, stats } from "../components/bar.js";
import { timeChart } from "../components/chart.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h } from "../dom.js";
import { clock, duration, label, ms, num, pct } from "../format.js";

function valueVsThreshold(a) {
  const fmt = (v) => (a.metric.includes("latency") ? ms(v) : num(v, 2));
  return a.threshold === null ? fmt(a.value) : `${fmt(a.value)} / ${fmt(a.threshold)}`;
}

function burnRates(slo) {
  return h(
    "ul",
    { class: "burn-list" },
    (slo.burn_rates || []).map((b) =>
      h(
        "li",
        {},
        b.firing ? badge(b.policy, "crit", "▲") : badge(b.policy, "muted", "·"),
        ` ${num(b.long_burn, 1)}× / ${num(b.short_burn, 1)}× (limit ${num(b.factor, 1)}×)`,
      ),
    ),
  );
}

function budgetCell(slo) {
  const remaining = slo.budget_remaining;
  const consumed = slo.budget_consumed;
  return bar(remaining, {
    caption: `${num(slo.bad_events)} bad of ${num(slo.events)}`,
    text: consumed === null ? "exhausted" : `${pct(remaining)} left`,
    tone: remaining > 0.5 ? "ok" : remaining > 0.1 ? "warn" : "crit",
  });
}

function detectorSummary(detectors) {
  const rules = (detectors.threshold && detectors.threshold.rules) || [];
  const breaching = rules.filter((r) => r.level);
  const streams = [
    ...((detectors.zscore && detectors.zscore.streams) || []).map((s) => ({ ...s, kind: "z-score" })),
    ...((detectors.isolation_forest && detectors.isolation_forest.streams) || []).map((s) => ({
      ...s,
      kind: "isolation forest",
    })),
  ];
  const anomalous = streams.filter((s) => s.firing || s.last_anomalous);
  const probes = (detectors.synthetic && detectors.synthetic.targets) || [];
  const probed = probes.filter((p) => p.last_at !== null);
  return h(
    "div",
    {},
    stats([
      { label: "Threshold rules", value: num(rules.length), note: `${breaching.length} breaching now` },
      { label: "Anomaly streams", value: num(streams.length), note: `${anomalous.length} anomalous now` },
      {
        label: "Synthetic probes",
        value: num(probes.length),
        note: probed.length ? `${probes.filter((p) => p.down).length} down` : "no probe result yet",
      },
    ]),
    breaching.length
      ? h(
          "ul",
          { class: "breach-list" },
          breaching.map((r) =>
            h(
              "li",
              {},
              severityBadge(r.level),
              ` ${r.name}: ${num(r.last_value, 2)} (${r.streak} consecutive, ${r.confirmations} confirm)`,
            ),
          ),
        )
      : emptyState("No threshold rule is breaching: every service is under its warning levels."),
    anomalous.length
      ? h(
          "ul",
          { class: "breach-list" },
          anomalous.map((s) =>
            h("li", {}, badge(s.kind, "warn"), ` ${s.service} ${s.metric}: score ${num(s.last_score, 2)}`),
          ),
        )
      : null,
  );
}

export default {
  id: "detection",
  title: "Detection",
  resources() {
    return { alerts: "alerts", detection: "detection" };
  },
  mount(root, ctx) {
    const alerts = panel({ title: "Active alerts", id: "alerts", span: "all", flush: true });
    const actions = (a) =>
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            disabled: a.state !== "firing",
            "aria-label": `Acknowledge alert ${a.id} (${a.service} ${a.metric})`,
            onclick: (e) =>
              ctx.act("Acknowledge", () => ctx.api.post(`alerts/${encodeURIComponent(a.id)}/ack`), {
                button: e.currentTarget,
                success: (r) => `Alert ${r.id} acknowledged`,
              }),
          },
          "Acknowledge",
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "aria-label": `Resolve alert ${a.id} (${a.service} ${a.metric})`,
            onclick: (e) =>
              ctx.act("Resolve", () => ctx.api.post(`alerts/${encodeURIComponent(a.id)}/resolve`), {
                button: e.currentTarget,
                success: (r) => `Alert ${r.id} resolved`,
              }),
          },
          "Resolve",
        ),
      );
    const alertColumns = [
      { label: "Severity", render: (a) => severityBadge(a.severity) },
      { label: "State", render: (a) => alertStateBadge(a.state) },
      { label: "Service", render: (a) => a.service },
      { label: "Metric", render: (a) => a.metric },
      { label: "Detector", render: (a) => label(a.detector) },
      { label: "Value / threshold", render: valueVsThreshold, num: true },
      { label: "Fired", render: (a) => clock(a.fired_at) },
      { label: "Seen", render: (a) => `${a.count}×`, num: true },
      { label: "Incident chain", render: (a) => chainLink(a.correlation_id) },
    ];
    const activeTable = table({
      label: "Active alerts",
      key: (a) => a.id,
      columns: [...alertColumns, { label: "Actions", render: actions }],
      rowAttrs: (a) => ({ "data-alert": a.id, "data-service": a.service }),
      empty: () => emptyState("No alerts firing: no rule, anomaly detector or SLO burn rate is breached."),
    });
    const resolvedTable = table({
      label: "Recently resolved alerts",
      key: (a) => a.id,
      columns: [
        ...alertColumns.slice(0, 5),
        { label: "Fired", render: (a) => clock(a.fired_at) },
        { label: "Resolved", render: (a) => clock(a.resolved_at) },
        { label: "Open for", render: (a) => duration(a.resolved_at - a.fired_at), num: true },
        { label: "Incident chain", render: (a) => chainLink(a.correlation_id) },
      ],
      empty: () => emptyState("No alert resolved yet."),
    });
    alerts.body.append(
      activeTable.el,
      h("details", { class: "resolved" }, h("summary", {}, "Recently resolved alerts"), resolvedTable.el),
    );
    const slos = panel({ title: "SLOs, error budgets and burn rates", id: "slos", span: "all", flush: true });
    const sloTable = table({
      label: "Service level objectives",
      key: (s) => s.name,
      columns: [
        { label: "SLO", render: (s) => s.name },
        { label: "SLI", render: (s) => label(s.sli) },
        { label: "Target", render: (s) => pct(s.target, 2), num: true },
        { label: "Error budget", render: budgetCell, className: "budget-cell" },
        { label: "Burn rate long / short per policy", render: burnRates },
      ],
      empty: () => emptyState("No SLO configured: the detection engine has no SLO tracker."),
    });
    slos.body.append(sloTable.el);
    const charts = panel({
      title: "Service telemetry",
      id: "telemetry",
      span: "all",
      note: "from the services' pushed samples",
    });
    const waiting = "No telemetry yet: the chart fills as the services report (every 2 s).";
    const errorChart = timeChart({
      title: "Error rate",
      labels: [],
      format: (v) => pct(v, 0),
      floor: 0.1,
      empty: waiting,
    });
    const latencyChart = timeChart({ title: "Latency p99", labels: [], format: ms, floor: 100, empty: waiting });
    charts.body.append(h("div", { class: "chart-pair" }, errorChart.el, latencyChart.el));
    const detectors = panel({ title: "Detectors", id: "detectors" });
    const fatigue = panel({ title: "Alert fatigue", id: "fatigue" });
    root.append(
      viewHeader("Detection", "Notices that something is wrong: thresholds, anomalies, probes and SLO burn rates."),
      h("div", { class: "grid" }, alerts.el, charts.el, slos.el, detectors.el, fatigue.el),
    );
    let historyVersion = -1;

    return {
      update(store) {
        const entry = store.get("alerts");
        if (!entry || entry.data === undefined) {
          activeTable.message(emptyState(entry ? `Alerts unavailable: ${entry.error.message}` : "Loading alerts…"));
        } else {
          activeTable.update(entry.data.active);
          resolvedTable.update(entry.data.recent_resolved);
          alerts.setNote(`${entry.data.counts.firing} firing · ${entry.data.counts.acknowledged} acknowledged`);
        }
        const det = store.get("detection");
        const sloList = det && det.data ? (det.data.detectors.slo_burn || {}).slos || [] : null;
        if (sloList) sloTable.update(sloList);
        else sloTable.message(emptyState(det ? `SLOs unavailable: ${det.error.message}` : "Loading SLOs…"));
        detectors.showEntry(det, (d) => detectorSummary(d.detectors));
        fatigue.showEntry(det, (d) => {
          const f = d.fatigue;
          return h(
            "div",
            {},
            stats([
              { label: "Alerts this week", value: num(f.alerts_in_window), note: `budget ${num(f.max_per_week)}` },
              {
                label: "Alerts per action",
                value: num(f.alerts_per_action, 2),
                note: `target ≤ ${num(f.target_alerts_per_action, 1)}`,
              },
              { label: "Actioned", value: pct(f.action_fraction, 0), note: `${num(f.actioned)} alerts` },
            ]),
            f.fatigued
              ? badge("Fatigue risk: too many alerts or too few actioned", "crit")
              : badge("No alert fatigue", "ok"),
          );
        });
        if (store.history.version !== historyVersion) {
          historyVersion = store.history.version;
          const names = store.history.services;
          errorChart.update(store.series("error_rate"), names);
          latencyChart.update(store.series("latency_p99_ms"), names);
        }
      },
      unmount() {
        errorChart.destroy();
        latencyChart.destroy();
      },
    };
  },
};
