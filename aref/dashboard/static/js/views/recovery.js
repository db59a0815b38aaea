// Recovery: active recoveries with their tier progress and runbook steps, the tiers, the runbooks.

import { badge, outcomeBadge } from "../components/badge.js";
import { bar, stats } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h } from "../dom.js";
import { clock, duration, label, num } from "../format.js";

const TIERS = ["T0", "T1", "T2", "T3", "T4"];

function tierProgress(r, tiers) {
  const entered = new Set((r.tiers || []).map((t) => t.tier));
  const names = Object.fromEntries(tiers.map((t) => [t.tier, t.name]));
  return h(
    "ol",
    { class: "tier-steps", "aria-label": `Tier progress: now ${r.tier}` },
    TIERS.map((tier) => {
      const state = tier === r.tier ? "current" : entered.has(tier) ? "done" : "todo";
      const mark = state === "current" ? "▶" : state === "done" ? "✓" : "○";
      return h(
        "li",
        {
          class: `tier-step ${state}`,
          "aria-current": state === "current" ? "step" : null,
          title: names[tier] || tier,
        },
        h("span", { class: "tier-mark", "aria-hidden": "true" }, mark),
        h("span", {}, tier),
        h(
          "span",
          { class: "visually-hidden" },
          ` ${state === "current" ? "current tier" : state === "done" ? "passed" : "not reached"}`,
        ),
      );
    }),
  );
}

function recoveryCard(r, tiers) {
  const fraction = r.target_seconds ? r.elapsed_seconds / r.target_seconds : 0;
  return h(
    "article",
    { class: "recovery-card", "data-recovery": r.recovery_id },
    h(
      "header",
      { class: "recovery-head" },
      h("h3", {}, `${r.service}: ${r.tier} ${r.tier_name}`),
      badge(label(r.severity), r.severity === "sev1" ? "emerg" : "crit"),
    ),
    h(
      "p",
      { class: "muted" },
      `Incident ${r.incident_id} · started ${clock(r.started_at)} · chain `,
      chainLink(r.correlation_id),
    ),
    tierProgress(r, tiers),
    bar(fraction, {
      caption: `Tier ${r.tier} time`,
      text: `${duration(r.elapsed_seconds)} of ${duration(r.target_seconds)}`,
      tone: fraction < 0.5 ? "ok" : fraction < 1 ? "warn" : "crit",
    }),
    h(
      "p",
      { class: "runbook-line" },
      `Runbook ${r.runbook || "—"}: `,
      outcomeBadge(r.runbook_status),
      ` ${r.steps_done} of ${r.steps_total} steps`,
    ),
    r.steps && r.steps.length
      ? h(
          "ol",
          { class: "step-list" },
          r.steps.map((s) =>
            h(
              "li",
              {},
              outcomeBadge(s.outcome),
              ` ${s.name} `,
              h("span", { class: "muted" }, `(${s.kind}) ${s.detail || ""}`),
            ),
          ),
        )
      : emptyState("This tier's runbook has no step started yet."),
    r.open_alerts && r.open_alerts.length
      ? h("p", { class: "muted" }, `Waiting for alerts to clear: ${r.open_alerts.join(", ")}`)
      : null,
  );
}

export default {
  id: "recovery",
  title: "Recovery",
  resources() {
    return { recovery: "recovery" };
  },
  mount(root) {
    const summary = panel({ title: "Recovery at a glance", id: "recovery-summary" });
    const active = panel({ title: "Active recoveries", id: "active-recoveries", span: "all" });
    const tiers = panel({ title: "Recovery tiers", id: "tiers", flush: true });
    const tierTable = table({
      label: "Recovery tiers",
      key: (t) => t.tier,
      columns: [
        { label: "Tier", render: (t) => h("strong", {}, t.tier) },
        { label: "Name", render: (t) => t.name },
        { label: "Executor", render: (t) => t.executor },
        { label: "Approval", render: (t) => t.approval || "none" },
        { label: "Starts after", render: (t) => duration(t.window_start_seconds), num: true },
        { label: "Target", render: (t) => duration(t.target_seconds), num: true },
      ],
      empty: () => emptyState("No recovery tier configured."),
    });
    tiers.body.append(tierTable.el);
    const runbooks = panel({ title: "Runbooks", id: "runbooks" });
    root.append(
      viewHeader("Recovery", "Restores service through tiers T0–T4, running YAML runbooks step by step."),
      h(
        "div",
        { class: "grid" },
        active.el,
        h("div", { class: "columns" }, h("div", { class: "column" }, summary.el, runbooks.el), tiers.el),
      ),
    );

    return {
      update(store) {
        const entry = store.get("recovery");
        summary.showEntry(entry, (r) =>
          h(
            "div",
            {},
            stats([
              { label: "Active", value: num(r.total_active) },
              { label: "Recovered", value: num(r.total_recovered) },
              { label: "Runbooks", value: num(r.runbooks.length) },
            ]),
            r.dry_run
              ? badge("Dry run: runbook actions are recorded, not performed", "info")
              : badge("Live: runbook actions are performed", "warn"),
          ),
        );
        active.showEntry(entry, (r) =>
          r.active.length
            ? h(
                "div",
                { class: "recovery-cards" },
                r.active.map((x) => recoveryCard(x, r.tiers || [])),
              )
            : emptyState(
                "No recovery running.",
                r.total_recovered
                  ? `${r.total_recovered} incident${r.total_recovered === 1 ? "" : "s"} recovered so far; see Evolution for the reviews.`
                  : "Recovery starts on an EMERGENCY alert or when adaptation escalates.",
              ),
        );
        runbooks.showEntry(
          entry,
          (r) =>
            r.runbooks.length
              ? h(
                  "div",
                  { class: "runbook-list" },
                  r.runbooks.map((b) =>
                    h(
                      "details",
                      { class: "runbook", "data-runbook": b.name },
                      h(
                        "summary",
                        {},
                        h("strong", {}, b.tier),
                        ` ${b.name}`,
                        b.service ? ` (${b.service})` : "",
                        h("span", { class: "muted" }, ` — ${b.steps.length} steps`),
                      ),
                      h("p", {}, b.description),
                      b.trigger ? h("p", { class: "muted" }, `Trigger: ${b.trigger}`) : null,
                      h(
                        "ol",
                        { class: "step-list" },
                        b.steps.map((s) => h("li", {}, s)),
                      ),
                      h("p", { class: "muted mono" }, b.source),
                    ),
                  ),
                )
              : emptyState("No runbook loaded: recovery has nothing to execute."),
          { key: (r) => r.runbooks },
        );
        if (entry && entry.data) tierTable.update(entry.data.tiers || []);
        else tierTable.message(emptyState(entry ? `Tiers unavailable: ${entry.error.message}` : "Loading tiers…"));
      },
    };
  },
};
