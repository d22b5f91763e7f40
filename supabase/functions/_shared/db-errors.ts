// SQL errors raised by ops.* functions, mapped to HTTP. The SQLSTATEs are the
// contract between the SQL write API and the functions:
//   42501  insufficient privilege                          -> 403
//   P0400  invalid argument                                -> 400
//   P0404  unknown job, job type, source or portal         -> 404
//   P0409  an exclusive job type is busy (DETAIL: the job) -> 409
//   P0413  batch over the SQL limit                        -> 413
//   P0419  the job already finished                        -> 409
//   P0423  the job is held by another worker               -> 409
//   22023, 22P02, 23514, 23502  invalid value              -> 400
// DETAIL, when JSON, is returned as `details`.
import { errorResponse } from "./http.ts";

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

const STATUS_BY_CODE: Record<string, [number, string]> = {
  "42501": [403, "forbidden"],
  "P0400": [400, "invalid_input"],
  "P0404": [404, "not_found"],
  "P0409": [409, "conflict"],
  "P0413": [413, "payload_too_large"],
  "P0419": [409, "job_finished"],
  "P0423": [409, "job_not_owned"],
  "22023": [400, "invalid_input"],
  "22P02": [400, "invalid_input"],
  "23514": [400, "invalid_input"],
  "23502": [400, "invalid_input"],
};

/** The HTTP answer for a known SQL error, or null for an unexpected one (let it be a 500). */
export function sqlErrorResponse(error: unknown): Response | null {
  const pg = error as PgError;
  const mapped = pg?.code ? STATUS_BY_CODE[pg.code] : undefined;
  if (!mapped) return null;
  let details: Record<string, unknown> = {};
  if (pg.detail) {
    try {
      details = { details: JSON.parse(pg.detail) };
    } catch {
      details = { details: pg.detail };
    }
  }
  return errorResponse(mapped[0], mapped[1], pg.message ?? mapped[1], details);
}
