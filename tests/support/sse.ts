// A minimal Server-Sent Events client over fetch, for tests and benchmarks:
// it can send headers (Last-Event-ID) and be disconnected at will.
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: string;
  receivedAt: number;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  retry?: number;
  /** Resolves with the next event, or null when the stream ended. */
  next(): Promise<ReceivedEvent | null>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const connection: SseConnection = {
    status: response.status,
    headers: response.headers,
    async next() {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ReceivedEvent = { event: "message", data: "", receivedAt: performance.now() };
          const data: string[] = [];
          let meaningful = false;
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) continue;
            const [field, ...rest] = line.split(":");
            const value = rest.join(":").replace(/^ /, "");
            if (field === "retry") connection.retry = Number(value);
            else if (field === "id") (event.id = value, meaningful = true);
            else if (field === "event") (event.event = value, meaningful = true);
            else if (field === "data") (data.push(value), meaningful = true);
          }
          if (!meaningful) continue;
          event.data = data.join("\n");
          return event;
        }
        let chunk: ReadableStreamReadResult<string>;
        try {
          chunk = await reader.read();
        } catch {
          return null;
        }
        if (chunk.done) return null;
        buffer += chunk.value;
      }
    },
    close() {
      abort.abort();
    },
  };
  return connection;
}
