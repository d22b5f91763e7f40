// npm run report [-- --date YYYY-MM-DD]: print the morning report.
import { parseArgs } from "node:util";
import postgres from "postgres";
import { stackConfig } from "./lib/config.ts";
import { morningReport } from "./lib/morning-report.ts";

const { values } = parseArgs({ options: { date: { type: "string" } } });
const sql = postgres(stackConfig().dbUrl, { max: 1, onnotice: () => {} });
try {
  console.log(await morningReport(sql, values.date));
} finally {
  await sql.end();
}
