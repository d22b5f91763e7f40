import { databaseFromEnv } from "../_shared/db.ts";
import { createHealthHandler } from "./handler.ts";

const { sql } = databaseFromEnv(Deno.env.toObject(), 1);
Deno.serve(createHealthHandler({ sql }));
