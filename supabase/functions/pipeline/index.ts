declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

import { authFromEnv } from "../_shared/auth.ts";
import { workerCpuBudgetMs } from "../_shared/budget.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { createPipelineHandler } from "./handler.ts";
import { runPipelineWork } from "./worker.ts";

const { sql } = databaseFromEnv(Deno.env.toObject(), 5);
const cpuBudgetMs = workerCpuBudgetMs(Deno.env.toObject());
Deno.serve(createPipelineHandler({
  sql,
  auth: authFromEnv(Deno.env.toObject()),
  work: () => runPipelineWork(sql, { worker: `pipeline:${crypto.randomUUID().slice(0, 8)}`, cpuBudgetMs }),
  background: (promise) => EdgeRuntime.waitUntil(promise),
}));
