declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { mirrorTargetFromEnv } from "../_shared/mirror/target.ts";
import { createMirrorHandler } from "./handler.ts";
import { runMirrorJobs } from "./worker.ts";

const { sql } = databaseFromEnv(Deno.env.toObject());
const targets = mirrorTargetFromEnv(Deno.env.toObject());
Deno.serve(createMirrorHandler({
  sql,
  auth: authFromEnv(Deno.env.toObject()),
  targets,
  work: () => runMirrorJobs(sql, targets, { worker: `mirror:${crypto.randomUUID().slice(0, 8)}` }),
  background: (promise) => EdgeRuntime.waitUntil(promise),
}));
