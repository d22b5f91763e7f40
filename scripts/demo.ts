// npm run demo: start the local stack and show where everything runs.
// (Grows into the full nightly demo: fixture sites, backfill, tonight's run, morning report.)
import { stackConfig } from "./lib/config.ts";
import { stackUp } from "./lib/stack.ts";
import { FUNCTIONS_LOG } from "./lib/functions-server.ts";
import { POSTGRES_LOG } from "./lib/cluster.ts";

const config = stackConfig();
console.log("scrape-ops demo\n");
await stackUp(config);
const response = await fetch(`${config.supabaseUrl}/functions/v1/health`);
const health = await response.json();
console.log(`\nhealth: ${health.status}, database reachable: ${health.database.reachable}, ` +
  `latest migration: ${health.database.latest_migration}`);
console.log(`
where everything runs
  database     ${config.dbUrl.replace(/:[^:@/]+@/, ":***@")}
  functions    ${config.supabaseUrl}/functions/v1/<name>
  logs         ${POSTGRES_LOG.slice(process.cwd().length + 1)}, ${FUNCTIONS_LOG.slice(process.cwd().length + 1)}
  stop         npm run stack:down`);
