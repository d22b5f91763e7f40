import { authFromEnv } from "../_shared/auth.ts";
import { connectDb } from "../_shared/db.ts";
import { createControlHandler } from "./handler.ts";

Deno.serve(createControlHandler({
  sql: connectDb(Deno.env.get("SUPABASE_DB_URL")!),
  auth: authFromEnv(Deno.env.toObject()),
}));
