// Which target an export writes to, decided from the environment (a plain record: only index.ts
// reads Deno.env):
//   - BigQuery when bigQueryOptionsFromEnv(env) returns options, i.e. BIGQUERY_SERVICE_ACCOUNT_KEY
//     or BIGQUERY_ACCESS_TOKEN is set (with BIGQUERY_PROJECT_ID; see bigquery.ts);
//   - else the Postgres target at MIRROR_LOCAL_DB_URL when it is set (the local stack sets it);
//   - else "not configured": every export fails with that record (and the stale-mirror alert),
//     never a database guessed from SUPABASE_DB_URL that only the local reset creates.
// A misconfiguration (a key without a project id, both key and token, no database URL) is not
// thrown here: create() returns a target whose ensureTable() rejects with the problem, so that each
// export records it as a failed export instead of the function failing to load.

import { bigQueryOptionsFromEnv, type BigQueryTargetOptions, createBigQueryTarget } from "./bigquery.ts";
import { connectLocalMirror, createLocalTarget, localMirrorDbUrl } from "./local-target.ts";
import type { MirrorTarget } from "./schema.ts";

export interface MirrorTargetSource {
  /** "bigquery", "local", or "unconfigured" (its target's ensureTable() rejects with the problem). */
  kind: "bigquery" | "local" | "unconfigured";
  /** Where rows go, for status answers: never a credential. */
  describe: string;
  /**
   * A target for one export. BigQuery: a fresh target per export, so one export costs the token
   * and one script (CREATE SCHEMA/TABLE IF NOT EXISTS + MERGE): 2 requests, the first export
   * into a project included. Local: one shared connection pool.
   */
  create(): MirrorTarget;
}

export interface TargetSourceOptions {
  /** Overrides for the BigQuery target (tests inject fetch or a clock). */
  bigQuery?: Partial<BigQueryTargetOptions>;
}

export function mirrorTargetFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: TargetSourceOptions = {},
): MirrorTargetSource {
  let bigQuery: BigQueryTargetOptions | null;
  try {
    bigQuery = bigQueryOptionsFromEnv(env);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    return unconfigured("bigquery", `BigQuery configuration: ${problem}`);
  }
  if (bigQuery) {
    const resolved = { ...bigQuery, ...options.bigQuery };
    return {
      kind: "bigquery",
      describe: `bigquery ${resolved.projectId}.monitoring.daily_summary (${resolved.location ?? "EU"})`,
      create: () => createBigQueryTarget(resolved),
    };
  }
  const url = localMirrorDbUrl(env);
  if (!url) {
    return unconfigured(
      "local",
      "mirror not configured: set BIGQUERY_PROJECT_ID with BIGQUERY_SERVICE_ACCOUNT_KEY (or BIGQUERY_ACCESS_TOKEN), " +
        "or MIRROR_LOCAL_DB_URL for a Postgres target",
    );
  }
  const database = new URL(url).pathname.slice(1);
  let local: MirrorTarget | undefined;
  return {
    kind: "local",
    describe: `local postgres database ${database}, table monitoring.daily_summary`,
    create: () => (local ??= createLocalTarget(connectLocalMirror(url))),
  };
}

/** A target that cannot work: every write rejects with the configuration problem (never a secret). */
function unconfigured(name: string, problem: string): MirrorTargetSource {
  const fail = () => Promise.reject(new Error(problem));
  return {
    kind: "unconfigured",
    describe: problem,
    create: () => ({ name, ensureTable: fail, upsert: fail }),
  };
}
