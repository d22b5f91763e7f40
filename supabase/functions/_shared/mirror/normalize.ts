// Validates rows read from Postgres against schema v1 and normalizes them for every target.
//
// postgres.js hands numerics and bigints over as strings (to keep precision), `date` as a JS
// Date at UTC midnight (it parses with `new Date('YYYY-MM-DD')`) or as text when the caller
// turned parsing off. All of those are accepted; anything ambiguous is rejected rather than
// guessed, because a wrong number in the mirror is worse than a failed export that names the row.

import { type Column, type NormalizedRow, SCHEMA_V1 } from "./schema.ts";

export interface RowIssue {
  /** 0-based index of the row in the input. */
  row: number;
  companyKey: string | null;
  runDate: string | null;
  field: string;
  problem: string;
}

const ISSUES_IN_MESSAGE = 5;

export class MirrorRowError extends Error {
  constructor(readonly issues: RowIssue[]) {
    const shown = issues.slice(0, ISSUES_IN_MESSAGE).map(formatIssue).join("; ");
    const more = issues.length > ISSUES_IN_MESSAGE ? ` (and ${issues.length - ISSUES_IN_MESSAGE} more)` : "";
    super(`${issues.length} invalid value(s) in mirror rows: ${shown}${more}`);
    this.name = "MirrorRowError";
  }
}

function formatIssue(issue: RowIssue): string {
  return `row ${issue.row} (company_key=${issue.companyKey ?? "?"}, run_date=${issue.runDate ?? "?"}): ` +
    `${issue.field} ${issue.problem}`;
}

/**
 * Returns the rows normalized (columns in schema order, extra input columns dropped), or throws
 * a MirrorRowError listing every invalid value. Nothing is partially returned: an export either
 * has all its rows valid or writes nothing.
 */
export function normalizeRows(rows: readonly unknown[]): NormalizedRow[] {
  const issues: RowIssue[] = [];
  const normalized = rows.map((raw, index) => {
    const out: Record<string, unknown> = {};
    if (!isRecord(raw)) {
      const problem = `must be an object, got ${preview(raw)}`;
      issues.push({ row: index, companyKey: null, runDate: null, field: "(row)", problem });
      return out as NormalizedRow;
    }
    const rowProblems: { field: string; problem: string }[] = [];
    for (const column of SCHEMA_V1) {
      const result = normalizeValue(column, raw);
      if (result.ok) out[column.name] = result.value;
      else rowProblems.push({ field: column.name, problem: result.problem });
    }
    const companyKey = typeof out.company_key === "string" ? out.company_key : labelOf(raw.company_key);
    const runDate = typeof out.run_date === "string" ? out.run_date : labelOf(raw.run_date);
    for (const p of rowProblems) issues.push({ row: index, companyKey, runDate, ...p });
    return out as NormalizedRow;
  });
  if (issues.length > 0) throw new MirrorRowError(issues);
  return normalized;
}

type Parsed = { ok: true; value: string | number | null } | { ok: false; problem: string };

function normalizeValue(column: Column, raw: Record<string, unknown>): Parsed {
  // A column absent from the input means the view and schema v1 drifted apart: fail loudly
  // instead of mirroring NULLs.
  if (!(column.name in raw)) return { ok: false, problem: "is missing from the input row" };
  const value = raw[column.name];
  if (value === null || value === undefined) {
    return column.mode === "REQUIRED"
      ? { ok: false, problem: "is required but NULL" }
      : { ok: true, value: null };
  }
  const parsed = PARSERS[column.type](value);
  if (!parsed.ok) return parsed;
  if (column.mode === "REQUIRED" && parsed.value === "") return { ok: false, problem: "must not be empty" };
  if ("allowed" in column && !(column.allowed as readonly unknown[]).includes(parsed.value)) {
    return { ok: false, problem: `must be one of ${column.allowed.join("|")}, got ${preview(value)}` };
  }
  return parsed;
}

const INTEGER_TEXT = /^-?\d+(\.0+)?$/;
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

const PARSERS: Record<Column["type"], (value: unknown) => Parsed> = {
  STRING(value) {
    return typeof value === "string"
      ? { ok: true, value }
      : { ok: false, problem: `must be a string, got ${preview(value)}` };
  },
  DATE(value) {
    if (value instanceof Date) {
      const iso = Number.isNaN(value.getTime()) ? "" : value.toISOString();
      // Not at UTC midnight means the Date came from a local-time parse or a timestamp: its
      // calendar date depends on a time zone we cannot know here.
      return iso.endsWith("T00:00:00.000Z")
        ? { ok: true, value: iso.slice(0, 10) }
        : { ok: false, problem: `must be a date at UTC midnight, got ${preview(value)}` };
    }
    const match = typeof value === "string" ? DATE_TEXT.exec(value) : null;
    if (match) {
      const [year, month, day] = match.slice(1).map(Number);
      const date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
        return { ok: true, value: value as string };
      }
    }
    return { ok: false, problem: `must be a date 'YYYY-MM-DD', got ${preview(value)}` };
  },
  INTEGER(value) {
    const number = typeof value === "number" || typeof value === "bigint"
      ? Number(value)
      : typeof value === "string" && INTEGER_TEXT.test(value)
      ? Number(value)
      : NaN;
    return Number.isSafeInteger(number)
      ? { ok: true, value: number === 0 ? 0 : number } // -0 is not an integer anyone meant
      : { ok: false, problem: `must be an integer within ±2^53, got ${preview(value)}` };
  },
  FLOAT(value) {
    const number = typeof value === "number"
      ? value
      : typeof value === "string" && DECIMAL_TEXT.test(value)
      ? Number(value)
      : typeof value === "bigint" && Number.isSafeInteger(Number(value))
      ? Number(value)
      : NaN;
    return Number.isFinite(number)
      ? { ok: true, value: number === 0 ? 0 : number }
      : { ok: false, problem: `must be a finite number, got ${preview(value)}` };
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function labelOf(value: unknown): string | null {
  return value === null || value === undefined ? null : preview(value);
}

const PREVIEW_CHARS = 40;

function preview(value: unknown): string {
  let text: string;
  if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value === undefined) text = "undefined";
  else if (typeof value === "number") text = String(value); // NaN and Infinity, which JSON spells null
  else text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
