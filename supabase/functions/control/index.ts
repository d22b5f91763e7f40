import { connectDb } from "../_shared/db.ts";
import { createControlHandler } from "./handler.ts";

Deno.serve(createControlHandler({
  sql: connectDb(Deno.env.get("SUPABASE_DB_URL")!),
  jwtSecret: Deno.env.get("OPS_JWT_SECRET") ?? Deno.env.get("SUPABASE_JWT_SECRET")!,
}));
