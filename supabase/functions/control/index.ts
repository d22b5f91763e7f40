import { authFromEnv } from "../_shared/auth.ts";
import { databaseFromEnv } from "../_shared/db.ts";
import { createControlHandler } from "./handler.ts";

Deno.serve(createControlHandler({
  sql: databaseFromEnv(Deno.env.toObject()).sql,
  auth: authFromEnv(Deno.env.toObject()),
}));
