// The local mirror target: `monitoring.daily_summary` in a separate Postgres database (by default
// `scrape_ops_mirror` on the same server as the project database), with the same columns and the
// same MERGE semantics as the BigQuery table (postgres-sql.ts). It is the default target when no
// BigQuery credentials are configured, so the whole export runs for real without BigQuery.

import postgres from "postgres";
import { POSTGRES_MERGE_SQL, POSTGRES_TABLE_DDL } from "./postgres-sql.ts";
import { MIRROR_DATASET, MIRROR_TABLE, type MirrorTarget, type NormalizedRow } from "./schema.ts";

/** The local mirror database's default name. */
export const LOCAL_MIRROR_DATABASE = "scrape_ops_mirror";

/**
 * MIRROR_LOCAL_DB_URL, else SUPABASE_DB_URL with the database name replaced by
 * LOCAL_MIRROR_DATABASE; null when neither is set.
 */
export function localMirrorDbUrl(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.MIRROR_LOCAL_DB_URL) return env.MIRROR_LOCAL_DB_URL;
  if (!env.SUPABASE_DB_URL) return null;
  const url = new URL(env.SUPABASE_DB_URL);
  url.pathname = `/${LOCAL_MIRROR_DATABASE}`;
  return url.toString();
}

/** Opens a small pool to the local mirror database (no prepared statements: poolers). */
export function connectLocalMirror(url: string): postgres.Sql {
  return postgres(url, {
    prepare: false,
    max: 2,
    idle_timeout: 20,
    onnotice: () => {},
    connection: { application_name: "scrape-ops-mirror" },
  });
}

// One key for both DDL and MERGE: concurrent exports serialize instead of racing on the
// catalog (create ... if not exists) or on inserting the same new key (a unique violation).
const LOCK_KEY = `${MIRROR_DATASET}.${MIRROR_TABLE}`;

/**
 * A MirrorTarget over a connection to the local mirror database. Each call is one transaction:
 * an upsert applies all its rows or none, so a failure never leaves a half-merged day.
 */
export function createLocalTarget(sql: postgres.Sql): MirrorTarget {
  let tableEnsured: Promise<void> | undefined;
  function ensureTable(): Promise<void> {
    tableEnsured ??= sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
      await tx.unsafe(POSTGRES_TABLE_DDL);
    }).then(() => undefined, (error) => {
      tableEnsured = undefined; // let the next call try again
      throw error;
    });
    return tableEnsured;
  }
  return {
    name: "local",
    ensureTable,
    async upsert(rows: NormalizedRow[]) {
      await ensureTable(); // cached: no round trip after the first call
      if (rows.length === 0) return { upserted: 0 };
      const result = await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
        return await tx.unsafe(POSTGRES_MERGE_SQL, [JSON.stringify(rows)]);
      });
      return { upserted: result.count };
    },
  };
}
