// The BI mirror's API:
//   POST /mirror   {"action": "export", "days"?, "dry_run"?}   export now (operator or service);
//                  pg_cron's 07:45 Berlin dispatch adds {"trigger": "schedule", "schedule", "local_date"}.
//                  200 with the export record (or, for a dry run, the rows it would write);
//                  422 when a row violates schema v1 (nothing written), 502 when the target failed;
//                  both failures are recorded in ops.mirror_runs and repaired by re-running.
//   POST /mirror   {"job_id": N, "type": "mirror"} or {"action": "work"}   (service role: SQL's
//                  wake-ups of a new mirror job and of the sweeper): runs queued mirror jobs in the
//                  background, 202.
//   GET  /mirror   (also /mirror/status) the configured target, freshness and the last exports (viewer).
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import { asCaller, type Sql } from "../_shared/db.ts";
import { errorBody, json } from "../_shared/http.ts";
import { runExport } from "../_shared/mirror/export.ts";
import { MirrorRowError } from "../_shared/mirror/normalize.ts";
import type { MirrorTargetSource } from "../_shared/mirror/target.ts";
import { Router } from "../_shared/router.ts";
import { calendarDate, countText } from "../_shared/fields.ts";
import { parseInput, readJsonBody } from "../_shared/validation.ts";

export interface MirrorDeps {
  sql: Sql;
  auth: Auth;
  /** Where exports go (see _shared/mirror/target.ts: BigQuery when configured, else local). */
  targets: MirrorTargetSource;
  /** Runs queued mirror jobs; index.ts wires it to runMirrorJobs. */
  work: (trigger: string) => Promise<unknown>;
  /** Hands background work to the runtime (EdgeRuntime.waitUntil when hosted). */
  background: (promise: Promise<unknown>) => void;
  /** The function's log (Supabase shows console output per invocation). Default console.log. */
  log?: (line: string) => void;
}

/** A dry run answers with at most this many rows (and says when it left some out). */
export const DRY_RUN_MAX_ROWS = 5000;

const trigger = z.string().regex(/^[a-z][a-z0-9_:-]{0,39}$/);

const exportBody = z.object({
  action: z.literal("export"),
  days: z.number().int().min(1).max(400).default(3),
  dry_run: z.boolean().default(false),
  trigger: trigger.optional(),
  // what pg_cron's fire_schedule adds
  schedule: z.string().max(60).optional(),
  local_date: calendarDate.optional(),
}).strict();

const workBody = z.union([
  z.object({ job_id: z.number().int().positive(), type: z.literal("mirror").optional() }).strict(),
  z.object({ action: z.literal("work"), trigger: trigger.optional() }).strict(),
]);

const statusQuery = z.object({
  limit: countText(1, 200).default(20),
}).strict();

export function createMirrorHandler(deps: MirrorDeps) {
  const { sql, auth, targets } = deps;
  const logLine = deps.log ?? ((line: string) => console.log(line));

  async function exportNow(caller: Caller, input: z.infer<typeof exportBody>): Promise<Response> {
    const triggerName = input.trigger ?? (input.schedule ? "schedule" : "api");
    const outcome = await runExport(sql, targets.create(), {
      days: input.days,
      dryRun: input.dry_run,
      trigger: triggerName,
      log: (level, message) => logLine(`mirror ${level} [${caller.actor}] ${message}`),
    }).catch((error) => {
      // A dry run records nothing: a schema violation is still a 422 naming row and field.
      if (error instanceof MirrorRowError) return error;
      throw error;
    });
    if (outcome instanceof MirrorRowError) {
      return json({ ...invalidRows(outcome), dry_run: true }, 422);
    }
    if (outcome.dryRun) {
      return json({
        dry_run: true,
        target: outcome.target,
        destination: targets.describe,
        date_from: outcome.dateFrom,
        date_to: outcome.dateTo,
        rows_read: outcome.rowsRead,
        watermark: outcome.watermark,
        rows: outcome.rows.slice(0, DRY_RUN_MAX_ROWS),
        rows_truncated: outcome.rows.length > DRY_RUN_MAX_ROWS,
      });
    }
    const { run, error } = outcome;
    if (!error) return json({ export: run });
    if (error instanceof MirrorRowError) return json({ ...invalidRows(error), export: run }, 422);
    return json({ ...errorBody("export_failed", run.error ?? error.message), export: run }, 502);
  }

  const router = new Router<{ caller: Caller }>("mirror")
    .on("POST", "/", async ({ caller, request }) => {
      // An export needs an operator, a work request the service role: the body says which, so the
      // lesser role is checked before the body is read and the greater one after.
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const { data } = await readJsonBody(request, 16_384);
      if (isObject(data) && (data.action === "work" || "job_id" in data)) {
        const deniedWork = requireRole(caller, "service");
        if (deniedWork) return deniedWork;
        const input = parseInput(workBody, data);
        const via = "job_id" in input ? `job ${input.job_id}` : input.trigger ?? "dispatch";
        deps.background(deps.work(via));
        return json({ accepted: true }, 202);
      }
      return await exportNow(caller, parseInput(exportBody, data));
    });

  for (const path of ["/", "/status"]) {
    router.on("GET", path, async ({ caller, query }) => {
      // As the caller: RLS and grants decide (viewers read ops.mirror_runs and the freshness view).
      const { freshness, exports } = await asCaller(sql, caller.claims, async (tx) => {
        const [freshness] = await tx`select to_jsonb(f) as row from ops.mirror_freshness_v f`;
        const exports = await tx`
          select to_jsonb(m) as row from ops.mirror_runs m order by m.started_at desc, m.id desc limit ${query.limit}`;
        return { freshness: freshness?.row ?? null, exports: exports.map((e) => e.row) };
      });
      return json({ target: targets.kind, destination: targets.describe, freshness, exports });
    }, statusQuery);
  }

  return apiHandler({ router, auth });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalidRows(error: MirrorRowError) {
  return errorBody("invalid_rows", `nothing written: ${error.message}`, {
    details: { issues: error.issues.slice(0, 100) },
  });
}
