// The job types an operator can start by hand, with typed parameters.
import { z } from "zod";
import { JOB_STATUSES, LOG_LEVELS } from "../_shared/jobs/api.ts";
import { calendarDate as isoDate, countText, idText } from "../_shared/fields.ts";

/** Manual backfills cover at most this many days, so that one job fits its timeout. */
export const MAX_BACKFILL_DAYS = 62;

export const startJobSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("scrape"),
    params: z.object({
      /** The source (portal) key to scrape. */
      source: z.string().min(1).max(63),
      /** Fetch and parse, but write no postings. */
      dry_run: z.boolean().default(false),
    }).strict(),
  }).strict(),
  z.object({
    type: z.literal("pipeline"),
    params: z.object({
      /** Europe/Berlin date the run is for; default today. */
      run_date: isoDate.optional(),
    }).strict().default({}),
  }).strict(),
  z.object({
    type: z.literal("mirror"),
    params: z.object({
      days: z.number().int().min(1).max(400).default(3),
      dry_run: z.boolean().default(false),
    }).strict().default({ days: 3, dry_run: false }),
  }).strict(),
  z.object({
    type: z.literal("backfill"),
    params: z.object({ from: isoDate, to: isoDate }).strict()
      .refine((p) => p.from <= p.to, { message: "from must not be after to", path: ["to"] })
      .refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 < MAX_BACKFILL_DAYS, {
        message: `a backfill covers at most ${MAX_BACKFILL_DAYS} days`,
        path: ["to"],
      }),
  }).strict(),
]);

export type StartJob = z.infer<typeof startJobSchema>;

/**
 * Each startable type's params as JSON Schema (draft 2020-12, the input side: defaults
 * make fields optional), for clients that build their forms from it. Refinements
 * (backfill's from <= to) have no JSON Schema form; the API still enforces them.
 */
export function jobParamSchemas(): { type: string; params: unknown }[] {
  return startJobSchema.options.map((option) => ({
    type: option.shape.type.value,
    params: z.toJSONSchema(option.shape.params, { io: "input", unrepresentable: "any" }),
  }));
}


export const listJobsQuery = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  source: z.string().min(1).max(63).optional(),
  root_id: idText.optional(),
  limit: countText(1, 200).default(50),
  /** Paging: only jobs with a smaller id (the previous page's next_before_id). */
  before_id: idText.optional(),
}).strict();

export const logsQuery = z.object({
  /** Minimum level: WARNING returns WARNING, ERROR and CRITICAL. */
  level: z.enum(LOG_LEVELS).optional(),
  /** Paging: only lines with a larger id (the previous page's next_after_id); absent: from the start. */
  after_id: idText.default(0),
  limit: countText(1, 1000).default(200),
  format: z.enum(["json", "text"]).default("json"),
}).strict();

/** The stream's query: a stream token (EventSource cannot send headers) and the resume cursor. */
export const streamQuery = z.object({
  token: z.string().min(1).max(4096).optional(),
  last_event_id: idText.optional(),
}).strict();

export const cancelBody = z.object({ reason: z.string().max(1000).optional() }).strict();
