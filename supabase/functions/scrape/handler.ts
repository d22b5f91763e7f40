// The scrape function's HTTP entry (service role only):
//   POST /scrape  {"action": "work", "trigger"?, "pipeline_id"?, "job_id"?, "type"?, "budget_ms"?}
// answers 202 at once and runs a scrape worker in the background. The body is
// what SQL's wake-ups send through ops.dispatch: a new runnable job
// ({"job_id", "type"}, trigger jobs_wake_worker) and ops.wake ({"action":
// "work", "trigger": "sweeper" | "continue"}). The worker claims any runnable
// scrape job; job_id and pipeline_id only say who woke it.
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import { json } from "../_shared/http.ts";
import { Router } from "../_shared/router.ts";
import { parseBody } from "../_shared/validation.ts";
import type { ScrapeWorkerReport } from "./worker.ts";

export interface ScrapeDeps {
  auth: Auth;
  /** Runs a worker with this budget (ms); the index wires it to runScrapeWorker. */
  work: (options: { budgetMs?: number; trigger: string }) => Promise<ScrapeWorkerReport>;
  /** Hands background work to the runtime (EdgeRuntime.waitUntil when hosted). */
  background: (promise: Promise<unknown>) => void;
}

const workBody = z.object({
  action: z.literal("work").default("work"),
  trigger: z.string().max(40).optional(),
  pipeline_id: z.number().int().positive().optional(),
  job_id: z.number().int().positive().optional(),
  type: z.literal("scrape").optional(),
  /** Time budget of this invocation in ms; default from the function's config (100 s). */
  budget_ms: z.number().int().min(500).max(400_000).optional(),
}).strict();

export function createScrapeHandler(deps: ScrapeDeps) {
  const router = new Router<{ caller: Caller }>("scrape")
    .on("POST", "/", async ({ caller, request }) => {
      const denied = requireRole(caller, "service");
      if (denied) return denied;
      const input = await parseBody(request, workBody);
      const trigger = input.trigger ??
        (input.pipeline_id ? `pipeline:${input.pipeline_id}` : input.job_id ? `job:${input.job_id}` : "dispatch");
      deps.background(deps.work({ budgetMs: input.budget_ms, trigger }));
      return json({ accepted: true, trigger }, 202);
    });
  return apiHandler({ router, auth: deps.auth });
}
