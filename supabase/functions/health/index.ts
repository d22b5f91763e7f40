import { connectDb } from "../_shared/db.ts";
import { createHealthHandler } from "./handler.ts";

const sql = connectDb(Deno.env.get("SUPABASE_DB_URL")!, { max: 1 });
Deno.serve(createHealthHandler({ sql }));
