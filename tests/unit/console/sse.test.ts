// The console's SSE reader: framing split anywhere across chunks, resume
// cursor and retry, and a follow loop that reconnects with Last-Event-ID.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { formatEvent } from "../../../supabase/functions/_shared/sse.ts";
import { followJob, type LogLine, SseParser } from "../../../web/src/sse.ts";

describe("SseParser", () => {
  it("parses what the functions send, however it is chunked", () => {
    const text = `retry: 1500\n\n${formatEvent({ id: 7, event: "log", data: { id: 7, message: "a\nb" } })}: heartbeat\n\n` +
      formatEvent({ event: "done", data: { status: "completed" } });
    for (const size of [1, 3, 17, text.length]) {
      const parser = new SseParser();
      const messages = [];
      for (let i = 0; i < text.length; i += size) messages.push(...parser.push(text.slice(i, i + size)));
      expect(messages).toEqual([
        { id: "7", event: "log", data: JSON.stringify({ id: 7, message: "a\nb" }) },
        { id: undefined, event: "done", data: JSON.stringify({ status: "completed" }) },
      ]);
      expect(parser.retryMs).toBe(1500);
    }
  });
  it("accepts CRLF line ends", () => {
    expect(new SseParser().push("event: log\r\ndata: 1\r\n\r\n")).toEqual([{ id: undefined, event: "log", data: "1" }]);
  });
});

describe("followJob", () => {
  it("reconnects after a stream ends early with Last-Event-ID and shows no line twice", async () => {
    const seen: (string | undefined)[] = [];
    let connections = 0;
    const server = createServer((request, response) => {
      connections++;
      seen.push(request.headers["last-event-id"] as string | undefined);
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("retry: 10\n\n");
      if (connections === 1) {
        for (const id of [1, 2]) response.write(formatEvent({ id, event: "log", data: { id, level: "INFO", message: `l${id}`, ts: "" } }));
        response.end(); // the stream ends without `done` (time limit, restart): the client comes back
        return;
      }
      // a resumed stream that repeats line 2 must not show it twice
      for (const id of [2, 3]) response.write(formatEvent({ id, event: "log", data: { id, level: "INFO", message: `l${id}`, ts: "" } }));
      response.end(formatEvent({ event: "done", data: { status: "completed", error: null } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const lines: LogLine[] = [];
    const states: string[] = [];
    let done = "";
    try {
      const last = await followJob(`http://127.0.0.1:${port}/stream`, async () => "token", {
        onLog: (l) => lines.push(l),
        onProgress: () => {},
        onDone: (d) => (done = d.status),
        onConnection: (s) => states.push(s),
      }, new AbortController().signal);
      expect(last).toBe(3);
    } finally {
      server.close();
    }
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(seen).toEqual([undefined, "2"]);
    expect(states).toContain("reconnecting");
    expect(done).toBe("completed");
  });
});
