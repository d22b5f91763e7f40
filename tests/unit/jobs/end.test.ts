// decideEnd: how a job's work ended -> what the harness reports (no database).
import { describe, expect, it } from "vitest";
import { decideEnd, describeError } from "../../../supabase/functions/_shared/jobs/end.ts";

const job = { claimed_at: "2026-11-22T02:00:00.000Z", timeout_at: "2026-11-22T02:15:00.000Z" };

describe("decideEnd", () => {
  it("a lost lease reports nothing but a warning, whatever the work did", () => {
    for (const failed of [true, false]) {
      expect(decideEnd({ job, abortReason: "lost", failed, outcome: { status: "partial" } })).toEqual({
        kind: "lost",
        log: { level: "WARNING", message: "the job was taken from this worker (lease lost); stopping without finishing" },
      });
    }
  });

  it("work that threw after a cancel request ends cancelled", () => {
    expect(decideEnd({ job, abortReason: "cancelled", failed: true, thrown: new Error("aborted") })).toEqual({
      kind: "finish",
      status: "cancelled",
      error: "cancelled by request",
      log: { level: "WARNING", message: "cancelled by request" },
    });
  });

  it("work that returned after a cancel request ends cancelled unless it chose a status", () => {
    expect(decideEnd({ job, abortReason: "cancelled", failed: false })).toMatchObject({
      kind: "finish",
      status: "cancelled",
    });
    expect(decideEnd({ job, abortReason: "cancelled", failed: false, outcome: { status: "partial" } }))
      .toMatchObject({ kind: "finish", status: "partial" });
  });

  it("work that threw at the timeout fails with category timeout and the timeout in seconds", () => {
    expect(decideEnd({ job, abortReason: "timeout", failed: true, thrown: new Error("aborted") })).toEqual({
      kind: "finish",
      status: "failed",
      error: "job timed out after 900 s",
      errorCategory: "timeout",
      log: { level: "ERROR", message: "job timed out after 900 s" },
      event: { message: "job timed out after 900 s", category: "timeout" },
    });
    expect(decideEnd({ job: { claimed_at: null, timeout_at: null }, abortReason: "timeout", failed: true }))
      .toMatchObject({ error: "job timed out after ? s" });
  });

  it("a thrown error fails the job and is classified by the database (its category becomes the job's)", () => {
    const thrown = Object.assign(new Error("HTTP 403 Forbidden"), { status: 403, url: "https://a.example/jobs" });
    const decision = decideEnd({ job, abortReason: null, failed: true, thrown });
    expect(decision).toMatchObject({
      kind: "finish",
      status: "failed",
      error: "HTTP 403 Forbidden",
      log: { level: "ERROR", message: "job failed: HTTP 403 Forbidden", context: { name: "Error" } },
      event: { message: "HTTP 403 Forbidden", http_status: 403, url: "https://a.example/jobs" },
      classify: true,
    });
    expect(decision).not.toHaveProperty("errorCategory");
  });

  it("a request to continue later hands the job back with its cursor", () => {
    expect(decideEnd({ job, abortReason: null, failed: false, outcome: { continueLater: { cursor: { page: 4 } } } }))
      .toEqual({ kind: "continue", cursor: { page: 4 }, delaySeconds: 0 });
    expect(decideEnd({
      job,
      abortReason: null,
      failed: false,
      outcome: { continueLater: { cursor: null, delaySeconds: 30 } },
    })).toEqual({ kind: "continue", cursor: null, delaySeconds: 30 });
  });

  it("returned work finishes with its status, result and error (completed by default)", () => {
    expect(decideEnd({ job, abortReason: null, failed: false })).toEqual({
      kind: "finish",
      status: "completed",
      result: undefined,
      error: undefined,
      errorCategory: undefined,
    });
    expect(decideEnd({
      job,
      abortReason: null,
      failed: false,
      outcome: { status: "partial", result: { items: 3 }, error: "2 pages failed", errorCategory: "http_5xx" },
    })).toEqual({
      kind: "finish",
      status: "partial",
      result: { items: 3 },
      error: "2 pages failed",
      errorCategory: "http_5xx",
    });
  });
});

describe("describeError", () => {
  it("keeps a usable HTTP status (status or httpStatus), the url and a given category", () => {
    const e = Object.assign(new Error("blocked"), { httpStatus: 429, category: "block_429" });
    expect(describeError(e)).toMatchObject({ message: "blocked", http_status: 429, category: "block_429" });
    expect(describeError(Object.assign(new Error("odd"), { status: 42 })).http_status).toBeUndefined();
  });

  it("describes what is not an Error by its text", () => {
    expect(describeError("boom")).toEqual({ message: "boom" });
  });
});
