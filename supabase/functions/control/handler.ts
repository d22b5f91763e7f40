// The control center API: what is running, how the portals are doing, the
// levers (rate limits, portal toggle, breaker reset), and log/error search.
// Reads run as the caller (RLS decides); levers are SQL functions that write
// the audit log.
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import { asCaller, type Sql } from "../_shared/db.ts";
import { json } from "../_shared/http.ts";
import { LOG_LEVELS, SEVERITIES } from "../_shared/jobs/api.ts";
import { Router } from "../_shared/router.ts";
import { calendarDate, countText, idText, instant } from "../_shared/fields.ts";
import { parseBody } from "../_shared/validation.ts";
import { addReadRoutes } from "./reads.ts";

export interface ControlDeps {
  sql: Sql;
  auth: Auth;
  /** When this worker started, for uptime. */
  startedAt?: number;
}

const limit = countText(1, 1000).default(100);
const portal = z.string().min(1).max(63);

const logFilters = z.object({
  job_id: idText.optional(),
  run_id: idText.optional(),
  portal: portal.optional(),
  level: z.enum(LOG_LEVELS).optional(),
  start: instant.optional(),
  end: instant.optional(),
  limit,
}).strict();

const errorFilters = z.object({
  job_id: idText.optional(),
  run_id: idText.optional(),
  portal: portal.optional(),
  error_type: z.string().min(1).max(63).optional(),
  severity: z.enum(SEVERITIES).optional(),
  start: instant.optional(),
  end: instant.optional(),
  limit,
}).strict();

const rateLimitBody = z.object({
  portal: portal.nullable().optional(),
  seconds: z.number().min(0).max(3600),
}).strict();

const toggleBody = z.object({ active: z.boolean() }).strict();

const digestQuery = z.object({ date: calendarDate.optional() }).strict();
const alertsQuery = z.object({ state: z.enum(["open", "acknowledged", "snoozed", "all"]).default("open") }).strict();
const snoozeBody = z.object({
  until: instant.optional(),
  until_change: z.literal(true).optional(),
}).strict().refine((b) => (b.until === undefined) !== (b.until_change === undefined), {
  path: ["until"],
  message: 'give either "until" (an ISO timestamp with offset) or "until_change": true',
});

export function createControlHandler({ sql, auth, startedAt = Date.now() }: ControlDeps) {
  const read = <T>(caller: Caller, work: Parameters<typeof asCaller<T>>[2]) => asCaller(sql, caller.claims, work);

  const router = new Router<{ caller: Caller }>("control")
    .on("GET", "/status", async ({ caller }) => {
      return json(await read(caller, async (tx) => {
        const running = await tx`
          select j.id, j.type, s.key as portal, j.started_at, j.progress_done, j.progress_total, j.attempt
            from ops.jobs j left join ops.sources s on s.id = j.source_id
           where j.status = 'running' order by j.started_at`;
        const [last24h] = await tx`select * from ops.scrape_last_24h_v`;
        const [queue] = await tx`
          select count(*) filter (where status = 'pending')::int as pending,
                 count(*) filter (where status = 'running')::int as running
            from ops.jobs where status in ('pending', 'running')`;
        const [db] = await tx`select extract(epoch from now() - pg_postmaster_start_time())::int as uptime`;
        return {
          uptime: { worker_seconds: Math.round((Date.now() - startedAt) / 1000), database_seconds: db.uptime },
          queue,
          running_jobs: running,
          last_24h: last24h,
        };
      }));
    })
    .on("GET", "/portals", async ({ caller }) => {
      return json({
        portals: await read(caller, (tx) =>
          tx`
          select source_key as portal, display_name, adapter, active, rate_limit_seconds::float8,
                 effective_rate_limit_seconds::float8, breaker_enabled, breaker_state, breaker_opened_at,
                 breaker_retry_at, consecutive_errors, breaker_trip_count, last_success_at, last_error_at,
                 errors_24h::int, errors_7d::int, blocks_24h::int, blocks_7d::int, top_category_7d,
                 last_final_status, portal_state
            from ops.portal_status_v order by source_key`),
      });
    })
    .on("POST", "/rate-limit", async ({ caller, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const input = await parseBody(request, rateLimitBody);
      return await lever(caller, (tx) => tx`select ops.set_rate_limit(${input.portal ?? null}, ${input.seconds}) as result`);
    })
    .on("POST", "/portals/:portal/toggle", async ({ caller, request, params }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const input = await parseBody(request, toggleBody);
      return await lever(caller, (tx) => tx`select ops.set_portal_active(${params.portal}, ${input.active}) as result`);
    })
    .on("POST", "/portals/:portal/breaker-reset", async ({ caller, params }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      return await lever(caller, (tx) => tx`select ops.reset_breaker(${params.portal}) as result`);
    })
    .on("GET", "/digest", async ({ caller, query }) => {
      const [row] = await read(caller, (tx) => tx`select ops.digest(${query.date ?? null}::date) as digest`);
      return json(row.digest);
    }, digestQuery)
    .on("GET", "/alerts", async ({ caller, query }) => {
      const [row] = await read(caller, (tx) => tx`select ops.alert_list(${query.state}) as alerts`);
      const alerts = row.alerts as unknown[];
      return json({ alerts, count: alerts.length, state: query.state });
    }, alertsQuery)
    .on("POST", "/alerts/:id/ack", async ({ caller, params }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      return await lever(caller, (tx) => tx`select ops.acknowledge_alert(${params.id}) as result`);
    })
    .on("POST", "/alerts/:id/snooze", async ({ caller, request, params }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const input = await parseBody(request, snoozeBody);
      const until = input.until ?? null;
      return await lever(caller, (tx) => tx`select ops.snooze_alert(${params.id}, ${until}::timestamptz, ${until === null}) as result`);
    })
    .on("GET", "/logs", async ({ caller, query: f }) => {
      const rows = await read(caller, (tx) =>
        tx`
        select l.id, l.job_id, l.ts, l.level, s.key as portal, l.message, l.context
          from ops.logs l left join ops.sources s on s.id = l.source_id
         where true
           ${f.job_id ? tx`and l.job_id = ${f.job_id}` : tx``}
           ${f.run_id ? tx`and l.job_id in (select id from ops.jobs where id = ${f.run_id} or root_id = ${f.run_id})` : tx``}
           ${f.portal ? tx`and l.source_id = (select id from ops.sources where key = ${f.portal})` : tx``}
           ${f.level ? tx`and l.level = ${f.level}` : tx``}
           ${f.start ? tx`and l.ts >= ${f.start}::timestamptz` : tx``}
           ${f.end ? tx`and l.ts < ${f.end}::timestamptz` : tx``}
         order by l.ts desc, l.id desc
         limit ${f.limit}`);
      return json({ logs: rows, count: rows.length, limit: f.limit });
    }, logFilters)
    .on("GET", "/errors", async ({ caller, query: f }) => {
      const rows = await read(caller, (tx) =>
        tx`
        select e.id, e.category as error_type, e.severity, s.key as portal, e.job_id, e.http_status, e.url,
               e.message, e.fingerprint, e.count, e.first_seen, e.last_occurrence, e.details
          from ops.errors e left join ops.sources s on s.id = e.source_id
         where true
           ${f.job_id ? tx`and e.job_id = ${f.job_id}` : tx``}
           ${f.run_id ? tx`and e.job_id in (select id from ops.jobs where id = ${f.run_id} or root_id = ${f.run_id})` : tx``}
           ${f.portal ? tx`and e.source_id = (select id from ops.sources where key = ${f.portal})` : tx``}
           ${f.error_type ? tx`and e.category = ${f.error_type}` : tx``}
           ${f.severity ? tx`and e.severity = ${f.severity}` : tx``}
           ${f.start ? tx`and e.last_occurrence >= ${f.start}::timestamptz` : tx``}
           ${f.end ? tx`and e.last_occurrence < ${f.end}::timestamptz` : tx``}
         order by e.last_occurrence desc, e.id desc
         limit ${f.limit}`);
      return json({ errors: rows, count: rows.length, limit: f.limit });
    }, errorFilters);

  addReadRoutes(router, sql);

  /** A lever, as the caller (the SQL function checks the operator role and writes the audit log). */
  async function lever(caller: Caller, work: Parameters<typeof asCaller<{ result: unknown }[]>>[2]) {
    const [row] = await asCaller(sql, caller.claims, work);
    return json(row.result);
  }

  return apiHandler({ router, auth });
}
