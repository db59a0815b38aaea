// Number, time and label formatting. Every function accepts null/undefined and answers "—".

const DASH = "—";

export function isNum(x) {
  return typeof x === "number" && Number.isFinite(x);
}

export function num(x, digits = 0) {
  if (!isNum(x)) return DASH;
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A fraction (0.25) as a percentage ("25.0%"). */
export function pct(fraction, digits = 1) {
  return isNum(fraction) ? `${num(fraction * 100, digits)}%` : DASH;
}

/** A value already in percent (25) as "25.0%". */
export function pctValue(percent, digits = 1) {
  return isNum(percent) ? `${num(percent, digits)}%` : DASH;
}

export function ms(value) {
  if (!isNum(value)) return DASH;
  return value >= 1000 ? `${num(value / 1000, 2)} s` : `${num(value, value < 10 ? 1 : 0)} ms`;
}

function compound(big, bigUnit, small, smallUnit) {
  return small ? `${big} ${bigUnit} ${String(small).padStart(2, "0")} ${smallUnit}` : `${big} ${bigUnit}`;
}

/** Seconds as a short duration: "42 s", "3 m 05 s", "2 m", "2 h 10 m". */
export function duration(seconds) {
  if (!isNum(seconds)) return DASH;
  const s = Math.max(0, seconds);
  if (s < 10) return `${num(s, 1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return compound(Math.floor(s / 60), "m", Math.round(s % 60), "s");
  if (s < 86400) return compound(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "m");
  return `${num(s / 86400, 1)} d`;
}

/** POSIX seconds as local wall-clock time "14:03:27". */
export function clock(ts) {
  if (!isNum(ts)) return DASH;
  return new Date(ts * 1000).toLocaleTimeString("en-GB", { hour12: false });
}

/** POSIX seconds as "2024-05-01 14:03:27". */
export function dateTime(ts) {
  if (!isNum(ts)) return DASH;
  const d = new Date(ts * 1000);
  const day = d.toLocaleDateString("en-CA");
  return `${day} ${clock(ts)}`;
}

/** "12 s ago" relative to `now` (POSIX seconds). */
export function ago(ts, now = Date.now() / 1000) {
  if (!isNum(ts)) return DASH;
  const delta = now - ts;
  return delta < 1 ? "just now" : `${duration(delta)} ago`;
}

/** "snake_case" or "kebab-case" as "Snake case". */
export function label(text) {
  if (text === null || text === undefined || text === "") return DASH;
  const words = String(text).replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function plural(count, word, many = `${word}s`) {
  return `${num(count)} ${count === 1 ? word : many}`;
}
