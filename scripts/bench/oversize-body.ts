// Probe: oversize chunked request bodies against the running local stack.
// Each probe streams a body of BODY_MB (default 300) megabytes with
// Transfer-Encoding: chunked (no Content-Length to refuse it by) to a route,
// and samples the functions server's resident memory (every process of its
// process group) while it does. Bodies are read with their size limit enforced
// while reading (supabase/functions/_shared/validation.ts) and only after the
// caller's role is checked, so the server's memory must not grow with the body.
// Prints JSON; `ok` is false when any probe raised memory by LIMIT_MB or more.
//   npm run bench:oversize   (env: BODY_MB=300 LIMIT_MB=16 IGNORE_ANSWER=1: keep sending after the answer)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import postgres from "postgres";
import { LOCAL_DIR, serviceHeaders, stackConfig } from "../lib/config.ts";
import { mintUserToken } from "../lib/tokens.ts";
import { envInt } from "./env.ts";

const config = stackConfig();
const bodyMb = envInt("BODY_MB", 300);
const limitMb = envInt("LIMIT_MB", 16);
/** Keep sending after the answer, as a client that does not read it would (until the server closes). */
const ignoreAnswer = process.env.IGNORE_ANSWER === "1";
const user = (role: "viewer" | "operator") =>
  mintUserToken({ role, sub: "00000000-0000-4000-8000-0000000000b2" }, config);

const serverPid = Number(readFileSync(join(LOCAL_DIR, "functions-server.pid"), "utf8"));

/** Resident memory of the functions server's process group, in bytes. */
function serverRss(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // fields after the command name: state ppid pgrp ...
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp !== serverPid) continue;
      const rss = readFileSync(`/proc/${entry}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

interface Probe {
  name: string;
  path: string;
  /** The caller's headers (a user's bearer token, the service's secret key), none for anon. */
  headers: Record<string, string>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
const [job] = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'bench:oversize')`;
const probes: Probe[] = [
  { name: "operator, pipeline run (limit 256 KB)", path: "/pipeline/run", headers: bearer(await user("operator")) },
  { name: "service, report log batch (limit 1 MB)", path: `/report/jobs/${job.id}/logs`, headers: serviceHeaders(config) },
  { name: "operator, start a job (limit 64 KB)", path: "/jobs", headers: bearer(await user("operator")) },
  { name: "viewer, rate-limit lever (403 before the body)", path: "/control/rate-limit", headers: bearer(await user("viewer")) },
  { name: "no credentials, jobs (401 before the body)", path: "/jobs", headers: {} },
];

const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, however much of it
const MB = 1024 * 1024;

function send(probe: Probe): Promise<{ status: number | null; sentBytes: number; ms: number; ended: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let done = false;
    const finish = (ended: string) => {
      if (done) return;
      done = true;
      resolve({ status, sentBytes: sent, ms: Math.round(performance.now() - started), ended });
    };
    const headers = { ...probe.headers, "content-type": "application/json", "transfer-encoding": "chunked" };
    const req = request({
      host: "127.0.0.1",
      port: config.apiPort,
      method: "POST",
      path: `/functions/v1${probe.path}`,
      headers,
    }, (response) => {
      status = response.statusCode ?? null;
      response.resume();
      response.on("end", () => {
        if (ignoreAnswer) return;
        req.destroy(); // the answer is in: stop sending the rest
        finish("answered");
      });
    });
    req.on("error", () => finish(status ? "answered, then the server closed the connection" : "connection closed"));
    req.on("finish", () => finish(`all ${bodyMb} MB sent`));
    // a server that neither answers nor reads would hang the probe: that is a failure, not a wait
    setTimeout(() => {
      req.destroy();
      finish(status ? "answered; the server read no more of the body (TCP backpressure)" : "no answer in time");
    }, ignoreAnswer ? 30_000 : 120_000).unref();
    const pump = () => {
      while (!done && sent < bodyMb * MB) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

const results = [];
for (const probe of probes) {
  const before = serverRss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, serverRss())), 10);
  const outcome = await send(probe);
  clearInterval(sampler);
  peak = Math.max(peak, serverRss());
  results.push({
    probe: probe.name,
    status: outcome.status,
    ended: outcome.ended,
    client_sent_mb: Math.round((outcome.sentBytes / MB) * 10) / 10,
    ms: outcome.ms,
    rss_before_mb: Math.round((before / MB) * 10) / 10,
    rss_peak_mb: Math.round((peak / MB) * 10) / 10,
    rss_increase_mb: Math.round(((peak - before) / MB) * 10) / 10,
  });
}
await sql`delete from ops.jobs where id = ${job.id}`;
await sql.end();

const worst = Math.max(...results.map((r) => r.rss_increase_mb));
console.log(JSON.stringify({
  body_mb: bodyMb,
  limit_mb: limitMb,
  ignore_answer: ignoreAnswer,
  max_rss_increase_mb: worst,
  ok: worst < limitMb && results.every((r) => r.status !== null && r.status >= 400 && r.status < 500),
  probes: results,
}, null, 2));
