// The bad-input corpus: every route of every function, sent what a careless
// client or an attacker sends (text PostgreSQL cannot store in values, keys,
// query parameters and path segments; JSON nested thousands of levels deep;
// impossible and out-of-window dates; ids that are not canonical; malformed
// percent-encoding; wrong types; unknown fields and references). Every answer
// must be a 4xx in the one error shape, never a 500, and nothing may be written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../supabase/functions/_shared/http.ts";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const tag = `corpus-${Date.now().toString(36)}`;
const operator = await userJwt("operator", "00000000-0000-4000-8000-00000000c0a1");
const viewer = await userJwt("viewer", "00000000-0000-4000-8000-00000000c0a2");
const service = stack.secretKey;

interface Case {
  name: string;
  fn: string;
  method: string;
  path: string;
  token: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** The exact status (or statuses), when the class has one; otherwise any 4xx. */
  status?: number | number[];
  /** A field the 400 must name. */
  field?: string;
}

/** Too deep: 400, or 413 where the route's body limit is smaller than the nesting. */
const TOO_DEEP = [400, 413];
const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

/** Strings PostgreSQL cannot store, as JSON values (JSON.stringify escapes them as \u0000, \ud800). */
const UNSTORABLE = ["\u0000", "a\u0000b", "\ud800", "x\udfffy", "\udc00\ud800"];
/** Percent-encoded path/query text: NUL, an encoded lone surrogate (invalid UTF-8), malformed escapes, overlong NUL. */
const BAD_ESCAPES = ["%00", "a%00b", "%ED%A0%80", "%zz", "%", "%C0%80", "%E0%80"];
const NON_CANONICAL_IDS = ["0", "-1", "01", "0x10", "1e3", "1.0", "%201", "1%20", "+1", "", "abc", "99999999999999999999", "1,2"];

function berlinDate(offsetDays: number): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
const BAD_DATES = ["0000-01-01", "2026-02-30", "2026-13-01", "9999-12-31", "20261126", "2026-11-26T00:00:00Z", "+002026-11-26", "", " 2026-11-26"];
/** Dates that parse but lie outside the run-date window (more than 365 days back, after tomorrow). */
const OUT_OF_WINDOW = [berlinDate(2), berlinDate(365 * 3), berlinDate(-366), "2001-01-01"];

const cases: Case[] = [];
let jobId = 0;
let source = "";

/** Body cases for one JSON route: every field replaced by every bad value, plus whole-body garbage. */
function bodyCases(fn: string, path: string, token: string, base: Record<string, unknown>, fields: Record<string, unknown[]>) {
  const add = (name: string, body: string | Uint8Array, extra: Partial<Case> = {}) =>
    cases.push({ name: `${fn} POST ${path} ${name}`, fn, method: "POST", path, token, body, ...extra });
  for (const [field, values] of Object.entries(fields)) {
    for (const value of [...values, ...UNSTORABLE]) {
      const body = structuredClone(base);
      setPath(body, field, value);
      add(`${field}=${JSON.stringify(value)}`.slice(0, 120), JSON.stringify(body), {
        status: UNSTORABLE.includes(value as string) ? 400 : undefined,
        field: UNSTORABLE.includes(value as string) ? field : undefined,
      });
    }
    // the same field, nested far too deep
    const body = JSON.stringify({ ...base, [field.split(".")[0]]: "__DEEP__" }).replace('"__DEEP__"', deep(3000));
    add(`${field} nested 3000 deep`, body, { status: TOO_DEEP });
  }
  for (const key of ["\u0000", "k\u0000", "\ud800", "unknown_field"]) {
    add(`unknown key ${JSON.stringify(key)}`, JSON.stringify({ ...base, [key]: 1 }), { status: 400 });
  }
  add("invalid JSON", "{", { status: 400 });
  add("not JSON", "hello", { status: 400 });
  add("invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { status: 400 });
  add("a raw NUL byte", new Uint8Array([0x7b, 0x22, 0x61, 0x00, 0x22, 0x3a, 0x31, 0x7d]), { status: 400 });
  add("an array", "[]", { status: 400 });
  add("null", "null", { status: 400 });
  add("a number", "1", { status: 400 });
  add("a string", '"x"', { status: 400 });
  add("an array 5000 deep", deep(5000), { status: TOO_DEEP });
  add("an object 2000 deep", deepObject(2000), { status: TOO_DEEP });
  add("a NUL escape in a deep key", JSON.stringify({ ...base, x: { y: { "\u0000": "\ud800" } } }), { status: 400 });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

/** Query cases for one GET route: each parameter given bad values; unknown, repeated and NUL names. */
function queryCases(fn: string, path: string, token: string, params: Record<string, string[]>) {
  const add = (name: string, query: string, extra: Partial<Case> = {}) =>
    cases.push({ name: `${fn} GET ${path}?${name}`, fn, method: "GET", path: `${path}?${query}`, token, ...extra });
  for (const [param, values] of Object.entries(params)) {
    for (const value of values) add(`${param}=${value}`, `${param}=${value}`, { status: 400, field: param });
    for (const escape of ["%00", "a%00b"]) add(`${param}=${escape}`, `${param}=${escape}`, { status: 400, field: param });
    add(`${param} twice`, `${param}=1&${param}=2`, { status: 400, field: param });
  }
  add("unknown parameter", "nope=1", { status: 400 });
  add("NUL in a parameter name", "a%00=1", { status: 400 });
  // URLSearchParams decodes bad escapes leniently: whatever text they become, never a 500
  for (const escape of BAD_ESCAPES) add(`unknown=${escape}`, `x${escape}=${escape}`);
}

function pathCases(fn: string, method: string, template: string, token: string, body?: string) {
  // (an empty segment is no segment: /jobs//logs is another route)
  const ids = template.includes(":id") ? NON_CANONICAL_IDS.filter(Boolean) : [];
  for (const segment of [...BAD_ESCAPES, ...ids]) {
    const path = template.replace(/:[a-z]+/, segment);
    cases.push({ name: `${fn} ${method} ${path}`, fn, method, path, token, body, status: 400 });
  }
}

beforeAll(async () => {
  source = `${tag}-src`;
  await sql`insert into ops.sources (key, display_name, adapter) values (${source}, 'Corpus', 'greenhouse')`;
  [{ id: jobId }] = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => ${tag})`;

  // jobs
  const idOnly = ["0", "-3", "0x10", "1e3", "", "%201", "1.5", "01"];
  bodyCases("jobs", "/", operator, { type: "scrape", params: { source, dry_run: true } }, {
    type: ["nope", 1, null, "", "SCRAPE"],
    "params.source": ["", 1, null, ["a"], "x".repeat(64)],
    "params.dry_run": ["yes", 1, null],
  });
  for (const run_date of [...BAD_DATES, ...OUT_OF_WINDOW]) {
    cases.push({ name: `jobs POST / pipeline run_date=${run_date}`, fn: "jobs", method: "POST", path: "/", token: operator, body: JSON.stringify({ type: "pipeline", params: { run_date } }), status: 400 });
  }
  for (const [from, to] of [[berlinDate(-500), berlinDate(-490)], [berlinDate(1), berlinDate(3)], ["2026-02-30", "2026-03-01"], ["0000-01-01", "0000-01-02"], [berlinDate(-1), berlinDate(-3)], ["x", "y"]]) {
    cases.push({ name: `jobs POST / backfill ${from}..${to}`, fn: "jobs", method: "POST", path: "/", token: operator, body: JSON.stringify({ type: "backfill", params: { from, to } }), status: 400 });
  }
  for (const days of [0, -1, 401, 1.5, "3", null, 1e400]) {
    cases.push({ name: `jobs POST / mirror days=${days}`, fn: "jobs", method: "POST", path: "/", token: operator, body: JSON.stringify({ type: "mirror", params: { days } }).replace("null", days === 1e400 ? "1e400" : "null"), status: 400 });
  }
  queryCases("jobs", "/", viewer, {
    limit: ["0", "201", "-1", "0x10", "1e2", "", "%201", "abc"],
    before_id: idOnly,
    root_id: idOnly,
    status: ["nope", ""],
    type: ["NOPE", "a b", ""],
  });
  for (const [method, template] of [["GET", "/:id"], ["DELETE", "/:id"], ["GET", "/:id/logs"], ["POST", "/:id/stream-token"], ["GET", "/:id/stream"]]) {
    pathCases("jobs", method, template, method === "DELETE" ? operator : viewer);
  }
  queryCases("jobs", `/${jobId}/logs`, viewer, {
    after_id: idOnly,
    limit: ["0", "1001", "0x10", ""],
    level: ["info", "NOPE", ""],
    format: ["xml", ""],
  });
  queryCases("jobs", `/${jobId}/stream`, viewer, { last_event_id: idOnly });
  // (HTTP trims a header value's outer whitespace, so " 5" would arrive as 5)
  for (const value of ["abc", "-1", "0x10", "1e3", "5 6", "0"]) {
    cases.push({ name: `jobs GET stream Last-Event-ID: ${value}`, fn: "jobs", method: "GET", path: `/${jobId}/stream`, token: viewer, headers: { "last-event-id": value }, status: 400 });
  }
  bodyCases("jobs", `/${jobId}`, operator, { reason: "r" }, { reason: [1, null, "x".repeat(1001)] });
  for (const c of cases.filter((c) => c.path === `/${jobId}` && c.method === "POST")) c.method = "DELETE";

  // control
  bodyCases("control", "/rate-limit", operator, { portal: source, seconds: 1 }, {
    portal: ["", 1, "x".repeat(64)],
    seconds: [-1, 3601, "1", null, 1e400],
  });
  bodyCases("control", `/portals/${source}/toggle`, operator, { active: true }, { active: ["true", 1, null] });
  pathCases("control", "POST", "/portals/:portal/toggle", operator, JSON.stringify({ active: true }));
  pathCases("control", "POST", "/portals/:portal/breaker-reset", operator);
  for (const route of ["/logs", "/errors"]) {
    queryCases("control", route, viewer, {
      job_id: idOnly,
      run_id: idOnly,
      limit: ["0", "1001", "0x10", ""],
      start: BAD_DATES.filter((d) => !d.includes("T")).map(encodeURIComponent),
      end: ["2026-11-26T25:00:00Z", "0000-01-01", "1e9"],
      portal: [""],
    });
  }
  for (const route of ["/status", "/portals"]) queryCases("control", route, viewer, {});
  queryCases("control", "/digest", viewer, { date: BAD_DATES.map(encodeURIComponent) });
  queryCases("control", "/alerts", viewer, { state: ["nope", "", "OPEN"] });
  // alert ids are text keys: only the escapes apply
  pathCases("control", "POST", "/alerts/:alert/ack", operator);
  pathCases("control", "POST", "/alerts/:alert/snooze", operator, JSON.stringify({ until_change: true }));
  bodyCases("control", "/alerts/corpus-alert/snooze", operator, { until_change: true }, {
    until: ["tomorrow", "0000-01-01T00:00:00Z", "2026-11-26T25:00:00Z", 1],
    until_change: [false, "true", 1],
  });

  // the console's reads
  const pageParams = { limit: ["0", "501", "0x10", ""], offset: ["-1", "1e3", "", "1000001"] };
  for (const route of ["/days", "/runs"]) {
    queryCases("control", route, viewer, {
      ...pageParams,
      from: BAD_DATES.map(encodeURIComponent),
      to: ["2026-02-30", "x"],
      status: ["nope", ""],
      sort: ["id; drop table ops.jobs", "nope", ""],
      order: ["up", ""],
      error_category: ["UPPER", "a b", ""],
    });
  }
  queryCases("control", `/companies/${source}`, viewer, { days: ["7", "31", "0x1e", "", "-30"] });
  pathCases("control", "GET", "/companies/:key", viewer);
  queryCases("control", "/errors/summary", viewer, { days: ["1", "0x7", ""], bucket: ["week", ""], category: ["UPPER"] });
  queryCases("control", "/silent-failures", viewer, { days: ["0", "91", "1e1", ""] });
  queryCases("control", "/audit", viewer, { limit: ["0", "0x10"], before_id: ["0", "-1", "0x10", "", "1e3"], users_only: ["yes", "1", ""] });

  // notify (delivers due notifications: only invalid bodies here)
  bodyCases("notify", "/", operator, { action: "work" }, { action: ["send", 1, null], trigger: ["UPPER", 1, "x".repeat(41)] });

  // pipeline
  bodyCases("pipeline", "/run", operator, { run_date: berlinDate(0), sources: [source] }, {
    run_date: [...BAD_DATES, ...OUT_OF_WINDOW, 20261126, null],
    sources: [[], [""], "a", [1], [null], ["x".repeat(64)]],
  });
  for (const sources of [[`${tag}-missing`], [source, `${tag}-missing`, `${tag}-missing-2`]]) {
    cases.push({ name: `pipeline POST /run unknown sources ${sources}`, fn: "pipeline", method: "POST", path: "/run", token: operator, body: JSON.stringify({ sources }), status: 404, field: "sources" });
  }
  bodyCases("pipeline", "/", service, { action: "work" }, {
    action: ["nope", 1, null],
    pipeline_id: [0, -1, "1", 1.5],
    local_date: BAD_DATES,
  });
  for (const route of ["/pending", "/history", "/stats"]) queryCases("pipeline", route, viewer, {});

  // mirror
  bodyCases("mirror", "/", operator, { action: "export", dry_run: true }, {
    days: [0, 401, "3", 1.5, null],
    local_date: BAD_DATES,
    trigger: ["UPPER", "", "x".repeat(41)],
    schedule: [1, "x".repeat(61)],
  });
  bodyCases("mirror", "/", service, { action: "work" }, { trigger: ["UPPER", 1] });
  queryCases("mirror", "/", viewer, { limit: ["0", "201", "0x10", "", "1e1"] });

  // scrape (service role: the dispatch entry)
  bodyCases("scrape", "/", service, { action: "work" }, {
    budget_ms: [0, 499, 400_001, "1000", 1.5],
    pipeline_id: [0, -1, "1"],
    trigger: ["x".repeat(41), 1],
    type: ["pipeline"],
  });

  // report (scrapers that run elsewhere)
  bodyCases("report", "/report/jobs", operator, { source_key: source }, {
    source_key: ["UPPER", "", "a b", 1],
    run_date: BAD_DATES,
    type: ["nope"],
  });
  bodyCases("report", `/report/jobs/${jobId}/logs`, operator, { lines: [{ level: "INFO", message: "m" }] }, {
    lines: ["x", [{ level: "NOPE", message: "m" }], [{ level: "INFO" }], [{ level: "INFO", message: "\u0000" }], [{ level: "INFO", message: "m", context: { "\u0000": 1 } }], [{ level: "INFO", message: "m", ts: "0000-01-01T00:00:00Z" }]],
  });
  bodyCases("report", `/report/jobs/${jobId}/heartbeat`, operator, { progress: { done: 1 } }, {
    progress: [{ done: -1 }, { done: "1" }, { done: 1.5 }, { done: 2 ** 31 }],
    totals: ["x", { requests: -1 }, { bogus: 1 }],
    worker: ["w"],
  });
  bodyCases("report", `/report/jobs/${jobId}/errors`, operator, { errors: [{ message: "m" }] }, {
    errors: [[], "x", [{ message: "" }], [{ message: "m", http_status: 99 }], [{ message: "m", occurred_at: "0000-01-01T00:00:00Z" }], [{ message: "m", category: "nope" }]],
  });
  bodyCases("report", `/report/jobs/${jobId}/finish`, operator, { status: "completed" }, {
    status: ["done", "running", 1, null],
    error_category: ["nope", 1],
    error: [1, "x".repeat(10_001)],
  });
  queryCases("report", "/report/categories", viewer, {});
  pathCases("report", "GET", "/report/jobs/:id", operator);
  for (const segment of [...BAD_ESCAPES, ...NON_CANONICAL_IDS.filter(Boolean)]) {
    cases.push({ name: `report POST /report/jobs/${segment}/logs`, fn: "report", method: "POST", path: `/report/jobs/${segment}/logs`, token: operator, body: JSON.stringify({ lines: [] }) });
  }
});

afterAll(async () => {
  await sql`delete from ops.logs where job_id = ${jobId}`;
  await sql`delete from ops.jobs where id = ${jobId}`;
  await sql`delete from ops.sources where key = ${source}`;
  await sql.end();
});

/** Rows the corpus could have written, counted before and after. */
async function writes() {
  const [row] = await sql`
    select (select count(*) from ops.jobs where created_at > now() - interval '1 day') as jobs,
           (select count(*) from ops.logs where job_id = ${jobId}) as logs,
           (select count(*) from ops.errors where job_id = ${jobId}) as errors,
           (select count(*) from ops.audit_log) as audit,
           (select count(*) from ops.sources) as sources,
           (select count(*) from ops.scrape_runs) as scrape_runs,
           (select count(*) from ops.mirror_runs) as mirror_runs,
           (select count(*) from ops.api_idempotency_keys) as idempotency_keys,
           (select jsonb_build_object('active', active, 'rate', rate_limit_seconds, 'breaker', breaker_state)
              from ops.sources where key = ${source}) as source_state,
           (select value from ops.settings where key = 'global_rate_limit_seconds') as global_rate,
           (select to_jsonb(j) - 'updated_at' from ops.jobs j where id = ${jobId}) as job`;
  return row;
}

describe("the bad-input corpus", () => {
  it("every case is a 4xx in the one error shape (never a 500) and writes nothing", async () => {
    expect(cases.length).toBeGreaterThan(400);
    const before = await writes();
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    // a few at a time: the point is the answers, not load
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(async (c) => {
        const headers: Record<string, string> = { ...authHeaders(c.token), ...c.headers };
        if (c.body !== undefined) headers["content-type"] = "application/json";
        let response: Response;
        let text: string;
        try {
          response = await fetch(`${functionUrl(c.fn)}${c.path.replace(/^\/report/, "")}`, {
            method: c.method,
            headers,
            body: c.body as BodyInit | undefined,
            signal: AbortSignal.timeout(20_000),
          });
          text = await response.text();
        } catch (error) {
          failures.push(`${c.name}: no answer (${error})`);
          return;
        }
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        const problem = check(c, response.status, text);
        if (problem) failures.push(`${c.name}: ${problem} (${response.status} ${text.slice(0, 200)})`);
      }));
    }
    expect(failures).toEqual([]);
    expect(statuses[500] ?? 0).toBe(0);
    expect(await writes()).toEqual(before);
    console.log(`bad-input corpus: ${cases.length} cases, statuses ${JSON.stringify(statuses)}`);
  }, 300_000);
});

function check(c: Case, status: number, text: string): string | null {
  if (status < 400 || status >= 500) return "not a 4xx";
  if (c.status !== undefined && ![c.status].flat().includes(status)) return `expected ${c.status}`;
  let body: { error?: { code?: string; message?: string; fields?: Record<string, string[]> } };
  try {
    body = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const error = body.error;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string") return "not the error shape";
  if (!(error.code in ERROR_CODES)) return `unknown error code ${error.code}`;
  const extra = Object.keys(error).filter((k) => !["code", "message", "fields", "details"].includes(k));
  if (extra.length) return `extra keys ${extra}`;
  if (status === 400 && error.code === "invalid_input" && !error.fields) return "a 400 without fields";
  if (error.fields && Object.keys(error.fields).some((k) => k === "(body)")) return "names (body)";
  if (c.field && !Object.keys(error.fields ?? {}).some((k) => k === c.field || k.startsWith(`${c.field}.`))) {
    return `does not name ${c.field}`;
  }
  return null;
}
