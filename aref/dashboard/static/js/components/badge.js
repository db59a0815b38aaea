// Badges: state shown as icon + text + colour, never colour alone.

import { h } from "../dom.js";
import { label } from "../format.js";

const ICONS = { ok: "✓", warn: "▲", crit: "✖", emerg: "‼", info: "ℹ", muted: "•" };

export function badge(text, tone = "muted", icon = ICONS[tone]) {
  return h(
    "span",
    { class: `badge tone-${tone}` },
    icon ? h("span", { class: "badge-icon", "aria-hidden": "true" }, icon) : null,
    text,
  );
}

const HEALTH = { healthy: "ok", degraded: "warn", critical: "crit", down: "crit" };
const HEALTH_ICON = { down: "■" };
export function healthBadge(status) {
  const tone = HEALTH[status] || "muted";
  return badge(label(status || "unknown"), tone, HEALTH_ICON[status]);
}

const SEVERITY = { info: "info", warning: "warn", critical: "crit", emergency: "emerg" };
export function severityBadge(severity) {
  return badge(label(severity), SEVERITY[severity] || "muted");
}

const ALERT_STATE = { firing: ["crit", "●"], acknowledged: ["warn", "◑"], resolved: ["ok", "✓"] };
export function alertStateBadge(state) {
  const [tone, icon] = ALERT_STATE[state] || ["muted", "•"];
  return badge(label(state), tone, icon);
}

const BREAKER = { closed: ["ok", "✓", "Closed"], open: ["crit", "✖", "Open"], half_open: ["warn", "◐", "Half-open"] };
export function breakerBadge(state) {
  const [tone, icon, text] = BREAKER[state] || ["muted", "•", label(state)];
  return badge(text, tone, icon);
}

const TIER = { full: "ok", reduced: "warn", minimal: "crit", emergency: "emerg" };
export function tierBadge(tier) {
  if (!tier) return badge("Unknown", "muted");
  return badge(label(tier), TIER[tier] || "muted");
}

/** A yes/no verdict against a target: "✓ meets target" / "✖ misses target" / "• not measured". */
export function targetBadge(meets, yes = "Meets target", no = "Misses target", unknown = "Not measured yet") {
  if (meets === null || meets === undefined) return badge(unknown, "muted");
  return meets ? badge(yes, "ok") : badge(no, "crit");
}

const OUTCOME = {
  ok: ["ok", "✓"],
  completed: ["ok", "✓"],
  failed: ["crit", "✖"],
  error: ["crit", "✖"],
  running: ["info", "…"],
  waiting: ["warn", "⏸"],
  pending: ["muted", "○"],
  skipped: ["muted", "↷"],
};
export function outcomeBadge(outcome) {
  const [tone, icon] = OUTCOME[outcome] || ["muted", "•"];
  return badge(label(outcome || "pending"), tone, icon);
}
