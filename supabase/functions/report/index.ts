import { authFromEnv } from "../_shared/auth.ts";
import { connectDb } from "../_shared/db.ts";
import { createReportHandler } from "./handler.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!, { max: 10 });
Deno.serve(createReportHandler({
  sql,
  auth: authFromEnv(Deno.env.toObject()),
}));
