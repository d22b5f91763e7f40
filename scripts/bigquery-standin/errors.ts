// STAND-IN, NOT BIGQUERY: the errors of the stand-in, in the shapes Google's APIs answer with.

/** An error as BigQuery reports it, e.g. { status: 403, reason: "quotaExceeded", message: "..." }. */
export interface StandInError {
  status: number;
  reason: string;
  message: string;
}

export const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Thrown by the parts; the server answers it with its status in the API's error shape. */
export class HttpError extends Error {
  constructor(readonly error: StandInError) {
    super(error.message);
  }
}

/** BigQuery's 400 for a query it cannot run. */
export function invalidQuery(message: string): HttpError {
  return new HttpError({ status: 400, reason: "invalidQuery", message });
}

/** BigQuery's 404. */
export function notFound(message: string): HttpError {
  return new HttpError({ status: 404, reason: "notFound", message });
}
