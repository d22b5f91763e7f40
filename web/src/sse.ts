// A job's log stream (GET /jobs/:id/stream, Server-Sent Events) read with
// fetch, so the Authorization header goes with every (re)connect and the
// resume cursor travels as Last-Event-ID: when the connection drops (the
// functions server restarts, the stream reaches its time limit) we reconnect
// after the server's `retry:` delay and get exactly the lines after the last
// one we saw, with no gap and no duplicate.
// SSE framing: https://html.spec.whatwg.org/multipage/server-sent-events.html

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Incremental SSE parser: feed text chunks, get complete messages. */
export class SseParser {
  #buffer = "";
  #id: string | undefined;
  #event = "";
  #data: string[] = [];
  retryMs: number | undefined;

  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    let newline: number;
    while ((newline = this.#buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.#buffer.slice(0, newline);
      const sep = this.#buffer[newline] === "\r" && this.#buffer[newline + 1] === "\n" ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + sep);
      if (line === "") {
        if (this.#data.length) out.push({ id: this.#id, event: this.#event || "message", data: this.#data.join("\n") });
        this.#id = undefined;
        this.#event = "";
        this.#data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") this.#data.push(value);
      else if (field === "event") this.#event = value;
      else if (field === "id") this.#id = value;
      else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return out;
  }
}

export interface LogLine {
  id: number;
  ts: string;
  level: string;
  message: string;
}

export interface StreamHandlers {
  onLog(line: LogLine): void;
  onProgress(progress: { status: string; done: number; total: number | null }): void;
  onDone(done: { status: string; error: string | null }): void;
  onConnection(state: "connecting" | "open" | "reconnecting"): void;
}

/** Follows the stream until `done` or abort; returns the last log id seen. */
export async function followJob(
  url: string,
  token: () => Promise<string | null>,
  handlers: StreamHandlers,
  signal: AbortSignal,
  startAfter = 0,
): Promise<number> {
  let lastId = startAfter;
  let retryMs = 1000;
  let first = true;
  while (!signal.aborted) {
    handlers.onConnection(first ? "connecting" : "reconnecting");
    first = false;
    try {
      const auth = await token();
      const response = await fetch(url, {
        headers: {
          accept: "text/event-stream",
          ...(auth ? { authorization: `Bearer ${auth}` } : {}),
          ...(lastId ? { "last-event-id": String(lastId) } : {}),
        },
        signal,
        cache: "no-store",
      });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        throw new Error(`stream refused: ${response.status}`);
      }
      if (!response.ok || !response.body) throw new RetryableError(`stream answered ${response.status}`);
      handlers.onConnection("open");
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          const data = JSON.parse(message.data);
          if (message.event === "log") {
            if (data.id <= lastId) continue; // never show a line twice
            lastId = data.id;
            handlers.onLog(data);
          } else if (message.event === "progress") handlers.onProgress(data);
          else if (message.event === "done") {
            handlers.onDone(data);
            return lastId;
          }
        }
        if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      }
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof Error && error.message.startsWith("stream refused")) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return lastId;
}

class RetryableError extends Error {}
