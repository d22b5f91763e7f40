import { connectDb } from "../_shared/db.ts";
import { createNotifyHandler } from "./handler.ts";
import { deliverDueNotifications } from "./worker.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!);
Deno.serve(createNotifyHandler({
  jwtSecret: Deno.env.get("OPS_JWT_SECRET") ?? Deno.env.get("SUPABASE_JWT_SECRET")!,
  work: () => deliverDueNotifications({ sql, env: (name) => Deno.env.get(name) }),
}));
