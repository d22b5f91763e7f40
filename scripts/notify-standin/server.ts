// STAND-IN, NOT SLACK OR AN E-MAIL SERVICE. A small local HTTP server that receives what the notify
// function sends, for tests and the demo:
//
// - POST /slack/<name>    a Slack incoming webhook: needs a JSON body with a string "text"; answers
//                         "ok" (Slack answers 200 "ok", 400 "invalid_payload" / "no_text")
// - POST /webhook/<name>  a generic JSON webhook: any JSON object; answers {"ok": true}
// - POST /email           an HTTP e-mail API: needs "Authorization: Bearer <apiKey>" (401 else) and
//                         {from, to: [..], subject, text}; answers {"id": "<n>"}
// - every accepted message is recorded once per Idempotency-Key header: a retry of a message
//   already taken answers 200 again and is counted in `duplicates`, not in `messages`;
// - failNext(path prefix, outcome, times) makes the next matching requests answer an HTTP status
//   or hang until the client gives up ("hang"), so that retries and timeouts can be tested.
// Nothing else of the real services (rate limits, formatting, delivery to people) is imitated.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedMessage {
  path: string;
  idempotencyKey: string | null;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  at: Date;
}

export interface NotifyStandin {
  url: string;
  /** Messages accepted, once per idempotency key, in arrival order. */
  messages: ReceivedMessage[];
  /** Requests that repeated an accepted idempotency key. */
  duplicates: ReceivedMessage[];
  /** Requests answered with an injected failure. */
  failures: { path: string; outcome: number | "hang" }[];
  failNext(pathPrefix: string, outcome: number | "hang", times?: number): void;
  close(): Promise<void>;
}

export async function startNotifyStandin(
  options: { apiKey?: string; port?: number } = {},
): Promise<NotifyStandin> {
  const apiKey = options.apiKey ?? "standin-email-key";
  const messages: ReceivedMessage[] = [];
  const duplicates: ReceivedMessage[] = [];
  const failures: { path: string; outcome: number | "hang" }[] = [];
  const planned: { prefix: string; outcome: number | "hang"; times: number }[] = [];
  const seen = new Set<string>();
  const hanging = new Set<ServerResponse>();

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
    res.end(text);
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? "/", "http://standin").pathname;
    const fault = planned.find((p) => path.startsWith(p.prefix) && p.times > 0);
    if (fault) {
      fault.times--;
      failures.push({ path, outcome: fault.outcome });
      if (fault.outcome === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      return answer(res, fault.outcome, { error: "injected failure" });
    }
    if (req.method !== "POST") return answer(res, 405, { error: "POST only" });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return answer(res, 400, "invalid_payload");
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    if (path.startsWith("/slack/")) {
      if (typeof body.text !== "string" || !body.text) return answer(res, 400, "no_text");
    } else if (path === "/email") {
      if (headers.authorization !== `Bearer ${apiKey}`) return answer(res, 401, { error: "invalid api key" });
      if (typeof body.subject !== "string" || !Array.isArray(body.to) || typeof body.text !== "string") {
        return answer(res, 422, { error: "from, to, subject and text are required" });
      }
    } else if (!path.startsWith("/webhook/")) {
      return answer(res, 404, { error: "unknown path" });
    }
    const message = {
      path,
      idempotencyKey: headers["idempotency-key"] ?? null,
      headers,
      body,
      at: new Date(),
    };
    if (message.idempotencyKey && seen.has(message.idempotencyKey)) {
      duplicates.push(message);
    } else {
      if (message.idempotencyKey) seen.add(message.idempotencyKey);
      messages.push(message);
    }
    if (path.startsWith("/slack/")) return answer(res, 200, "ok");
    if (path === "/email") return answer(res, 200, { id: String(messages.length) });
    return answer(res, 200, { ok: true });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    duplicates,
    failures,
    failNext(prefix, outcome, times = 1) {
      planned.push({ prefix, outcome, times });
    },
    close() {
      for (const res of hanging) res.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
