// Evolution: post-incident reviews, action items and their completion, recurrence patterns, knowledge base.

import { badge, targetBadge } from "../components/badge.js";
import { bar, stats } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { h } from "../dom.js";
import { dateTime, duration, num, pctValue } from "../format.js";

function completionTone(rate, target) {
  if (rate === null || rate === undefined) return null;
  return rate >= target ? "ok" : rate >= target / 2 ? "warn" : "crit";
}

export default {
  id: "evolution",
  title: "Evolution",
  resources() {
    return { evolution: "evolution" };
  },
  mount(root) {
    const reviews = panel({ title: "Post-incident reviews", id: "reviews", span: "all", flush: true });
    const reviewTable = table({
      label: "Post-incident reviews, newest first",
      key: (r) => r.review_id,
      rowAttrs: (r) => ({ "data-review": r.review_id }),
      columns: [
        { label: "Review", render: (r) => h("span", { class: "mono" }, r.review_id) },
        { label: "Incident", render: (r) => r.title },
        { label: "Service", render: (r) => r.service },
        { label: "Created", render: (r) => dateTime(r.created_at) },
        { label: "Detect", render: (r) => duration(r.time_to_detect), num: true },
        { label: "Resolve", render: (r) => duration(r.time_to_resolve), num: true },
        { label: "Highest tier", render: (r) => r.highest_tier || "—" },
        { label: "Action items", render: (r) => (r.action_item_ids.length ? r.action_item_ids.join(", ") : "none") },
        {
          label: "Recurrence",
          render: (r) =>
            r.recurrence_of.length
              ? badge(`repeats ${r.recurrence_of.join(", ")}`, "warn", "↻")
              : badge("first seen", "ok"),
        },
      ],
      empty: () => emptyState("No review yet: one is written when recovery resolves an incident."),
    });
    reviews.body.append(reviewTable.el);
    const actions = panel({ title: "Action items", id: "actions" });
    const recurrence = panel({ title: "Recurrence", id: "recurrence" });
    const patterns = panel({ title: "Recurrence patterns", id: "patterns", flush: true });
    const patternTable = table({
      label: "Recurring fault patterns",
      key: (p) => p.signature,
      columns: [
        { label: "Fault signature", render: (p) => h("span", { class: "mono" }, p.signature) },
        { label: "Seen", render: (p) => `${num(p.count)}×`, num: true },
        { label: "First", render: (p) => dateTime(p.first_seen) },
        { label: "Last", render: (p) => dateTime(p.last_seen) },
        { label: "Incidents", render: (p) => p.incident_ids.join(", ") },
      ],
      empty: () => emptyState("No recurring pattern: no fault signature has repeated across reviewed incidents."),
    });
    patterns.body.append(patternTable.el);
    const knowledge = panel({ title: "Knowledge base", id: "knowledge" });
    root.append(
      viewHeader("Evolution", "Learns: blameless reviews, action items tracked to completion, recurring patterns."),
      h(
        "div",
        { class: "grid" },
        reviews.el,
        h(
          "div",
          { class: "columns" },
          h("div", { class: "column" }, actions.el, knowledge.el),
          h("div", { class: "column" }, recurrence.el, patterns.el),
        ),
      ),
    );

    return {
      update(store) {
        const entry = store.get("evolution");
        if (entry && entry.data) {
          reviewTable.update([...entry.data.reviews.recent].reverse());
          reviews.setNote(
            `${entry.data.reviews.total} total · ${pctValue(entry.data.review_completion_pct, 0)} of incidents reviewed`,
          );
          patternTable.update(entry.data.patterns || []);
        } else {
          const why = entry ? `Evolution status unavailable: ${entry.error.message}` : "Loading evolution status…";
          reviewTable.message(emptyState(why));
          patternTable.message(emptyState(why));
        }
        actions.showEntry(entry, (e) => {
          const a = e.actions;
          const v = e.improvement_velocity;
          if (!a.total) {
            return emptyState(
              "No action item yet: reviews extract them from each resolved incident.",
              `Completion target ${pctValue(a.completion_target_pct, 0)}.`,
            );
          }
          return h(
            "div",
            {},
            bar((a.completion_rate_pct ?? 0) / 100, {
              caption: `Completed (target ${pctValue(a.completion_target_pct, 0)})`,
              text: pctValue(a.completion_rate_pct, 0),
              tone: completionTone(a.completion_rate_pct, a.completion_target_pct),
            }),
            stats([
              { label: "Open", value: num(a.open) },
              { label: "Completed", value: num(a.completed) },
              { label: "Overdue", value: num(a.overdue) },
              { label: `Velocity ${v.quarter}`, value: num(v.completed), note: `target ${num(v.target)} per quarter` },
            ]),
            h(
              "p",
              {},
              "Completion ",
              targetBadge(a.meets_completion_target),
              " Velocity ",
              targetBadge(v.meets_target),
            ),
          );
        });
        recurrence.showEntry(entry, (e) => {
          const r = e.recurrence;
          if (!r.incidents)
            return emptyState(
              "No reviewed incident yet, so no recurrence rate.",
              `Target: under ${pctValue(r.target_pct, 0)}.`,
            );
          return h(
            "div",
            {},
            stats([
              { label: "Recurrence rate", value: pctValue(r.rate_pct), note: `target < ${pctValue(r.target_pct, 0)}` },
              { label: "Incidents reviewed", value: num(r.incidents) },
            ]),
            targetBadge(r.meets_target),
          );
        });
        knowledge.showEntry(entry, (e) => {
          const count = e.knowledge_base.entries;
          return count
            ? h(
                "div",
                {},
                stats([{ label: "Entries", value: num(count), note: "one per reviewed incident" }]),
                h(
                  "p",
                  { class: "muted kb-note" },
                  "Each review adds what was learned; the API exposes the count only.",
                ),
              )
            : emptyState("The knowledge base is empty: every review adds an entry.");
        });
      },
    };
  },
};
