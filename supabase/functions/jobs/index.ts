import { authFromEnv } from "../_shared/auth.ts";
import { connectDb } from "../_shared/db.ts";
import { JobEvents } from "../_shared/job-events.ts";
import { createJobsHandler } from "./handler.ts";
import { streamTokenKey } from "./stream-token.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!, { max: 25 });
Deno.serve(createJobsHandler({
  sql,
  events: new JobEvents(sql),
  auth: authFromEnv(Deno.env.toObject()),
  streamTokenKey: streamTokenKey(Deno.env.get("OPS_STREAM_TOKEN_SECRET")),
  stream: { maxDurationMs: Number(Deno.env.get("JOBS_STREAM_MAX_MS") ?? 120_000) },
}));
