// The local mirror target: `monitoring.daily_summary` in a separate Postgres database (the local
// stack's `scrape_ops_mirror`, created by its db:reset), with the same columns and the same MERGE
// semantics as the BigQuery table (postgres-sql.ts). It is used only where MIRROR_LOCAL_DB_URL names
// it explicitly (the local stack sets it), so the whole export runs for real without BigQuery; a
// hosted project without BigQuery configuration gets a "not configured" export, never a guess.

import postgres from "postgres";
import { POSTGRES_MERGE_SQL, POSTGRES_TABLE_DDL } from "./postgres-sql.ts";
import { MIRROR_DATASET, MIRROR_TABLE, type MirrorTarget, type NormalizedRow } from "./schema.ts";

/** The local stack's mirror database (scripts/lib/database.ts creates it). */
export const LOCAL_MIRROR_DATABASE = "scrape_ops_mirror";

/** MIRROR_LOCAL_DB_URL, or null: the database of the project is never guessed at. */
export function localMirrorDbUrl(env: Readonly<Record<string, string | undefined>>): string | null {
  return env.MIRROR_LOCAL_DB_URL || null;
}

/** The local stack's mirror database next to the project database `dbUrl`. */
export function localStackMirrorUrl(dbUrl: string): string {
  const url = new URL(dbUrl);
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
