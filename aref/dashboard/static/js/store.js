// The polling store: fetches the resources the page needs every 2 s and tells subscribers.
//
// `status` and `services` are always polled (the status bar, the nav counts and the telemetry
// history behind every chart need them); the current view adds its own resources with `want`.
// Each resource keeps its last good data when a poll fails, with the error beside it, and a
// `version` that only moves when the data changed, so views redraw only what changed.
// `reachable` is false while the API cannot be reached at all (the app shows a banner).

import { api } from "./api.js";
import { signature } from "./dom.js";

export const POLL_MS = 2000;
const ALWAYS = { status: "status", services: "services" };
const HISTORY_LIMIT = 180; // samples kept per chart: 6 minutes at one sample per 2 s

export class Store {
  constructor({ interval = POLL_MS, client = api } = {}) {
    this.interval = interval;
    this.client = client;
    this.wanted = { ...ALWAYS };
    this.entries = new Map(); // key -> { path, data, error, at, version, sig }
    this.subscribers = new Set();
    this.reachable = null; // null until the first poll answers
    this.lastOk = null;
    this.lastError = null;
    this.history = { rows: [], services: [], version: 0 };
    this.lastSample = new Map(); // service -> telemetry
    this.config = null; // GET /ui/config: { ray_dashboard_url, tick_seconds }
    this.timer = null;
    this.running = null;
    this.again = false;
  }

  start() {
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.loop();
    });
    this.loop();
  }

  /** Poll every `interval` ms while the page is visible; a hidden tab costs the API nothing. */
  async loop() {
    clearTimeout(this.timer);
    if (document.hidden) return;
    await this.refresh();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), this.interval);
  }

  /** The resources of the current view: { key: "path?query" }. */
  want(resources) {
    this.wanted = { ...ALWAYS, ...resources };
    return this.refresh();
  }

  /** The entry of `key`, or undefined while its current path has not answered yet. */
  get(key) {
    const entry = this.entries.get(key);
    return entry && entry.path === this.wanted[key] ? entry : undefined;
  }

  data(key) {
    const entry = this.get(key);
    return entry ? entry.data : undefined;
  }

  subscribe(fn) {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Poll now; concurrent calls share one poll and queue at most one more. */
  refresh() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pollOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
    return this.running;
  }

  async pollOnce() {
    if (!this.config) this.config = await this.client.config().catch(() => null);
    const wanted = Object.entries(this.wanted);
    const results = await Promise.allSettled(wanted.map(([, path]) => this.client.get(path)));
    const now = Date.now() / 1000;
    let unreachable = null;
    results.forEach((result, i) => {
      const [key, path] = wanted[i];
      const previous = this.entries.get(key);
      const old = previous && previous.path === path ? previous : null;
      if (result.status === "fulfilled") {
        const sig = signature(result.value);
        const changed = !old || old.sig !== sig || old.data === undefined;
        this.entries.set(key, {
          path,
          data: result.value,
          error: null,
          at: now,
          sig,
          version: changed ? (old ? old.version + 1 : 1) : old.version,
        });
      } else {
        const error = result.reason;
        if (error && error.network) unreachable = error;
        this.entries.set(key, {
          path,
          data: old ? old.data : undefined,
          error,
          at: old ? old.at : null,
          sig: old ? old.sig : "",
          version: (old ? old.version : 0) + 1,
        });
      }
    });
    this.reachable = unreachable === null;
    this.lastError = unreachable;
    if (this.reachable) this.lastOk = now;
    const services = this.get("services");
    if (services && !services.error) this.record(services.data);
    for (const fn of this.subscribers) {
      try {
        fn(this);
      } catch (err) {
        console.error("a view failed to update", err);
      }
    }
  }

  /** Requests per second of a service's latest sample (null before /ui/config answered). */
  rate(service) {
    const sample = this.lastSample.get(service);
    return sample && this.config ? sample.requests / this.config.tick_seconds : null;
  }

  /** Append the services' new telemetry samples to the shared history (one row per new sample time). */
  record(view) {
    const row = { at: null, values: {} };
    for (const service of view.services || []) {
      const sample = service.telemetry;
      if (!sample) continue;
      const prev = this.lastSample.get(service.name);
      if (prev && prev.at >= sample.at) continue;
      const tick = this.config ? this.config.tick_seconds : null;
      row.at = Math.max(row.at ?? 0, sample.at);
      row.values[service.name] = {
        error_rate: sample.error_rate,
        latency_p50_ms: sample.latency_p50_ms,
        latency_p99_ms: sample.latency_p99_ms,
        requests: sample.requests,
        rps: tick ? sample.requests / tick : null, // a sample covers one tick
      };
      this.lastSample.set(service.name, sample);
    }
    this.history.services = (view.services || []).map((s) => s.name);
    if (row.at === null) return;
    this.history.rows.push(row);
    this.history.version += 1;
    if (this.history.rows.length > HISTORY_LIMIT) this.history.rows.shift();
  }

  /** uPlot data for one metric: [times, series per service] (null where a service had no new sample). */
  series(metric, services = this.history.services) {
    const rows = this.history.rows;
    const times = rows.map((r) => r.at);
    const lines = services.map((name) => rows.map((r) => (r.values[name] ? r.values[name][metric] : null)));
    return [times, ...lines];
  }
}
