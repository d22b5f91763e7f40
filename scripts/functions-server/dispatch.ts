// Local stand-in for pg_net: ops.dispatch() sends pg_notify('ops_dispatch',
// '{"function": "<name>", "body": {...}}') where pg_net is missing, and this
// listener makes the same HTTP POST that net.http_post makes on hosted Supabase.
import { connectDb } from "../../supabase/functions/_shared/db.ts";

export const DISPATCH_CHANNEL = "ops_dispatch";

export interface DispatchOptions {
  dbUrl: string;
  functionsUrl: string;
  /** A secret API key, sent in the apikey header as ops.dispatch does with pg_net. */
  secretKey: string;
}

export async function listenForDispatch(options: DispatchOptions): Promise<void> {
  const sql = connectDb(options.dbUrl, { max: 1 });
  await sql.listen(DISPATCH_CHANNEL, (payload) => {
    let message: { function?: string; body?: unknown };
    try {
      message = JSON.parse(payload);
    } catch {
      console.error(`dispatch: ignored a payload that is not JSON: ${payload.slice(0, 200)}`);
      return;
    }
    if (!message.function || !/^[a-z0-9-]+$/.test(message.function)) {
      console.error(`dispatch: ignored a payload without a valid function name`);
      return;
    }
    // Fire and forget, like pg_net: the function records its own outcome.
    fetch(`${options.functionsUrl}/${message.function}`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: options.secretKey },
      body: JSON.stringify(message.body ?? {}),
    }).then((response) => response.body?.cancel())
      .catch((error) => console.error(`dispatch to ${message.function} failed:`, error));
  });
}
