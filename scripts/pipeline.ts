// npm run pipeline [-- --date YYYY-MM-DD] [-- --sources a,b]: start a pipeline
// run and follow it live, then print its summary. Exit code 0 completed,
// 3 partial, 1 failed or could not start.
import { parseArgs } from "node:util";
import { stackConfig } from "./lib/config.ts";
import { printSummary, runPipelineLive } from "./lib/pipeline-live.ts";

const { values } = parseArgs({ options: { date: { type: "string" }, sources: { type: "string" } } });
try {
  const summary = await runPipelineLive(stackConfig(), {
    runDate: values.date,
    sources: values.sources?.split(",").map((s) => s.trim()).filter(Boolean),
  });
  printSummary(summary);
  process.exit(summary.status === "completed" ? 0 : summary.status === "partial" ? 3 : 1);
} catch (error) {
  console.error(`pipeline: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
