declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { createScrapeHandler } from "./handler.ts";
import { runScrapeWorker } from "./worker.ts";
import { DEFAULT_WALL_BUDGET_MS, workerCpuBudgetMs } from "../_shared/budget.ts";

const { sql } = databaseFromEnv(Deno.env.toObject(), 5);
const defaultBudgetMs = Number(Deno.env.get("SCRAPE_BUDGET_MS") ?? DEFAULT_WALL_BUDGET_MS);
const cpuBudgetMs = workerCpuBudgetMs(Deno.env.toObject());
const heartbeatMs = Number(Deno.env.get("SCRAPE_HEARTBEAT_MS") ?? 1000);

Deno.serve(createScrapeHandler({
  auth: authFromEnv(Deno.env.toObject()),
  work: ({ budgetMs, trigger }) =>
    runScrapeWorker(sql, {
      worker: `scrape:${crypto.randomUUID().slice(0, 8)}`,
      budgetMs: budgetMs ?? defaultBudgetMs,
      cpuBudgetMs,
      heartbeatMs,
      trigger,
    }),
  background: (promise) => EdgeRuntime.waitUntil(promise),
}));
