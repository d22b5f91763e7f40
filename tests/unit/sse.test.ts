import { describe, expect, it } from "vitest";
import { formatEvent, lastEventId, sseResponse } from "../../supabase/functions/_shared/sse.ts";

async function readAll(response: Response): Promise<string> {
  return await response.text();
}

describe("SSE framing", () => {
  it("formats id, event and multi-line data", () => {
    expect(formatEvent({ id: 7, event: "log", data: { a: 1 } })).toBe('id: 7\nevent: log\ndata: {"a":1}\n\n');
    expect(formatEvent({ data: "two\nlines" })).toBe("data: two\ndata: lines\n\n");
  });

  it("reads the resume cursor from Last-Event-ID, then the query, else 0", () => {
    expect(lastEventId(new Request("http://x/s", { headers: { "last-event-id": "42" } }))).toBe(42);
    expect(lastEventId(new Request("http://x/s?last_event_id=9"))).toBe(9);
    // a cursor that is not a canonical positive integer is a 400, not "from the start"
    for (const bad of ["-3", "0x10", " 5", "1e3", "", "0"]) {
      expect(() => lastEventId(new Request(`http://x/s?last_event_id=${encodeURIComponent(bad)}`)), bad).toThrow();
    }
    expect(() => lastEventId(new Request("http://x/s", { headers: { "last-event-id": "abc" } }))).toThrow();
    expect(lastEventId(new Request("http://x/s"))).toBe(0);
  });
});

describe("sseResponse", () => {
  it("sets retry, streams events, and closes when the producer returns", async () => {
    const response = sseResponse(async (sink) => {
      sink.send({ id: 1, event: "log", data: "hello" });
    }, { retryMs: 1500 });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    expect(await readAll(response)).toBe("retry: 1500\n\nid: 1\nevent: log\ndata: hello\n\n");
  });

  it("sends a comment heartbeat while idle and ends cleanly at the maximum duration", async () => {
    let aborted = false;
    const response = sseResponse(async (sink) => {
      await new Promise<void>((resolve) => sink.signal.addEventListener("abort", () => resolve()));
      aborted = true;
    }, { heartbeatMs: 20, maxDurationMs: 110 });
    const started = performance.now();
    const text = await readAll(response);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(text.startsWith("retry: 1000\n\n")).toBe(true);
    expect(text.match(/: heartbeat\n\n/g)!.length).toBeGreaterThanOrEqual(3);
    expect(aborted).toBe(true);
  });

  it("reports a producer error as an error event and closes", async () => {
    const response = sseResponse(() => Promise.reject(new Error("boom")));
    expect(await readAll(response)).toContain('event: error\ndata: {"message":"boom"}');
  });
});
