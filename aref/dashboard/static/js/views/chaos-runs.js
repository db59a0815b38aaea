// The Chaos view's record of experiment runs: what the runner measured and whether each hypothesis held.

import { badge, targetBadge } from "../components/badge.js";
import { emptyState } from "../components/empty.js";
import { panel } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h } from "../dom.js";
import { dateTime, duration } from "../format.js";

function verdict(run) {
  const expectations = run.expectations || [];
  const held = expectations.filter((e) => e.passed).length;
  return h(
    "div",
    { class: "run-verdict" },
    targetBadge(run.passed, "Hypothesis held", "Hypothesis failed"),
    h("small", { class: "muted" }, ` ${held} of ${expectations.length} expectations`),
  );
}

function expectationList(run) {
  const expectations = run.expectations || [];
  if (!expectations.length) return h("span", { class: "muted" }, "none stated");
  return h(
    "details",
    {},
    h("summary", {}, "each expectation"),
    h(
      "ul",
      { class: "expectation-list" },
      expectations.map((e) =>
        h("li", {}, e.passed ? badge("held", "ok") : badge("failed", "crit"), ` ${e.expected}: ${e.detail}`),
      ),
    ),
  );
}

/** runsPanel() -> { el, update(entry) } for the store entry of GET /api/aref/chaos/runs. */
export function runsPanel() {
  const runs = panel({
    title: "Experiment runs",
    id: "runs",
    span: "all",
    flush: true,
    note: "recorded by the experiment runner (python -m chaos.runner_main)",
  });
  const runTable = table({
    label: "Experiment runs, newest first",
    key: (r) => r.id,
    rowAttrs: (r) => ({ "data-run": r.id }),
    columns: [
      { label: "Started", render: (r) => dateTime(r.started_at), className: "nowrap" },
      {
        label: "Experiment",
        render: (r) => h("div", {}, h("strong", {}, r.experiment), h("div", { class: "muted" }, r.target)),
      },
      { label: "Verdict", render: verdict },
      { label: "MTTD", render: (r) => duration(r.mttd_s), num: true },
      {
        label: "Mitigated after",
        render: (r) =>
          h(
            "div",
            {},
            duration(r.time_to_mitigate_s),
            r.mitigation ? h("div", { class: "muted mono" }, r.mitigation) : null,
          ),
        num: true,
      },
      { label: "MTTR", render: (r) => duration(r.mttr_s), num: true },
      { label: "Expectations", render: expectationList },
      { label: "Chain", render: (r) => chainLink(r.correlation_id) },
    ],
    empty: () =>
      emptyState(
        "No experiment run recorded yet.",
        "Runs started with the experiment runner are recorded here with their measured MTTD, MTTR and verdicts; the Run buttons above inject the fault only.",
      ),
  });
  runs.body.append(runTable.el);
  return {
    el: runs.el,
    update(entry) {
      if (entry && entry.data) {
        runTable.update(entry.data.runs || []);
        runs.setNote(
          entry.error ? `⚠ ${entry.error.message}` : "recorded by the experiment runner (python -m chaos.runner_main)",
        );
      } else {
        runTable.message(
          emptyState(entry ? `Experiment runs unavailable: ${entry.error.message}` : "Loading experiment runs…"),
        );
      }
    },
  };
}
