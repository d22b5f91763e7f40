// npm run stack:up | stack:down | stack:status | db:reset | types:gen
import { stackConfig } from "./lib/config.ts";
import { resetDatabase } from "./lib/database.ts";
import { restartFunctions, stackDown, stackStatus, stackUp, TYPES_FILE, writeTypes } from "./lib/stack.ts";

const command = process.argv[2];
const config = stackConfig();

try {
  switch (command) {
    case "up":
      console.log("stack:up");
      await stackUp(config);
      break;
    case "down":
      console.log("stack:down");
      await stackDown();
      break;
    case "status":
      console.log(JSON.stringify(await stackStatus(config), null, 2));
      break;
    case "reset":
      console.log("db:reset");
      await stackUp(config);
      await resetDatabase(config);
      console.log("  database: reset to supabase/migrations + seed.sql");
      writeTypes(config);
      console.log(`  types: written to ${TYPES_FILE.slice(process.cwd().length + 1)}`);
      await restartFunctions(config);
      break;
    case "types":
      writeTypes(config);
      console.log(`types written to ${TYPES_FILE.slice(process.cwd().length + 1)}`);
      break;
    default:
      console.error("usage: tsx scripts/stack.ts up|down|status|reset|types");
      process.exit(2);
  }
} catch (error) {
  console.error(`\n${command} failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
