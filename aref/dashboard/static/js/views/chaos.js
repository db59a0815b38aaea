// Chaos: the kill switch, live progress of active faults, the experiment list with "run", an ad-hoc
// fault form within the safety bounds, and the faults rolled back recently.

import { badge } from "../components/badge.js";
import { bar } from "../components/bar.js";
import { emptyState } from "../components/empty.js";
import { panel, viewHeader } from "../components/panel.js";
import { table } from "../components/table.js";
import { chainLink, h, replace, signature } from "../dom.js";
import { clock, duration, label, ms, pct } from "../format.js";
import { runsPanel } from "./chaos-runs.js";

const FAULT_TYPES = ["error", "latency", "timeout", "crash"];
const RUNS_SHOWN = 20;

function faultText(f) {
  const delay = f.fault_type === "latency" || f.fault_type === "timeout" ? ` +${ms(f.delay_ms)}` : "";
  return `${f.fault_type} ${pct(f.rate, 0)}${delay} for ${duration(f.duration_s)}`;
}

function field(id, text, control, hint = null) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, text),
    control,
    hint ? h("small", { class: "muted" }, hint) : null,
  );
}

function faultForm(ctx) {
  const service = h("select", { id: "fault-service", required: true });
  const type = h(
    "select",
    { id: "fault-type" },
    FAULT_TYPES.map((t) => h("option", { value: t }, label(t))),
  );
  const rate = h("input", {
    id: "fault-rate",
    type: "number",
    min: 0.01,
    max: 0.9,
    step: 0.01,
    value: "0.5",
    required: true,
  });
  const seconds = h("input", {
    id: "fault-duration",
    type: "number",
    min: 1,
    max: 300,
    step: 1,
    value: "60",
    required: true,
  });
  const delay = h("input", { id: "fault-delay", type: "number", min: 0, step: 50, placeholder: "default" });
  const submit = h("button", { type: "submit", class: "btn" }, "Inject fault");
  const form = h(
    "form",
    {
      class: "form-row fault-form",
      "aria-label": "Inject an ad-hoc fault",
      onsubmit: (e) => {
        e.preventDefault();
        const body = {
          service: service.value,
          fault_type: type.value,
          rate: Number(rate.value),
          duration_s: Number(seconds.value),
        };
        if (delay.value !== "") body.delay_ms = Number(delay.value);
        ctx.act("Inject fault", () => ctx.api.post("chaos/start", body), {
          button: submit,
          success: (f) => `Fault ${f.fault_id} injected on ${f.service}`,
        });
      },
    },
    field("fault-service", "Service", service),
    field("fault-type", "Fault", type),
    field("fault-rate", "Rate (≤ 0.9)", rate),
    field("fault-duration", "Duration s (≤ 300)", seconds),
    field("fault-delay", "Delay ms", delay, "latency/timeout only"),
    submit,
  );
  let known = "";
  return {
    el: form,
    sync(services) {
      const names = services.map((s) => s.name);
      if (names.join() === known) return;
      known = names.join();
      const chosen = service.value;
      replace(
        service,
        names.map((n) => h("option", { value: n }, n)),
      );
      if (names.includes(chosen)) service.value = chosen;
    },
  };
}

export default {
  id: "chaos",
  title: "Chaos",
  resources() {
    return { experiments: "chaos/experiments", chaos: "chaos/status", runs: `chaos/runs?limit=${RUNS_SHOWN}` };
  },
  mount(root, ctx) {
    const stopButton = h(
      "button",
      {
        type: "button",
        class: "btn btn-danger kill-switch",
        id: "stop-all",
        onclick: (e) =>
          ctx.act("Stop all faults", () => ctx.api.post("chaos/stop"), {
            button: e.currentTarget,
            success: (r) =>
              r.stopped.length ? `Stopped ${r.stopped.length} fault(s); rolled back` : "No fault was active",
          }),
      },
      "■ Stop all faults",
    );
    const killNote = h("p", { class: "kill-note" });
    const kill = panel({ title: "Kill switch", id: "kill-switch", span: "all" });
    kill.body.append(h("div", { class: "kill-row" }, stopButton, killNote));

    const active = panel({ title: "Active faults", id: "active-faults", span: "all", flush: true });
    const activeTable = table({
      label: "Active faults",
      key: (f) => f.fault_id,
      rowAttrs: (f) => ({ "data-fault": f.fault_id, "data-service": f.service }),
      sig: (f) => signature({ ...f, remaining_s: null }), // the countdown redraws alone (live column)
      columns: [
        { label: "Fault", render: (f) => h("span", { class: "mono" }, f.fault_id) },
        { label: "Target", render: (f) => f.service },
        { label: "What", render: faultText },
        { label: "Experiment", render: (f) => f.experiment || h("span", { class: "muted" }, "ad hoc") },
        {
          label: "Progress",
          className: "progress-cell",
          live: true,
          render: (f) =>
            bar((f.duration_s - f.remaining_s) / f.duration_s, {
              text: `${duration(f.remaining_s)} left`,
              caption: `until ${clock(f.expires_at)}`,
              tone: "warn",
            }),
        },
        { label: "Chain", render: (f) => chainLink(f.correlation_id) },
        {
          label: "Stop",
          render: (f) =>
            h(
              "button",
              {
                type: "button",
                class: "btn btn-small",
                "aria-label": `Stop fault ${f.fault_id} on ${f.service}`,
                onclick: (e) =>
                  ctx.act(`Stop ${f.fault_id}`, () => ctx.api.post(`chaos/stop/${encodeURIComponent(f.fault_id)}`), {
                    button: e.currentTarget,
                    success: (r) => `Fault ${r.fault_id} on ${r.service} rolled back`,
                  }),
              },
              "Stop",
            ),
        },
      ],
      empty: () =>
        emptyState(
          "No fault active: the system runs without injected failures.",
          "Run an experiment below to start one.",
        ),
    });
    active.body.append(activeTable.el);

    const experiments = panel({ title: "Experiments", id: "experiments", span: "all", flush: true });
    const experimentTable = table({
      label: "Chaos experiments",
      key: (x) => x.name,
      rowAttrs: (x) => ({ "data-experiment": x.name }),
      columns: [
        {
          label: "Experiment",
          render: (x) => h("div", {}, h("strong", {}, x.name), h("p", { class: "muted x-desc" }, x.description)),
        },
        { label: "Hypothesis", render: (x) => x.hypothesis },
        { label: "Target", render: (x) => x.service },
        { label: "Fault", render: faultText },
        { label: "Status", render: (x) => (x.running ? badge("Running", "warn", "⚡") : badge("Idle", "muted", "○")) },
        {
          label: "Run",
          render: (x) =>
            h(
              "button",
              {
                type: "button",
                class: "btn btn-primary btn-small",
                disabled: x.running,
                "aria-label": `Run experiment ${x.name}`,
                onclick: (e) =>
                  ctx.act(`Run ${x.name}`, () => ctx.api.post("chaos/start", { experiment: x.name }), {
                    button: e.currentTarget,
                    success: (f) => `${x.name} started: fault ${f.fault_id} on ${f.service}`,
                  }),
              },
              x.running ? "Running" : "Run",
            ),
        },
      ],
      empty: () => emptyState("No experiment registered."),
    });
    experiments.body.append(experimentTable.el);

    const adhoc = panel({
      title: "Ad-hoc fault",
      id: "adhoc",
      span: "all",
      note: "safety bounds: rate ≤ 90 %, duration ≤ 300 s, automatic rollback",
    });
    const form = faultForm(ctx);
    adhoc.body.append(form.el);

    const runs = runsPanel();
    const recent = panel({ title: "Rolled back recently", id: "recent-faults", span: "all", flush: true });
    const recentTable = table({
      label: "Faults rolled back, newest first",
      key: (f) => f.fault_id,
      columns: [
        { label: "Fault", render: (f) => h("span", { class: "mono" }, f.fault_id) },
        { label: "Target", render: (f) => f.service },
        { label: "What", render: faultText },
        { label: "Experiment", render: (f) => f.experiment || "ad hoc" },
        { label: "Started", render: (f) => clock(f.started_at) },
        { label: "Ended", render: (f) => clock(f.ended_at) },
        { label: "Why it ended", render: (f) => f.end_reason || "—" },
        { label: "Chain", render: (f) => chainLink(f.correlation_id) },
      ],
      empty: () => emptyState("No fault rolled back yet."),
    });
    recent.body.append(recentTable.el);

    root.append(
      viewHeader("Chaos", "Breaks the system on purpose, within safety bounds, to measure how AREF copes."),
      h("div", { class: "grid" }, kill.el, active.el, experiments.el, runs.el, adhoc.el, recent.el),
    );

    return {
      update(store) {
        const chaos = store.get("chaos");
        if (chaos && chaos.data) {
          const n = chaos.data.active.length;
          killNote.textContent = n
            ? `${n} fault${n === 1 ? "" : "s"} active. Stopping rolls every one back at once.`
            : "No fault active. The switch rolls back every active fault at once.";
          activeTable.update(chaos.data.active);
          recentTable.update(chaos.data.recent);
        } else {
          const why = chaos ? `Chaos status unavailable: ${chaos.error.message}` : "Loading chaos status…";
          activeTable.message(emptyState(why));
          recentTable.message(emptyState(why));
        }
        const list = store.get("experiments");
        if (list && list.data) experimentTable.update(list.data.experiments);
        else
          experimentTable.message(
            emptyState(list ? `Experiments unavailable: ${list.error.message}` : "Loading experiments…"),
          );
        runs.update(store.get("runs"));
        const services = store.data("services");
        if (services) form.sync(services.services);
      },
    };
  },
};
