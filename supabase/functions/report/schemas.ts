// Request bodies of the report function (zod v4). Limits that answer 413 are
// checked before these schemas (see handler.ts).
import { z } from "zod";
import { LOG_LEVELS, SCRAPE_COUNTERS, TERMINAL_STATUSES } from "../_shared/jobs/api.ts";
import { calendarDate } from "../_shared/validation.ts";

export const MAX_LOG_LINES = 5000;
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_ERRORS = 1000;

const jsonObject = z.record(z.string(), z.unknown());
const isoTime = z.iso.datetime({ offset: true });
const count = z.int().min(0).max(2_147_483_647);

export const metricsSchema = z.strictObject({
  ...Object.fromEntries(SCRAPE_COUNTERS.map((name) => [name, count.optional()])) as Record<
    (typeof SCRAPE_COUNTERS)[number],
    z.ZodOptional<typeof count>
  >,
  request_time_ms_total: z.number().min(0).optional(),
  breaker_triggered: z.boolean().optional(),
  portal_stats: jsonObject.optional(),
});

export const startSchema = z.strictObject({
  /** A source key starts a `scrape` job with a scrape run; without one, an `external` job. */
  source_key: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/).optional(),
  type: z.enum(["scrape", "external"]).optional(),
  worker: z.string().min(1).max(200).optional(),
  params: jsonObject.optional(),
  run_date: calendarDate.optional(),
  parent_id: z.int().positive().optional(),
}).refine((body) => body.type !== "scrape" || body.source_key, {
  message: "a scrape run needs a source_key",
  path: ["source_key"],
});

const level = z.string().transform((value) => value.toUpperCase()).pipe(z.enum(LOG_LEVELS));

export const logsSchema = z.strictObject({
  lines: z.array(z.strictObject({
    level,
    message: z.string().min(1).max(65_536),
    ts: isoTime.optional(),
    context: jsonObject.optional(),
  })).min(1).max(MAX_LOG_LINES),
});

export const errorsSchema = z.strictObject({
  errors: z.array(z.strictObject({
    message: z.string().min(1).max(10_000),
    http_status: z.int().min(100).max(599).optional(),
    url: z.string().max(4096).optional(),
    portal: z.string().max(200).optional(),
    details: jsonObject.optional(),
    category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional(),
    severity: z.enum(["low", "medium", "high", "critical"]).optional(),
    occurred_at: isoTime.optional(),
  })).min(1).max(MAX_ERRORS),
});

export const heartbeatSchema = z.strictObject({
  worker: z.string().min(1).max(200).optional(),
  progress: z.strictObject({ done: count, total: count.optional() }).optional(),
  cursor: z.unknown().optional(),
  metrics: metricsSchema.optional(),
});

export const finishSchema = z.strictObject({
  status: z.enum(TERMINAL_STATUSES),
  result: z.unknown().optional(),
  error: z.string().max(10_000).optional(),
  error_category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional(),
  metrics: metricsSchema.optional(),
  worker: z.string().min(1).max(200).optional(),
});

/** zod issues as `[{ path: "lines.3.level", message }]`. */
