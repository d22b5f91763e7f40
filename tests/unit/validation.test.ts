// The input rules every route shares: body reading, unstorable text, field
// naming, canonical ids and dates, and SQL errors mapped to 4xx.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpError } from "../../supabase/functions/_shared/api.ts";
import { parseSqlError } from "../../supabase/functions/_shared/db-errors.ts";
import { calendarDate, idText } from "../../supabase/functions/_shared/fields.ts";
import {
  fieldErrors,
  jsonTextErrors,
  MAX_JSON_DEPTH,
  readJsonBody,
  unstorableText,
} from "../../supabase/functions/_shared/validation.ts";

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("did not reject");
}

describe("text PostgreSQL cannot store", () => {
  it("NUL and lone surrogates are named; other text, emoji included, passes", () => {
    for (const bad of ["\u0000", "a\u0000", "\ud800", "x\udc00", "\udc00\ud800"]) expect(unstorableText(bad), bad).not.toBeNull();
    for (const good of ["", "plain", "🙂", "\ud83d\ude42", "\uFFFD", "a\u0001b"]) expect(unstorableText(good), good).toBeNull();
  });

  it("names each failing value and key by its path, and depth past the limit, without recursion", () => {
    expect(jsonTextErrors({ a: { b: ["ok", "\u0000"] }, "k\ud800": 1, c: "fine" })).toEqual({
      "a.b.1": [expect.stringContaining("U+0000")],
      "k\uFFFD": [expect.stringContaining("key")],
    });
    // 100,000 levels: an attacker's depth must not overflow the checker's stack
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const errors = jsonTextErrors({ x: deep });
    expect(Object.keys(errors)).toHaveLength(1);
    expect(Object.keys(errors)[0].split(".")).toHaveLength(MAX_JSON_DEPTH);
  });
});

describe("field names", () => {
  it("a union names the failing field of the closest option, not the body", () => {
    const schema = z.union([
      z.object({ action: z.enum(["run", "work"]), local_date: calendarDate.optional() }).strict(),
      z.object({ job_id: z.number().int().positive(), type: z.string() }).strict(),
    ]);
    const result = schema.safeParse({ action: "run", local_date: "2026-02-30" });
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrors(result.error!))).toEqual(["local_date"]);
  });

  it("ids are canonical positive decimals; dates exist and lie in 2000..2099", () => {
    for (const good of ["1", "42", "999999999999999"]) expect(idText.safeParse(good).success, good).toBe(true);
    for (const bad of ["0", "-1", "01", "0x10", "1e3", " 1", "1 ", "+1", "", "1.0", "9999999999999999"]) {
      expect(idText.safeParse(bad).success, bad).toBe(false);
    }
    for (const good of ["2026-11-26", "2024-02-29", "2000-01-01"]) expect(calendarDate.safeParse(good).success, good).toBe(true);
    for (const bad of ["0000-01-01", "2026-02-30", "2025-02-29", "2026-13-01", "9999-12-31", "20261126", "2026-11-26T00:00:00Z"]) {
      expect(calendarDate.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe("readJsonBody", () => {
  it("cuts a chunked body off at the limit while reading: the rest is never pulled", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }); // endless: reading it whole would never finish
    const error = await rejection(readJsonBody(new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit), 100_000));
    expect(error.status).toBe(413);
    expect(pulled).toBeLessThan(400_000);
  });

  it("refuses a declared Content-Length over the limit unread, invalid UTF-8 and invalid JSON", async () => {
    const big = new Request("http://x/", { method: "POST", body: "{}", headers: { "content-length": "999999" } });
    expect((await rejection(readJsonBody(big, 1000))).status).toBe(413);
    const latin1 = new Request("http://x/", { method: "POST", body: new Uint8Array([0x22, 0xff, 0x22]) });
    expect(await rejection(readJsonBody(latin1, 1000))).toMatchObject({ status: 400, code: "invalid_json" });
    const broken = new Request("http://x/", { method: "POST", body: "{" });
    expect(await rejection(readJsonBody(broken, 1000))).toMatchObject({ status: 400, code: "invalid_json" });
    const nul = new Request("http://x/", { method: "POST", body: JSON.stringify({ name: "a\u0000" }) });
    expect((await rejection(readJsonBody(nul, 1000))).extra.fields).toEqual({ name: [expect.stringContaining("U+0000")] });
  });
});

describe("SQL errors", () => {
  it("errors client input can cause are 4xx, by SQLSTATE class; unexpected ones stay unmapped (500)", () => {
    const cases: [string, number][] = [
      ["22021", 400], // invalid byte sequence (NUL in text)
      ["22P05", 400], // untranslatable character (\u0000 in jsonb)
      ["22008", 400], // datetime field overflow
      ["22007", 400], // invalid datetime format
      ["22003", 400], // numeric value out of range
      ["22P02", 400], // invalid text representation
      ["54001", 400], // statement too complex (jsonb nested too deep)
      ["23514", 400], // check violation
      ["23505", 409], // unique violation
      ["42501", 403],
    ];
    for (const [code, status] of cases) expect(parseSqlError({ code, message: "m" })?.status, code).toBe(status);
    expect(parseSqlError({ code: "XX000", message: "internal" })).toBeNull();
    expect(parseSqlError({ code: "08006", message: "connection failure" })).toBeNull();
  });

  it("a write-API error names its field and keeps its facts", () => {
    const detail = JSON.stringify({ code: "not_found", field: "sources", unknown: ["x"] });
    expect(parseSqlError({ code: "P0404", message: "unknown sources: x", detail })).toMatchObject({
      status: 404,
      code: "not_found",
      fields: { sources: ["unknown sources: x"] },
      details: { unknown: ["x"] },
    });
    // SQL's generic invalid_argument is the API's invalid_input
    expect(parseSqlError({ code: "P0400", message: "m", detail: '{"code": "invalid_argument"}' })?.code).toBe("invalid_input");
  });
});
