// Field types of API input, shared by every function and by the report API's
// contract (which clients import too, so this file imports only zod). Ids and
// counts in a URL are canonical decimal text: no sign, no leading zero, no hex
// or exponent, no spaces, not empty. Dates exist and lie in sane years; which
// run dates a job may have is the database's rule (the run-date window).
import { z } from "zod";

/** A row id (a job id in a path, a paging cursor): a positive decimal integer below 10^15. */
export const idText = z.string()
  .regex(/^[1-9][0-9]{0,14}$/, "must be a positive decimal integer (digits only)")
  .transform(Number);

/** A positive integer in the query string (limits): canonical decimal text, then range-checked. */
export const countText = (min: number, max: number) =>
  z.string().regex(/^(0|[1-9][0-9]{0,8})$/, "must be a decimal integer (digits only)")
    .transform(Number).pipe(z.number().int().min(min).max(max));

/** Earliest and latest calendar year any date input may name. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;
const inYears = (iso: string) => {
  const year = Number(iso.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
};

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30), in the years 2000 to 2099. */
export const calendarDate = z.string().refine((d) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !inYears(d)) return false;
  const at = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(d);
}, { message: `must be an existing date YYYY-MM-DD in the years ${FIRST_YEAR} to ${LAST_YEAR}` });

/** An instant (ISO 8601 with offset) or a date, in the years 2000 to 2099. */
export const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()])
  .refine((t) => inYears(t) && !Number.isNaN(Date.parse(t)), {
    message: `must be an existing ISO 8601 date or time in the years ${FIRST_YEAR} to ${LAST_YEAR}`,
  });
