// Display rules shared by every page: one place for rates, durations and the
// block-rate levels (red above 20%, yellow above 10%, always with the number).

export type Level = "bad" | "warn" | "ok";

/** Block rate level: red above 20%, yellow above 10%. */
export function blockRateLevel(rate: number | null | undefined): Level {
  if (rate == null) return "ok";
  if (rate > 0.2) return "bad";
  if (rate > 0.1) return "warn";
  return "ok";
}

export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate == null || Number.isNaN(rate)) return "–";
  return `${(rate * 100).toFixed(digits)}%`;
}

export function num(value: number | null | undefined, digits = 0): string {
  if (value == null || Number.isNaN(Number(value))) return "–";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** 0.4 s, 12 s, 3 min 5 s, 2 h 10 min */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || Number.isNaN(seconds)) return "–";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function dateTime(value: string | null | undefined): string {
  if (!value) return "–";
  const d = new Date(value);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

/** Today's date in Europe/Berlin, the calendar the nightly runs are dated in. */
export function berlinToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
