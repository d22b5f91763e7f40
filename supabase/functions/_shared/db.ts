// The one database module of the functions: direct Postgres through postgres.js,
// as Supabase recommends for edge functions (SUPABASE_DB_URL, transaction pooler,
// so no prepared statements).
import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export interface DbOptions {
  /** Connections in this worker's pool. Default 5: edge workers are small and many. */
  max?: number;
  /** Seconds an idle connection is kept. Default 20. */
  idleTimeout?: number;
}

/**
 * Column types as database.types.ts declares them: int8 (ids, counts) as JS
 * numbers (they stay far below 2^53), date as its 'YYYY-MM-DD' text (a run
 * date is a calendar day, not a UTC midnight).
 */
export const pgTypes = {
  date: {
    to: 1082,
    from: [1082],
    serialize: (value: string | Date) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
    parse: (value: string) => value,
  },
  int8: {
    to: 20,
    from: [20],
    serialize: (value: number | bigint | string) => String(value),
    parse: (value: string) => Number(value),
  },
};

export function connectDb(url: string, options: DbOptions = {}): Sql {
  return postgres(url, {
    prepare: false,
    types: pgTypes,
    max: options.max ?? 5,
    idle_timeout: options.idleTimeout ?? 20,
    onnotice: () => {},
    // JIT compilation costs more than these short queries take (hundreds of ms on
    // the monitoring views); the session setting applies to every role it switches to.
    connection: { application_name: "scrape-ops-functions", jit: "off" },
  }) as unknown as Sql;
}

/**
 * A function's connections, from its environment. SUPABASE_DB_URL is a direct connection, and many
 * function instances at once would use up a small database's connections: queries go through the
 * transaction pooler when OPS_DB_POOLER_URL is set (Supavisor transaction mode, port 6543, which
 * supports no prepared statements: connectDb turns them off; Supabase docs "Connect to your
 * database", guides/database/connecting-to-postgres, recommends it for edge functions). LISTEN
 * needs a session of its own, so `direct` stays on SUPABASE_DB_URL. `max`: a few connections per
 * instance; OPS_DB_POOL_MAX overrides it.
 */
export function databaseFromEnv(env: Record<string, string | undefined>, max = 3): { sql: Sql; direct: Sql } {
  const directUrl = env.SUPABASE_DB_URL;
  if (!directUrl) throw new Error("configuration error: SUPABASE_DB_URL is not set");
  const sql = connectDb(env.OPS_DB_POOLER_URL || directUrl, { max: Number(env.OPS_DB_POOL_MAX) || max });
  return { sql, direct: env.OPS_DB_POOLER_URL ? connectDb(directUrl, { max: 1 }) : sql };
}

/** JWT claims that RLS policies read through auth.jwt()/auth.uid()/auth.role(). */
export type Claims = Record<string, unknown> & { role: string };

/**
 * Runs `work` in a transaction as the caller: `set local role` and
 * `request.jwt.claims` as PostgREST does, so RLS and grants decide what the
 * caller may see, not the function's superuser connection.
 */
export function asCaller<T>(sql: Sql, claims: Claims, work: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const role = ["anon", "authenticated", "service_role"].includes(claims.role) ? claims.role : "anon";
  return sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${
      JSON.stringify(claims)
    }, true), set_config('role', ${role}, true)`;
    return await work(tx);
  }) as Promise<T>;
}
