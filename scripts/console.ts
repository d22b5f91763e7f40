// npm run console: the local stack with the operations console, and sign-in
// links for a viewer and an operator (each carries a short-lived local token), and
// the local Auth users' e-mail + password.
import { stackConfig } from "./lib/config.ts";
import { LOCAL_TOKEN_TTL_SECONDS, signInLines } from "./lib/console.ts";
import { stackUp } from "./lib/stack.ts";

const config = stackConfig();
try {
  await stackUp(config);
  console.log(`\nconsole on http://127.0.0.1:${config.consolePort}/ — sign in (links work for ${LOCAL_TOKEN_TTL_SECONDS / 3600} h):`);
  for (const line of await signInLines(config)) console.log(line);
} catch (error) {
  console.error(`\nconsole failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
