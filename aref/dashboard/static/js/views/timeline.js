// Timeline: every event, filterable by category, severity and correlation id; one correlation id shows
// its whole chain, oldest first, with the chaos faults that were active on its services at the time.

import { badge, severityBadge } from "../components/badge.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h, replace } from "../dom.js";
import { clock, duration, label, num } from "../format.js";

const CATEGORIES = ["detection", "absorption", "adaptation", "recovery", "evolution", "chaos", "system"];
const SEVERITIES = ["info", "warning", "critical", "emergency"];
const LIMITS = ["50", "100", "200", "500", "1000"];
const DEFAULT_LIMIT = "100";
const DETAIL_KEYS = [
  "service",
  "metric",
  "severity",
  "value",
  "threshold",
  "strategy",
  "actions",
  "tier",
  "runbook",
  "step",
  "outcome",
  "flag",
  "enabled",
  "from_tier",
  "to_tier",
  "edge",
  "fault_id",
  "fault_type",
  "rate",
  "replicas",
  "review_id",
  "reason",
];

function short(value) {
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : num(value, 2);
  return String(value);
}

function details(e) {
  const p = e.payload || {};
  const incident = p.incident && p.incident.id ? p.incident.id : p.incident_id;
  const parts = DETAIL_KEYS.filter((k) => p[k] !== undefined && p[k] !== null && k !== "severity").map(
    (k) => `${k}: ${short(p[k])}`,
  );
  return h(
    "span",
    { class: "event-details" },
    incident
      ? h(
          "span",
          {},
          "incident ",
          e.correlation_id
            ? h(
                "a",
                {
                  href: `#/timeline?correlation_id=${encodeURIComponent(e.correlation_id)}`,
                  class: "mono",
                  title: `Show the chain of incident ${incident}`,
                },
                incident,
              )
            : h("span", { class: "mono" }, incident),
          parts.length ? " · " : "",
        )
      : null,
    parts.join(" · "),
  );
}

function select(id, text, options, value, onchange) {
  const el = h(
    "select",
    { id, onchange },
    options.map(([v, t]) => h("option", { value: v }, t)),
  );
  el.value = value;
  return h("div", { class: "field" }, h("label", { for: id }, text), el);
}

const FAULT_SLACK_S = 5; // a fault that ended this long before the chain started still counts

/** Chaos faults on the chain's services that were active while the chain ran. */
function relatedFaults(events, chaos) {
  if (!events.length || !chaos) return [];
  const services = new Set(events.map((e) => e.payload && e.payload.service).filter(Boolean));
  const first = events[0].timestamp;
  const last = events[events.length - 1].timestamp;
  return [...chaos.active, ...chaos.recent].filter(
    (f) => services.has(f.service) && f.started_at <= last && (f.ended_at ?? f.expires_at) >= first - FAULT_SLACK_S,
  );
}

export default {
  id: "timeline",
  title: "Timeline",
  resources(params) {
    const query = new URLSearchParams();
    for (const key of ["category", "severity", "correlation_id"]) if (params.get(key)) query.set(key, params.get(key));
    query.set("limit", LIMITS.includes(params.get("limit")) ? params.get("limit") : DEFAULT_LIMIT);
    const wanted = { timeline: `timeline?${query}` };
    if (params.get("correlation_id")) wanted.chaos = "chaos/status";
    return wanted;
  },
  mount(root, ctx) {
    const filters = h("form", { class: "timeline-filters", "aria-label": "Filter events" });
    const summary = h("div", { class: "timeline-summary" });
    const events = panel({ title: "Events, newest first", id: "events", span: "all", flush: true });
    const eventTable = table({
      label: "Events, newest first",
      key: (e) => e.id,
      rowAttrs: (e) => ({ "data-topic": e.topic, "data-correlation": e.correlation_id || "" }),
      columns: [
        { label: "Time", render: (e) => clock(e.timestamp), className: "nowrap" },
        { label: "Severity", render: (e) => severityBadge(e.severity) },
        { label: "Event", render: (e) => h("span", { class: "mono" }, e.topic) },
        { label: "Source", render: (e) => e.source },
        { label: "Details", render: details },
        { label: "Chain", render: (e) => chainLink(e.correlation_id) },
      ],
      empty: () =>
        emptyState("No event matches these filters.", "Clear the filters, or wait: every pillar's events arrive here."),
    });
    events.body.append(summary, eventTable.el);
    const chain = panel({ title: "Incident chain", id: "chain", span: "all" });
    root.append(
      viewHeader("Timeline", "Everything every pillar did, in order; one correlation id ties an incident together."),
      filters,
      h("div", { class: "grid" }, chain.el, events.el),
    );
    let paramsShown = null;

    function renderFilters(params) {
      const current = Object.fromEntries(params.entries());
      const apply = (changes) => ctx.setParams({ ...current, ...changes });
      const cid = h("input", {
        id: "filter-correlation",
        type: "search",
        value: params.get("correlation_id") || "",
        placeholder: "COR-…",
        class: "mono",
      });
      replace(
        filters,
        select(
          "filter-category",
          "Category",
          [["", "All categories"], ...CATEGORIES.map((c) => [c, label(c)])],
          params.get("category") || "",
          (e) => apply({ category: e.target.value }),
        ),
        select(
          "filter-severity",
          "Severity",
          [["", "All severities"], ...SEVERITIES.map((s) => [s, label(s)])],
          params.get("severity") || "",
          (e) => apply({ severity: e.target.value }),
        ),
        h("div", { class: "field" }, h("label", { for: "filter-correlation" }, "Correlation id"), cid),
        select(
          "filter-limit",
          "Show",
          LIMITS.map((l) => [l, `${l} newest`]),
          LIMITS.includes(params.get("limit")) ? params.get("limit") : DEFAULT_LIMIT,
          (e) => apply({ limit: e.target.value }),
        ),
        h("button", { type: "submit", class: "btn btn-primary" }, "Apply"),
        h("button", { type: "button", class: "btn", onclick: () => ctx.setParams({}) }, "Clear filters"),
      );
      filters.onsubmit = (e) => {
        e.preventDefault();
        apply({ correlation_id: cid.value.trim() });
      };
    }

    function syncFilters(params) {
      if (params.toString() !== paramsShown) {
        paramsShown = params.toString();
        renderFilters(params);
      }
    }

    return {
      setParams: syncFilters,
      update(store) {
        const params = ctx.params();
        syncFilters(params);
        const cid = params.get("correlation_id");
        chain.el.hidden = !cid;
        const entry = store.get("timeline");
        if (!entry || entry.data === undefined) {
          eventTable.message(emptyState(entry ? `Timeline unavailable: ${entry.error.message}` : "Loading events…"));
          return;
        }
        const t = entry.data;
        events.setNote(`${num(t.events.length)} shown of ${num(t.matched)} matching · ${num(t.retained)} retained`);
        eventTable.update(t.events);
        const chips = [
          ...Object.entries(t.summary.by_category).map(([k, v]) => h("span", { class: "chip" }, `${label(k)} ${v}`)),
          ...Object.entries(t.summary.by_severity).map(([k, v]) => h("span", { class: "chip" }, `${label(k)} ${v}`)),
        ];
        replace(
          summary,
          chips.length
            ? h("div", { class: "chips", "aria-label": "Matching events by category and severity" }, chips)
            : null,
        );
        if (!cid) return;
        const ordered = [...t.events].reverse();
        const faults = relatedFaults(ordered, store.data("chaos"));
        chain.show(`${entry.version}:${cid}:${faults.map((f) => f.fault_id).join()}`, () => {
          if (!ordered.length)
            return emptyState(
              `No event carries correlation id ${cid}.`,
              "It may be mistyped, or older than the events the timeline retains.",
            );
          const start = ordered[0].timestamp;
          const services = [...new Set(ordered.map((e) => e.payload && e.payload.service).filter(Boolean))];
          return h(
            "div",
            { "data-chain": cid },
            h(
              "p",
              {},
              h("strong", { class: "mono" }, cid),
              ` · ${ordered.length} events over ${duration(ordered[ordered.length - 1].timestamp - start)}`,
              services.length ? ` · services: ${services.join(", ")}` : "",
            ),
            faults.length
              ? h(
                  "p",
                  { class: "related-faults" },
                  badge("Chaos", "warn", "⚡"),
                  " faults active on these services then: ",
                  faults.map((f, i) => [
                    i ? ", " : "",
                    `${f.fault_id} (${f.fault_type} ${Math.round(f.rate * 100)}% on ${f.service}${f.experiment ? `, ${f.experiment}` : ""})`,
                  ]),
                )
              : null,
            h(
              "ol",
              { class: "chain" },
              ordered.map((e) =>
                h(
                  "li",
                  { class: `chain-event sev-${e.severity}`, "data-topic": e.topic },
                  h(
                    "span",
                    { class: "chain-time" },
                    clock(e.timestamp),
                    h("small", {}, ` +${duration(e.timestamp - start)}`),
                  ),
                  severityBadge(e.severity),
                  h("span", { class: "mono chain-topic" }, e.topic),
                  details(e),
                ),
              ),
            ),
            h("button", { type: "button", class: "btn", onclick: () => ctx.setParams({}) }, "← Back to all events"),
          );
        });
      },
    };
  },
};
