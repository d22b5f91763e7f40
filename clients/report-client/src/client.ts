// The report API client: start runs, run a function as a run that always
// finishes, read runs and the error taxonomy back.
import type { Category, RunView, StartBody } from "../../../supabase/functions/_shared/report/contract.ts";
import { classifyError } from "../../../supabase/functions/_shared/scrape/taxonomy.ts";
import { Transport, type TransportOptions } from "./http.ts";
import { ReportRun, type RunOptions } from "./run.ts";

export interface ReportClientOptions extends TransportOptions, RunOptions {
  /**
   * Finish unfinished runs when the process ends: on SIGINT/SIGTERM as `cancelled` (then exit with
   * 130/143), when the event loop empties with a run still open as `failed`. Default true (Node, Bun,
   * Deno: wherever `process` exists).
   */
  handleExit?: boolean;
}

/** The part of Node's `process` the hooks use (also there in Bun and Deno 2). */
interface ProcessLike {
  on(event: string, listener: () => void): unknown;
  exit(code: number): unknown;
}

const openRuns = new Set<ReportRun>();
let hooksInstalled = false;

function installExitHooks(): void {
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (hooksInstalled || typeof proc?.on !== "function") return;
  hooksInstalled = true;
  const finishAll = (status: "failed" | "cancelled", error: string) =>
    Promise.allSettled([...openRuns].map((run) => run.finish(status, { error })));
  proc.on("beforeExit", () => {
    if (openRuns.size > 0) void finishAll("failed", "the process exited before the run was finished");
  });
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    proc.on(signal, () => {
      void finishAll("cancelled", `received ${signal}`).finally(() => proc.exit(code));
    });
  }
}

export class ReportClient {
  readonly #transport: Transport;
  readonly #options: ReportClientOptions;

  constructor(options: ReportClientOptions) {
    this.#transport = new Transport(options);
    this.#options = options;
  }

  /** Starts a run (a scrape run of `source_key`, or an external job). Retried safely with an idempotency key. */
  async start(body: StartBody = {}, options: RunOptions = {}): Promise<ReportRun> {
    const view = await this.#transport.request<RunView>("POST", "/report/jobs", {
      body,
      idempotencyKey: crypto.randomUUID(),
    });
    const run: ReportRun = new ReportRun(this.#transport, view, { ...this.#options, ...options }, () => {
      openRuns.delete(run);
    });
    if (this.#options.handleExit !== false) {
      installExitHooks();
      openRuns.add(run);
    }
    return run;
  }

  /**
   * Runs `fn` as one run that always finishes: `completed` when it returns (`cancelled` when an operator
   * asked to stop), `failed` with the error classified when it throws (the error is rethrown). Finish
   * yourself inside `fn` for another status (e.g. `partial`); run() then leaves it as it is.
   */
  async run<T>(body: StartBody, fn: (run: ReportRun) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    const run = await this.start(body, options);
    let value: T;
    try {
      value = await fn(run);
    } catch (error) {
      const failure = classifyError(error);
      await run.finish("failed", {
        error: failure.message || String(error),
        // "unknown": let the server's rules classify the message instead
        ...(failure.category === "unknown" ? {} : { error_category: failure.category }),
      }).catch((finishError) => this.#transport.warn(`could not finish run ${run.id}: ${finishError}`));
      throw error;
    }
    await run.finish(run.cancelRequested ? "cancelled" : "completed");
    return value;
  }

  getRun(id: number): Promise<RunView> {
    return this.#transport.request<RunView>("GET", `/report/jobs/${id}`);
  }

  async categories(): Promise<Category[]> {
    return (await this.#transport.request<{ categories: Category[] }>("GET", "/report/categories")).categories;
  }
}
