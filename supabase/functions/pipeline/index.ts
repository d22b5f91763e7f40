declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

import { authFromEnv } from "../_shared/auth.ts";
import { connectDb } from "../_shared/db.ts";
import { createPipelineHandler } from "./handler.ts";
import { runPipelineWork } from "./worker.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!);
Deno.serve(createPipelineHandler({
  sql,
  auth: authFromEnv(Deno.env.toObject()),
  work: () => runPipelineWork(sql, { worker: `pipeline:${crypto.randomUUID().slice(0, 8)}` }),
  background: (promise) => EdgeRuntime.waitUntil(promise),
}));
