// Server-Sent Events: framing and a stream that ends cleanly before the
// function's wall clock, so that the client reconnects with Last-Event-ID.
import { invalidInput } from "./api.ts";
import { corsHeaders } from "./http.ts";
import { idText } from "./fields.ts";

export interface SseEvent {
  /** Becomes the browser's last event id: only set it on events that advance the resume cursor. */
  id?: string | number;
  event?: string;
  data: unknown;
}

const encoder = new TextEncoder();

export function formatEvent({ id, event, data }: SseEvent): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  let frame = "";
  if (id !== undefined) frame += `id: ${id}\n`;
  if (event) frame += `event: ${event}\n`;
  for (const line of payload.split("\n")) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

export interface SseStreamOptions {
  /** Reconnect delay the browser uses after the stream ends, in ms. Default 1000. */
  retryMs?: number;
  /** A `:` comment this often keeps proxies from closing an idle stream, in ms. Default 15000. */
  heartbeatMs?: number;
  /** The stream ends after this long (well under the edge function wall clock), in ms. Default 120000. */
  maxDurationMs?: number;
}

export interface SseSink {
  send(event: SseEvent): void;
  /** Resolves when the stream has ended (client gone, closed, or out of time). */
  readonly closed: Promise<void>;
  readonly signal: AbortSignal;
  close(): void;
}

/**
 * A streaming SSE response. `produce` writes events through the sink and
 * returns when it is done; the stream then closes. The sink's signal aborts
 * when the client disconnects or maxDurationMs is reached.
 */
export function sseResponse(produce: (sink: SseSink) => Promise<void>, options: SseStreamOptions = {}): Response {
  const retryMs = options.retryMs ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxDurationMs = options.maxDurationMs ?? 120_000;
  const abort = new AbortController();
  let resolveClosed: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let controller: ReadableStreamDefaultController<Uint8Array>;
  let open = true;

  const write = (text: string) => {
    if (!open) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearTimeout(deadline);
    abort.abort();
    try {
      controller.close();
    } catch {
      // already closed by the client
    }
    resolveClosed();
  };
  const heartbeat = setInterval(() => write(": heartbeat\n\n"), heartbeatMs);
  const deadline = setTimeout(close, maxDurationMs);

  const sink: SseSink = { send: (event) => write(formatEvent(event)), closed, signal: abort.signal, close };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      write(`retry: ${retryMs}\n\n`);
      produce(sink).catch((error) => {
        write(formatEvent({ event: "error", data: { message: error instanceof Error ? error.message : String(error) } }));
      }).finally(close);
    },
    cancel() {
      close();
    },
  });
  return new Response(body, {
    headers: {
      ...corsHeaders,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "connection": "keep-alive",
      // nginx and similar proxies must not buffer the stream
      "x-accel-buffering": "no",
    },
  });
}

/**
 * The resume cursor: Last-Event-ID header, else a `last_event_id` query parameter, else 0 (from the
 * start). A cursor that is not a canonical positive integer is a 400, never silently "from the start".
 * An empty header counts as absent: browsers send none before the first event id.
 */
export function lastEventId(request: Request): number {
  const header = request.headers.get("last-event-id") || null;
  const raw = header ?? new URL(request.url).searchParams.get("last_event_id");
  if (raw === null) return 0;
  const parsed = idText.safeParse(raw);
  if (!parsed.success) throw invalidInput({ [header === null ? "last_event_id" : "Last-Event-ID"]: [parsed.error.issues[0].message] });
  return parsed.data;
}
