// Write-API errors inside the harness: a postgres.js error from an ops.*
// function becomes a JobApiError with its HTTP status (see ../db-errors.ts).
import { parseSqlError } from "../db-errors.ts";

/** A write-API error raised by one of the ops.* SQL functions. */
export class JobApiError extends Error {
  constructor(
    readonly sqlstate: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(message);
    this.name = "JobApiError";
  }
}

/** Turns a postgres.js error from an ops.* function into a JobApiError; other errors come back unchanged. */
export function toJobApiError(error: unknown): unknown {
  const parsed = parseSqlError(error);
  if (!parsed) return error;
  const fields = Object.keys(parsed.fields).length ? { fields: parsed.fields } : {};
  return new JobApiError(parsed.sqlstate, parsed.status, parsed.code, parsed.message, { ...parsed.details, ...fields });
}

/** Awaits a database call and rethrows write-API errors as JobApiError. */
export async function mapErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toJobApiError(error);
  }
}
