// The two budgets of one worker invocation (scrape and pipeline): wall clock and
// CPU. Hosted edge functions get 150 s (free plan; 400 s paid) of wall clock and
// about 2 s of CPU per request, async I/O excluded
// (https://supabase.com/docs/guides/functions/limits). A worker stops claiming at
// whichever it spends first, and a crawl checkpoints, so a follow-up invocation
// continues before the platform kills this one.
import process from "node:process";
import { type Clock, systemClock } from "./clock.ts";

/** CPU of this invocation so far and its limit, in ms. */
export interface CpuBudget {
  usedMs: () => number;
  limitMs: number;
}

/**
 * Default CPU budget of one worker invocation: 1 500 ms, leaving 500 ms under the
 * hosted 2 s for the page in flight when it is reached, writing postings and the checkpoint.
 */
export const DEFAULT_CPU_BUDGET_MS = 1_500;

/** Default wall-clock budget of one worker invocation: 100 s, well under the hosted 150 s. */
export const DEFAULT_WALL_BUDGET_MS = 100_000;

/**
 * The CPU budget of the workers of this deployment: WORKER_CPU_BUDGET_MS, else the default.
 * The local functions server raises it (one process serves every invocation there, see
 * processCpuMs), so that the wall clock bounds its workers.
 */
export function workerCpuBudgetMs(env: Record<string, string | undefined>): number {
  const ms = Number(env.WORKER_CPU_BUDGET_MS ?? DEFAULT_CPU_BUDGET_MS);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new Error("WORKER_CPU_BUDGET_MS must be a positive number of ms");
  }
  return ms;
}

/**
 * Which budget is spent, if any: the wall clock when `wallUsedMs` reached
 * `wallBudgetMs`, else the CPU when `cpuUsedMs` reached `cpuBudgetMs`; null when
 * both have time left. No CPU figure means no CPU budget.
 */
export function spentBudget(used: {
  wallUsedMs: number;
  wallBudgetMs: number;
  cpuUsedMs?: number;
  cpuBudgetMs?: number;
}): "wall" | "cpu" | null {
  if (used.wallUsedMs >= used.wallBudgetMs) return "wall";
  if (used.cpuUsedMs !== undefined && used.cpuBudgetMs !== undefined && used.cpuUsedMs >= used.cpuBudgetMs) {
    return "cpu";
  }
  return null;
}

/**
 * CPU (user + system) of this process so far, in ms. Deno has no Deno.cpuUsage; its
 * node:process does (as does Node under vitest). It is the whole process: where one
 * process serves several invocations at once (the local functions server), an
 * invocation's figure includes its neighbours' CPU, so it errs on the safe side.
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A CPU budget counted from now. */
export function cpuBudgetFromNow(limitMs: number): CpuBudget {
  const start = processCpuMs();
  return { usedMs: () => processCpuMs() - start, limitMs };
}

/** Both budgets of one worker invocation, counted from now. */
export interface InvocationBudget {
  /** When the wall-clock budget ends (ms epoch). */
  deadline: number;
  cpu: CpuBudget;
  /** Which budget is spent, if any, keeping `reserveMs` of wall clock back. */
  spent: (reserveMs?: number) => "wall" | "cpu" | null;
}

export function invocationBudget(
  wallBudgetMs: number,
  cpuBudgetMs: number,
  clock: Pick<Clock, "now"> = systemClock,
): InvocationBudget {
  const started = clock.now();
  const cpu = cpuBudgetFromNow(cpuBudgetMs);
  return {
    deadline: started + wallBudgetMs,
    cpu,
    spent: (reserveMs = 0) =>
      spentBudget({
        wallUsedMs: clock.now() - started + reserveMs,
        wallBudgetMs,
        cpuUsedMs: cpu.usedMs(),
        cpuBudgetMs: cpu.limitMs,
      }),
  };
}
