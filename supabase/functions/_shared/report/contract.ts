// The report API's contract: the zod schemas the `report` function validates
// request bodies with, its limits, and the shapes of its answers. The typed
// client (clients/report-client) imports this very file, so the client's types
// and the function's validation cannot drift apart. Imports only zod and the
// job vocabulary and the shared field types, so it runs unchanged in Deno, Node and Bun.
import { z } from "zod";
import { calendarDate } from "../fields.ts";
import { LOG_LEVELS, SCRAPE_COUNTERS, SEVERITIES, type Severity, TERMINAL_STATUSES } from "../jobs/vocabulary.ts";

/** Lines in one POST .../logs; more is a 413 (split the batch). */
export const MAX_LOG_LINES = 5000;
/** Bytes of one request body; more is a 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Error events in one POST .../errors. */
export const MAX_ERRORS = 1000;
/** Characters of an Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY = 200;

const jsonObject = z.record(z.string(), z.unknown());
const isoTime = z.iso.datetime({ offset: true });
const count = z.int().min(0).max(2_147_483_647);
const category = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "a category is lower_snake_case (GET /report/categories)");
/** A key the report API no longer takes, with the reason in the 400 it causes. */
const removed = (reason: string) => z.never({ error: reason }).optional();

/**
 * The run's counters as RUNNING TOTALS: every heartbeat and the finish send the
 * counts since the start of the run, never increments. Sending the same totals
 * twice changes nothing (so retries are safe); a total below the stored one is
 * a 400 `counters_decreased`.
 */
export const totalsSchema = z.strictObject({
  ...Object.fromEntries(SCRAPE_COUNTERS.map((name) => [name, count.optional()])) as Record<
    (typeof SCRAPE_COUNTERS)[number],
    z.ZodOptional<typeof count>
  >,
  request_time_ms_total: z.number().min(0).optional(),
  breaker_triggered: z.boolean().optional(),
});

const metricsRemoved = removed("counters are running totals: send them as `totals` (see GET /report)");
const workerRemoved = removed("a run's worker is set once at start; heartbeat and finish name the run by its id");

export const startSchema = z.strictObject({
  /** A source key starts a `scrape` run of that source (the morning report's unit); without one, an `external` job. */
  source_key: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/).optional(),
  type: z.enum(["scrape", "external"]).optional(),
  /** Who runs it, for operators (default `external:<caller>`). */
  worker: z.string().min(1).max(200).optional(),
  params: jsonObject.optional(),
  /** The Europe/Berlin day the run belongs to (default today); at most tomorrow, at least 365 days back. */
  run_date: calendarDate.optional(),
  parent_id: z.int().positive().optional(),
}).refine((body) => body.type !== "scrape" || body.source_key, {
  message: "a scrape run needs a source_key",
  path: ["source_key"],
});

const level = z.string().transform((value) => value.toUpperCase()).pipe(z.enum(LOG_LEVELS));

export const logLineSchema = z.strictObject({
  level,
  message: z.string().min(1).max(65_536),
  ts: isoTime.optional(),
  context: jsonObject.optional(),
});

export const logsSchema = z.strictObject({
  lines: z.array(logLineSchema).min(1).max(MAX_LOG_LINES),
});

export { SEVERITIES };

export const errorEventSchema = z.strictObject({
  message: z.string().min(1).max(10_000),
  http_status: z.int().min(100).max(599).optional(),
  url: z.string().max(4096).optional(),
  portal: z.string().max(200).optional(),
  details: jsonObject.optional(),
  /** One of GET /report/categories; without it the server's rules classify by http_status and message. */
  category: category.optional(),
  /** Without it: the category's default severity (or the matching rule's). */
  severity: z.enum(SEVERITIES).optional(),
  occurred_at: isoTime.optional(),
});

export const errorsSchema = z.strictObject({
  errors: z.array(errorEventSchema).min(1).max(MAX_ERRORS),
});

export const heartbeatSchema = z.strictObject({
  progress: z.strictObject({ done: count, total: count.optional() }).optional(),
  cursor: z.unknown().optional(),
  totals: totalsSchema.optional(),
  metrics: metricsRemoved,
  worker: workerRemoved,
});

export const finishSchema = z.strictObject({
  status: z.enum(TERMINAL_STATUSES),
  result: z.unknown().optional(),
  error: z.string().max(10_000).optional(),
  /** One of GET /report/categories; without it, failed/partial runs with an error are classified by its message. */
  error_category: category.optional(),
  totals: totalsSchema.optional(),
  metrics: metricsRemoved,
  worker: workerRemoved,
});

export type Totals = z.infer<typeof totalsSchema>;
export type StartBody = z.input<typeof startSchema>;
export type LogLine = z.input<typeof logLineSchema>;
export type LogsBody = z.input<typeof logsSchema>;
export type ErrorEvent = z.input<typeof errorEventSchema>;
export type ErrorsBody = z.input<typeof errorsSchema>;
export type HeartbeatBody = Omit<z.input<typeof heartbeatSchema>, "metrics" | "worker">;
export type FinishBody = Omit<z.input<typeof finishSchema>, "metrics" | "worker">;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export type { Severity };

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/** `{"error": {...}}` of every 4xx/5xx. */
export interface ApiError {
  code: string;
  message: string;
  /** 400: each failing field (dotted path) with its messages. */
  fields?: Record<string, string[]>;
  /** Facts about the error, e.g. the stored status on a 409, `retry` on a retryable error. */
  details?: Record<string, unknown> & { retry?: RetryHint };
}

/** On every retryable error (5xx, 429) besides the Retry-After header. */
export interface RetryHint {
  after_seconds: number;
  /** Whether repeating this exact request is safe: GET, heartbeat, finish, or any request with an Idempotency-Key. */
  idempotent: boolean;
}

export interface RunJob {
  id: number;
  type: string;
  status: "pending" | "running" | TerminalStatus;
  source_key: string | null;
  run_date: string | null;
  worker: string | null;
  attempt: number;
  started_at: string | null;
  heartbeat_at: string | null;
  finished_at: string | null;
  lease_seconds: number;
  cancel_requested: boolean;
  progress: { done: number | null; total: number | null };
  result: unknown;
  error: string | null;
  error_category: string | null;
}

export type Counters = Required<Omit<Totals, "breaker_triggered">> & { breaker_triggered: boolean };

export interface RunErrorSummary {
  category: string;
  severity: Severity;
  http_status: number | null;
  message: string;
  count: number;
  last_occurrence: string;
}

/** GET /report/jobs/:id, and the answer of start and finish. */
export interface RunView {
  job: RunJob;
  /** The run's totals (null for an external job without a source). */
  counters: Counters | null;
  errors: RunErrorSummary[];
  log_count: number;
}

export interface HeartbeatAnswer {
  /** An operator asked to stop: finish with status `cancelled`. */
  cancel_requested: boolean;
  /** Anything but `running` means the run was ended (e.g. by the sweeper after a lost lease): stop. */
  status: string;
  owned: boolean;
}

export interface LogsAnswer {
  inserted: number;
  first_id: number | null;
  last_id: number | null;
}

export interface RecordedError {
  error_id: number;
  fingerprint: string;
  category: string;
  severity: Severity;
  count: number;
}

export interface Category {
  category: string;
  description: string;
  default_severity: Severity;
  is_block: boolean;
  retryable: boolean;
}
