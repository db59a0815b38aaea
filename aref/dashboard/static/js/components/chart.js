// Time-series charts drawn by uPlot (vendored, MIT); this module only configures it.
//
// A chart keeps one uPlot instance, feeds it new data with setData, follows its container's width,
// and says in words why it is empty and what the latest values are (for screen readers and tests).

import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { h } from "../dom.js";
import { emptyState } from "./empty.js";

const PALETTE = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5"];
const MIN_SPAN_S = 60; // the time axis always shows at least the last minute

function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function lastValue(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i];
  return null;
}

/** The x range from the data itself: at least the last MIN_SPAN_S seconds, whatever uPlot pads to. */
function timeRange(u) {
  const times = u.data[0];
  const last = times[times.length - 1];
  return [Math.min(times[0], last - MIN_SPAN_S), last];
}

/**
 * timeChart({ title, labels, format, floor, height, empty }) -> { el, update(data), destroy() }.
 * `data` is uPlot's [times (POSIX s), ...one array per label]; `floor`: the y axis shows at least 0..floor.
 */
export function timeChart({ title, labels, format = String, floor = 1, height = 190, empty }) {
  const host = h("div", { class: "chart-canvas", role: "img", "aria-label": title });
  const emptyEl = h("div", { class: "chart-empty" }, emptyState(empty || "No samples yet."));
  const el = h("figure", { class: "chart" }, h("figcaption", { class: "chart-title" }, title), host, emptyEl);
  let plot = null;
  let shape = "";
  let data = null;
  let names = labels;

  function options(width) {
    const grid = cssVar("--c-border", "#dde2e9");
    const text = cssVar("--c-text-2", "#4a5465");
    return {
      width,
      height,
      series: [
        {},
        ...names.map((name, i) => ({
          label: name,
          stroke: cssVar(PALETTE[i % PALETTE.length], "#3056d3"),
          width: 2,
          spanGaps: true,
          points: { size: 4 },
          value: (u, v) => (v === null || v === undefined ? "—" : format(v)),
        })),
      ],
      scales: {
        x: { time: true, range: timeRange },
        y: { range: (u, min, max) => [0, Math.max(floor, (max ?? 0) * 1.1)] },
      },
      axes: [
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 64,
          values: (u, ticks) => ticks.map(format),
        },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: false },
    };
  }

  function describe() {
    const parts = names.map((name, i) => `${name} ${format(lastValue(data[i + 1]) ?? 0)}`);
    host.setAttribute("aria-label", `${title}. Latest: ${parts.join(", ")}.`);
  }

  function draw() {
    const hasData = data && data[0].length > 0;
    el.dataset.points = String(data ? data[0].length : 0);
    host.hidden = !hasData;
    emptyEl.hidden = hasData;
    if (!hasData) return;
    describe();
    const width = Math.floor(el.clientWidth);
    if (!width) return;
    const nextShape = names.join("|");
    if (plot && nextShape !== shape) {
      plot.destroy();
      plot = null;
    }
    if (!plot) {
      shape = nextShape;
      plot = new uPlot(options(width), data, host);
    } else {
      plot.setData(data);
    }
  }

  const observer = new ResizeObserver(() => {
    const width = Math.floor(el.clientWidth);
    if (plot && width && plot.width !== width) plot.setSize({ width, height });
    else if (!plot) draw();
  });
  observer.observe(el);

  return {
    el,
    update(nextData, nextLabels = names) {
      data = nextData;
      names = nextLabels;
      draw();
    },
    destroy() {
      observer.disconnect();
      if (plot) plot.destroy();
      plot = null;
    },
  };
}
