// STAND-IN, NOT BIGQUERY: the REST resources of the BigQuery stand-in (server.ts) the mirror uses,
// jobs.query and jobs.getQueryResults. A query job runs its script at once (statements.ts); it can
// answer jobComplete:false first, so that getQueryResults polling gets exercised.
import { invalidQuery, notFound } from "./errors.ts";
import type { QueryParameter, ScriptResult, Warehouse } from "./statements.ts";

interface Job {
  projectId: string;
  location: string;
  pollsLeft: number;
  result: ScriptResult;
}

export class QueryJobs {
  private readonly jobs = new Map<string, Job>();
  private jobCounter = 0;

  constructor(private readonly warehouse: Warehouse, private readonly pollsBeforeComplete: number) {}

  /** POST /projects/{projectId}/queries */
  query(projectId: string, body: unknown): unknown {
    const q = body as {
      query?: string;
      useLegacySql?: boolean;
      parameterMode?: string;
      location?: string;
      queryParameters?: QueryParameter[];
    };
    if (q?.useLegacySql !== false) throw invalidQuery("stand-in only runs GoogleSQL (useLegacySql:false)");
    const location = q.location ?? "US";
    const result = this.warehouse.run(q.query ?? "", location, { mode: q.parameterMode, values: q.queryParameters });
    const jobId = `standin_job_${++this.jobCounter}`;
    const job: Job = { projectId, location, pollsLeft: this.pollsBeforeComplete, result };
    this.jobs.set(jobId, job);
    return answer(jobId, job);
  }

  /** GET /projects/{projectId}/queries/{jobId} */
  queryResults(projectId: string, jobId: string): unknown {
    const job = this.jobs.get(jobId);
    if (!job || job.projectId !== projectId) throw notFound(`Not found: Job ${projectId}:${jobId}`);
    job.pollsLeft = Math.max(0, job.pollsLeft - 1);
    return answer(jobId, job);
  }
}

function answer(jobId: string, job: Job): unknown {
  const complete = job.pollsLeft === 0;
  const body: Record<string, unknown> = {
    kind: "bigquery#queryResponse",
    jobReference: { projectId: job.projectId, jobId, location: job.location },
    jobComplete: complete,
  };
  if (complete && job.result) {
    // The script's result is its last statement's: the SELECT's one row.
    body.schema = { fields: [{ name: job.result.name, type: "INTEGER", mode: "NULLABLE" }] };
    body.rows = job.result.value < 0 ? [{ f: [{ v: null }] }] : [{ f: [{ v: String(job.result.value) }] }];
    body.totalRows = "1";
  } else if (complete) {
    body.totalRows = "0";
  }
  return body;
}
