// Absorption: circuit breakers per edge, degradation tier per service, bulkheads, rate limiters, blast radius.

import { breakerBadge, targetBadge, tierBadge } from "../components/badge.js";
import { bar } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { h } from "../dom.js";
import { clock, num, pct, pctValue } from "../format.js";

function entries(map) {
  return Object.values(map || {});
}

function breakerTiming(b) {
  if (b.state === "open") return `opened ${clock(b.opened_at)}, retry ${clock(b.retry_at)}`;
  return `since ${clock(b.since)}`;
}

export default {
  id: "absorption",
  title: "Absorption",
  resources() {
    return { absorption: "absorption" };
  },
  mount(root) {
    const breakers = panel({ title: "Circuit breakers per edge", id: "breakers", span: "all", flush: true });
    const breakerTable = table({
      label: "Circuit breakers",
      key: (b) => b.name,
      rowAttrs: (b) => ({ "data-edge": b.name, "data-state": b.state }),
      columns: [
        { label: "Edge (caller → callee)", render: (b) => h("span", { class: "mono" }, b.name.replace("->", " → ")) },
        { label: "State", render: (b) => breakerBadge(b.state) },
        { label: "Failure rate", render: (b) => pct(b.failure_rate, 0), num: true },
        { label: "Window", render: (b) => `${num(b.failures)} / ${num(b.calls_in_window)} failed`, num: true },
        { label: "Calls", render: (b) => num(b.total_calls), num: true },
        { label: "Rejected", render: (b) => num(b.total_rejected), num: true },
        { label: "Transitions", render: (b) => num(b.transitions), num: true },
        { label: "Timing", render: breakerTiming },
      ],
      empty: () => emptyState("No circuit breaker configured: the topology has no edges to guard."),
    });
    breakers.body.append(breakerTable.el);

    const degradation = panel({ title: "Degradation tier per service", id: "degradation", flush: true });
    const tierTable = table({
      label: "Degradation tiers",
      key: (d) => d.service,
      rowAttrs: (d) => ({ "data-service": d.service }),
      columns: [
        { label: "Service", render: (d) => d.service },
        { label: "Tier", render: (d) => tierBadge(d.tier) },
        { label: "Since", render: (d) => clock(d.since) },
        { label: "Why", render: (d) => (d.reason === "initial" ? "normal operation" : d.reason) },
        {
          label: "Features off",
          render: (d) =>
            d.disabled_features.length ? d.disabled_features.join(", ") : h("span", { class: "muted" }, "none"),
        },
      ],
      empty: () => emptyState("No service has a degradation tier yet."),
    });
    degradation.body.append(tierTable.el);

    const bulkheads = panel({ title: "Bulkheads", id: "bulkheads", flush: true });
    const bulkheadTable = table({
      label: "Bulkheads",
      key: (b) => b.name,
      columns: [
        { label: "Service", render: (b) => b.name },
        {
          label: "In use",
          render: (b) => bar(b.active / b.max_concurrent, { text: `${num(b.active)} / ${num(b.max_concurrent)}` }),
        },
        { label: "Queued", render: (b) => `${num(b.queued)} / ${num(b.max_queue)}`, num: true },
        { label: "Peak", render: (b) => num(b.peak), num: true },
        { label: "Rejected", render: (b) => num(b.rejected), num: true },
        { label: "Admitted", render: (b) => num(b.total_admitted), num: true },
      ],
      empty: () => emptyState("No bulkhead configured."),
    });
    bulkheads.body.append(bulkheadTable.el);

    const limiters = panel({ title: "Rate limiters (token buckets)", id: "rate-limiters", flush: true });
    const limiterTable = table({
      label: "Rate limiters",
      key: (r) => r.name,
      columns: [
        { label: "Service", render: (r) => r.name },
        { label: "Rate", render: (r) => `${num(r.rate)}/s`, num: true },
        { label: "Tokens", render: (r) => bar(r.tokens / r.burst, { text: `${num(r.tokens, 1)} / ${num(r.burst)}` }) },
        { label: "Allowed", render: (r) => num(r.allowed), num: true },
        { label: "Rejected", render: (r) => num(r.rejected), num: true },
      ],
      empty: () => emptyState("No rate limiter configured."),
    });
    limiters.body.append(limiterTable.el);

    const blast = panel({ title: "Blast radius", id: "blast-radius", span: "all", flush: true });
    const blastTable = table({
      label: "Blast radius per failing service",
      key: (r) => r.service,
      columns: [
        { label: "If this fails", render: (r) => r.service },
        {
          label: "Would affect",
          render: (r) =>
            r.affected.length ? r.affected.join(", ") : h("span", { class: "muted" }, "nothing upstream"),
        },
        { label: "Stopped at (open breakers)", render: (r) => (r.stopped_at.length ? r.stopped_at.join(", ") : "—") },
        { label: "Contained", render: (r) => pctValue(r.contained_pct), num: true },
        { label: "Verdict", render: (r) => targetBadge(r.meets_target) },
      ],
      empty: () => emptyState("No blast-radius analysis yet: the dependency graph is empty."),
    });
    blast.body.append(blastTable.el);

    root.append(
      viewHeader("Absorption", "Keeps the damage small: breakers, bulkheads, rate limiters and graceful degradation."),
      h(
        "div",
        { class: "grid" },
        breakers.el,
        h("div", { class: "columns" }, degradation.el, h("div", { class: "column" }, bulkheads.el, limiters.el)),
        blast.el,
      ),
    );

    const all = [breakerTable, tierTable, bulkheadTable, limiterTable, blastTable];
    return {
      update(store) {
        const entry = store.get("absorption");
        if (!entry || entry.data === undefined) {
          const why = entry ? `Absorption status unavailable: ${entry.error.message}` : "Loading absorption status…";
          all.forEach((t) => t.message(emptyState(why)));
          return;
        }
        const a = entry.data;
        const open = entries(a.breakers).filter((b) => b.state !== "closed").length;
        breakers.setNote(open ? `${open} not closed` : "all closed");
        breakerTable.update(entries(a.breakers));
        tierTable.update(entries(a.degradation));
        bulkheadTable.update(entries(a.bulkheads));
        limiterTable.update(entries(a.rate_limiters));
        const radius = a.blast_radius || {};
        blast.setNote(`target: ${pctValue(radius.target_pct, 0)} contained`);
        blastTable.update(Object.entries(radius.services || {}).map(([service, r]) => ({ service, ...r })));
      },
    };
  },
};
