import { authFromEnv } from "../_shared/auth.ts";
import { connectDb } from "../_shared/db.ts";
import { createNotifyHandler } from "./handler.ts";
import { deliverDueNotifications } from "./worker.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!);
Deno.serve(createNotifyHandler({
  auth: authFromEnv(Deno.env.toObject()),
  work: () => deliverDueNotifications({ sql, env: (name) => Deno.env.get(name) }),
}));
