// Overview: the CRS under a chosen risk profile, pillar maturity, headline metrics, what is happening now.

import { badge, severityBadge, targetBadge } from "../components/badge.js";
import { bar, stats } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { gauge } from "../components/gauge.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h, replace, signature } from "../dom.js";
import { clock, duration, label, num, pct } from "../format.js";

const PROFILES = ["balanced", "availability_critical", "data_integrity_critical", "innovation_heavy"];
const PILLARS = ["detection", "absorption", "adaptation", "recovery", "evolution"];

function profileOf(params, status) {
  const asked = params.get("profile");
  if (PROFILES.includes(asked)) return asked;
  return status ? status.risk_profile : null;
}

function pillarRow(name, pillar) {
  const gaps = pillar.gaps || [];
  return h(
    "li",
    { class: "pillar", "data-pillar": name },
    h(
      "div",
      { class: "pillar-head" },
      h("span", { class: "pillar-name" }, label(name)),
      h("span", { class: "pillar-level" }, `L${pillar.level} ${pillar.label}`),
    ),
    h(
      "div",
      { class: "level-steps", role: "img", "aria-label": `${label(name)}: level ${pillar.level} of 5` },
      [1, 2, 3, 4, 5].map((n) => h("span", { class: ["level-step", n <= pillar.level && "on"] }, `L${n}`)),
    ),
    h(
      "p",
      { class: "pillar-gap" },
      pillar.next_level
        ? gaps.length
          ? `Next (L${pillar.next_level}): ${gaps.map((g) => g.description).join("; ")}`
          : `Next level L${pillar.next_level}: no gap reported.`
        : "Top level reached.",
    ),
    h(
      "details",
      { class: "pillar-criteria" },
      h("summary", {}, "Criteria and evidence"),
      h(
        "ul",
        {},
        (pillar.criteria || []).map((c) =>
          h(
            "li",
            { "data-criterion": c.id, class: c.holds ? "holds" : "unmet" },
            `${c.holds ? "✓" : "✗"} L${c.level} ${c.description} — `,
            c.holds
              ? c.evidence.length
                ? `${c.evidence[0].ref}${c.evidence[0].at ? ` (${c.evidence[0].kind}, ${clock(c.evidence[0].at)})` : `: ${c.evidence[0].note}`}`
                : "holds"
              : c.reason,
          ),
        ),
      ),
    ),
  );
}

export default {
  id: "overview",
  title: "Overview",
  resources(params) {
    const profile = params.get("profile");
    return {
      maturity: PROFILES.includes(profile) ? `maturity?profile=${profile}` : "maturity",
      alerts: "alerts",
      metrics: "metrics",
      recovery: "recovery",
      chaos: "chaos/status",
    };
  },
  mount(root, ctx) {
    const select = h(
      "select",
      {
        id: "profile-select",
        onchange: () => ctx.setParams({ profile: select.value }),
      },
      PROFILES.map((p) => h("option", { value: p }, label(p))),
    );
    const picker = h("div", { class: "profile-picker" }, h("label", { for: "profile-select" }, "Risk profile"), select);
    const crs = panel({ title: "Composite Resilience Score", id: "crs", actions: picker });
    const pillars = panel({ title: "Pillar maturity (L1–L5)", id: "pillars" });
    const headline = panel({ title: "Headline metrics", id: "headline" });
    const incidents = panel({ title: "Active incidents and alerts", id: "incidents", span: "all", flush: true });
    const alertTable = table({
      label: "Active alerts",
      key: (a) => a.id,
      columns: [
        { label: "Severity", render: (a) => severityBadge(a.severity) },
        { label: "Service", render: (a) => a.service },
        { label: "Metric", render: (a) => a.metric },
        { label: "State", render: (a) => label(a.state) },
        { label: "Fired", render: (a) => clock(a.fired_at) },
        { label: "Incident chain", render: (a) => chainLink(a.correlation_id) },
      ],
      empty: () => emptyState("No active alerts: every service is within its thresholds and SLOs."),
    });
    const recoveries = h("div", { class: "overview-recoveries" });
    incidents.body.append(alertTable.el, recoveries);
    const cluster = panel({ title: "Cluster and chaos", id: "cluster" });
    root.append(
      viewHeader("Overview", "How resilient the system is right now, and what is happening."),
      h(
        "div",
        { class: "grid" },
        h(
          "div",
          { class: "columns" },
          h("div", { class: "column" }, crs.el, headline.el),
          h("div", { class: "column" }, pillars.el, cluster.el),
        ),
        incidents.el,
      ),
    );

    let shownRecoveries = null;
    return {
      update(store) {
        const status = store.data("status");
        const profile = profileOf(ctx.params(), status);
        if (profile && select.value !== profile && document.activeElement !== select) select.value = profile;
        crs.showEntry(store.get("maturity"), (m) =>
          h(
            "div",
            { class: "crs" },
            gauge({ value: m.crs, percent: m.crs_percent, label: `CRS under ${label(m.profile)}` }),
            h(
              "div",
              { class: "crs-side" },
              h("p", { class: "crs-profile" }, `Profile: ${label(m.profile)}`),
              h(
                "table",
                { class: "crs-profiles", "aria-label": "CRS by risk profile" },
                h(
                  "tbody",
                  {},
                  Object.entries(m.crs_by_profile).map(([p, v]) =>
                    h(
                      "tr",
                      { class: p === m.profile && "current" },
                      h("th", { scope: "row" }, label(p)),
                      h("td", { class: "num" }, num(v, 2)),
                    ),
                  ),
                ),
              ),
              status && status.risk_profile !== m.profile
                ? h("p", { class: "muted" }, `Configured profile: ${label(status.risk_profile)}`)
                : null,
            ),
          ),
        );
        pillars.showEntry(store.get("maturity"), (m) =>
          h(
            "ul",
            { class: "pillar-list" },
            PILLARS.filter((p) => m.pillars[p]).map((p) => pillarRow(p, m.pillars[p])),
          ),
        );
        headline.showEntry(store.get("metrics"), (m) => {
          const budgets = m.error_budgets || [];
          const worst = budgets.length ? budgets.reduce((a, b) => (a.remaining <= b.remaining ? a : b)) : null;
          return h(
            "div",
            {},
            stats([
              {
                id: "mttd",
                label: "MTTD",
                value: duration(m.mttd.seconds),
                note: `target ${duration(m.mttd.target_seconds)} · ${m.mttd.incidents} incidents`,
              },
              {
                id: "mttr",
                label: "MTTR",
                value: duration(m.mttr.seconds),
                note: `target ${duration(m.mttr.target_seconds)} · ${m.mttr.incidents} incidents`,
              },
              {
                id: "availability",
                label: "Availability",
                value: pct(m.availability.overall, 2),
                note: `${num(m.availability.good)} of ${num(m.availability.total)} requests good`,
              },
            ]),
            h(
              "div",
              { class: "headline-verdicts" },
              "MTTD ",
              targetBadge(m.mttd.meets_target),
              " MTTR ",
              targetBadge(m.mttr.meets_target),
            ),
            worst
              ? bar(worst.remaining, {
                  caption: `Lowest error budget: ${worst.slo}`,
                  text:
                    (worst.remaining > 0 ? `${pct(worst.remaining)} left` : "exhausted (0% left)") +
                    ` · ${pct(worst.remaining_outside_experiments)} outside experiments`,
                  tone: worst.remaining > 0.5 ? "ok" : worst.remaining > 0.1 ? "warn" : "crit",
                })
              : emptyState("No SLO has counted any request yet."),
          );
        });
        const alerts = store.get("alerts");
        if (!alerts || alerts.data === undefined)
          alertTable.message(emptyState(alerts ? `Alerts unavailable: ${alerts.error.message}` : "Loading alerts…"));
        else alertTable.update(alerts.data.active);
        const recovery = store.data("recovery");
        const active = recovery ? recovery.active : [];
        if (signature(active) !== shownRecoveries) {
          shownRecoveries = signature(active);
          replace(
            recoveries,
            active.length
              ? h(
                  "ul",
                  { class: "recovery-list" },
                  active.map((r) =>
                    h(
                      "li",
                      {},
                      badge(`Tier ${r.tier}`, "warn", "↺"),
                      ` ${r.service}: ${r.tier_name} — runbook ${r.runbook} (${r.steps_done}/${r.steps_total} steps) · `,
                      chainLink(r.correlation_id),
                    ),
                  ),
                )
              : emptyState("No recovery running: no incident has been escalated to recovery."),
          );
        }
        cluster.showEntry(store.get("chaos"), (c) =>
          h(
            "div",
            {},
            h(
              "p",
              {},
              h(
                "a",
                { href: ctx.rayUrl, target: "_blank", rel: "noopener", "data-ray-link": "" },
                "Open the Ray dashboard ↗",
              ),
              h("span", { class: "muted" }, ` ${ctx.rayUrl}`),
            ),
            c.active.length
              ? h(
                  "ul",
                  { class: "fault-list" },
                  c.active.map((f) =>
                    h(
                      "li",
                      {},
                      badge("Fault active", "warn", "⚡"),
                      ` ${f.fault_type} on ${f.service} (${pct(f.rate, 0)}), ${duration(f.remaining_s)} left`,
                    ),
                  ),
                )
              : emptyState("No chaos fault active.", "Start an experiment from the Chaos view."),
          ),
        );
      },
    };
  },
};
