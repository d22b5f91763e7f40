import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { createReportHandler } from "./handler.ts";

const { sql } = databaseFromEnv(Deno.env.toObject(), 5);
Deno.serve(createReportHandler({
  sql,
  auth: authFromEnv(Deno.env.toObject()),
}));
