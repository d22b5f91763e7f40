import type { Sql } from "../_shared/db.ts";
import { errorResponse, json, preflight } from "../_shared/http.ts";

export interface HealthDeps {
  sql: Sql;
  now?: () => number;
}

/**
 * GET /health: is the database reachable, how fast, and which migration is applied. POST answers the
 * same: it is the target of deploy:check's dispatch round trip (ops.dispatch posts).
 */
export function createHealthHandler({ sql, now = () => performance.now() }: HealthDeps) {
  return async (request: Request): Promise<Response> => {
    const cors = preflight(request);
    if (cors) return cors;
    if (request.method !== "GET" && request.method !== "POST") return errorResponse(405, "method_not_allowed", "use GET");
    const started = now();
    try {
      const [row] = await sql<{ server_time: Date; latest_migration: string | null }[]>`
        select now() as server_time,
               (select max(version) from supabase_migrations.schema_migrations) as latest_migration`;
      return json({
        status: "ok",
        database: {
          reachable: true,
          latency_ms: Math.round((now() - started) * 10) / 10,
          server_time: row.server_time.toISOString(),
          latest_migration: row.latest_migration,
        },
      });
    } catch (error) {
      return json({
        status: "degraded",
        database: { reachable: false, error: error instanceof Error ? error.message : String(error) },
      }, 503);
    }
  };
}
