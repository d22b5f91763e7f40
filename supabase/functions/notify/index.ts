import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { createNotifyHandler } from "./handler.ts";
import { deliverDueNotifications } from "./worker.ts";

const { sql } = databaseFromEnv(Deno.env.toObject());
Deno.serve(createNotifyHandler({
  auth: authFromEnv(Deno.env.toObject()),
  work: () => deliverDueNotifications({ sql, env: (name) => Deno.env.get(name) }),
}));
