declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

import { connectDb } from "../_shared/db.ts";
import { createPipelineHandler } from "./handler.ts";
import { runPipelineWork } from "./worker.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!);
Deno.serve(createPipelineHandler({
  sql,
  jwtSecret: Deno.env.get("OPS_JWT_SECRET") ?? Deno.env.get("SUPABASE_JWT_SECRET")!,
  work: () => runPipelineWork(sql, { worker: `pipeline:${crypto.randomUUID().slice(0, 8)}` }),
  background: (promise) => EdgeRuntime.waitUntil(promise),
}));
