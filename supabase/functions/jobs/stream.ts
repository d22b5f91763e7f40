// GET /jobs/:id/stream: a job's log lines as Server-Sent Events.
//   id: <log id>   event: log       data: {id, ts, level, message, context}
//                  event: progress  data: {status, done, total}
//                  event: done      data: {status, error, error_category, finished_at}
// Resumes after Last-Event-ID with no gap and no duplicate (log ids only grow
// within a job). Woken by NOTIFY; ends cleanly at maxDurationMs and the client
// reconnects with its last event id.
import type { Sql } from "../_shared/db.ts";
import { isTerminal } from "../_shared/jobs/api.ts";
import { type JobEvents, WakeSignal } from "../_shared/job-events.ts";
import { type SseSink, type SseStreamOptions, sseResponse } from "../_shared/sse.ts";

const PAGE = 500;

interface LogLine {
  id: number;
  ts: string;
  level: string;
  message: string;
  context: unknown;
}

interface JobState {
  status: string;
  progress_done: number;
  progress_total: number | null;
  error: string | null;
  error_category: string | null;
  finished_at: Date | null;
}

export interface StreamDeps {
  sql: Sql;
  events: JobEvents;
  options?: SseStreamOptions;
}

export function streamJob({ sql, events, options }: StreamDeps, jobId: number, after: number) {
  return sseResponse(async (sink: SseSink) => {
    const wake = new WakeSignal();
    // Watch before the first read: a line committed in between wakes us instead of being missed.
    const unwatch = await events.watch(jobId, wake.wake);
    try {
      let cursor = after;
      let lastProgress = "";
      while (!sink.signal.aborted) {
        // The caller's right to read this job was checked (as the caller, under RLS) when the
        // stream opened; each wake-up is then one round trip on the function's own connection.
        const [job] = await sql<(JobState & { logs: LogLine[] })[]>`
          select j.status, j.progress_done, j.progress_total, j.error, j.error_category, j.finished_at,
                 coalesce((select json_agg(l order by l.id) from (
                   select id, ts, level, message, context from ops.logs
                    where job_id = ${jobId} and id > ${cursor} order by id limit ${PAGE}) l), '[]') as logs
            from ops.jobs j where j.id = ${jobId}`;
        const logs = job.logs;
        for (const line of logs) {
          sink.send({ id: line.id, event: "log", data: line });
          cursor = line.id;
        }
        const progress = JSON.stringify({ status: job.status, done: job.progress_done, total: job.progress_total });
        if (progress !== lastProgress) {
          sink.send({ event: "progress", data: JSON.parse(progress) });
          lastProgress = progress;
        }
        if (logs.length === PAGE) continue; // more backlog: keep reading before waiting
        if (isTerminal(job.status)) {
          sink.send({
            event: "done",
            data: { status: job.status, error: job.error, error_category: job.error_category, finished_at: job.finished_at },
          });
          return;
        }
        await wake.next(sink.signal);
      }
    } finally {
      unwatch();
    }
  }, options);
}
