import { connectDb } from "../_shared/db.ts";
import { JobEvents } from "../_shared/job-events.ts";
import { createJobsHandler } from "./handler.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!, { max: 25 });
Deno.serve(createJobsHandler({
  sql,
  events: new JobEvents(sql),
  jwtSecret: Deno.env.get("OPS_JWT_SECRET") ?? Deno.env.get("SUPABASE_JWT_SECRET")!,
  stream: { maxDurationMs: Number(Deno.env.get("JOBS_STREAM_MAX_MS") ?? 120_000) },
}));
