import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { JobEvents } from "../_shared/job-events.ts";
import { createJobsHandler } from "./handler.ts";
import { streamTokenKey } from "./stream-token.ts";

const { sql, direct } = databaseFromEnv(Deno.env.toObject(), 8);
Deno.serve(createJobsHandler({
  sql,
  events: new JobEvents(direct), // LISTEN needs a session: never the transaction pooler
  auth: authFromEnv(Deno.env.toObject()),
  streamTokenKey: streamTokenKey(Deno.env.get("OPS_STREAM_TOKEN_SECRET")),
  stream: { maxDurationMs: Number(Deno.env.get("JOBS_STREAM_MAX_MS") ?? 120_000) },
}));
