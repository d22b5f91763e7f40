// databaseFromEnv: queries through the transaction pooler when one is configured, LISTEN on the
// direct connection, a few connections per function instance. postgres.js connects lazily, so
// nothing here opens a connection.
import { describe, expect, it } from "vitest";
import { databaseFromEnv } from "../../supabase/functions/_shared/db.ts";

const DIRECT = "postgresql://postgres:pw@db.ref.supabase.co:5432/postgres";
const POOLER = "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";
type Options = { host: string[]; port: number[]; max: number; prepare: boolean };
const options = (sql: unknown) => (sql as { options: Options }).options;

describe("databaseFromEnv", () => {
  it("sends queries through OPS_DB_POOLER_URL without prepared statements and keeps LISTEN direct", () => {
    const { sql, direct } = databaseFromEnv({ SUPABASE_DB_URL: DIRECT, OPS_DB_POOLER_URL: POOLER }, 4);
    expect(options(sql)).toMatchObject({ port: [6543], max: 4, prepare: false });
    expect(options(direct)).toMatchObject({ port: [5432], max: 1 });
  });

  it("uses the direct connection for both without a pooler; OPS_DB_POOL_MAX overrides the size", () => {
    const { sql, direct } = databaseFromEnv({ SUPABASE_DB_URL: DIRECT, OPS_DB_POOL_MAX: "2" });
    expect(direct).toBe(sql);
    expect(options(sql)).toMatchObject({ port: [5432], max: 2 });
    expect(options(databaseFromEnv({ SUPABASE_DB_URL: DIRECT }).sql).max).toBe(3);
  });

  it("is a configuration error without SUPABASE_DB_URL", () => {
    expect(() => databaseFromEnv({})).toThrow(/SUPABASE_DB_URL is not set/);
  });
});
