import { afterAll, describe, expect, it } from "vitest";
import { clients, functionUrl, superuserSql } from "../support/stack.ts";

const sql = superuserSql();
afterAll(() => sql.end());

describe("health function", () => {
  it("reports the database reachable and the latest applied migration, through supabase-js", async () => {
    const [{ version }] = await sql`select max(version) as version from supabase_migrations.schema_migrations`;
    const { data, error } = await clients.anon().functions.invoke("health", { method: "GET" });
    expect(error).toBeNull();
    expect(data.status).toBe("ok");
    expect(data.database.reachable).toBe(true);
    expect(data.database.latest_migration).toBe(version);
    expect(Math.abs(Date.parse(data.database.server_time) - Date.now())).toBeLessThan(60_000);
  });

  it("answers POST the same (the dispatch round-trip target) and rejects other methods with 405", async () => {
    expect((await fetch(functionUrl("health"), { method: "POST", body: "{}" })).status).toBe(200);
    const response = await fetch(functionUrl("health"), { method: "PUT" });
    expect(response.status).toBe(405);
    expect((await response.json()).error.code).toBe("method_not_allowed");
  });

  it("answers CORS preflight", async () => {
    const response = await fetch(functionUrl("health"), { method: "OPTIONS" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("local functions server (the gateway stand-in)", () => {
  it("404s an unknown function", async () => {
    const response = await fetch(functionUrl("no-such-function"));
    expect(response.status).toBe(404);
  });
});
