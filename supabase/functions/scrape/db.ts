// The worker's writes run as the service role, like a worker on hosted Supabase
// calling the RPC contract: grants are checked, and the audit trigger on
// ops.sources leaves the worker's own bookkeeping (breaker counters, run
// rollups) out of the audit log, which is for people's control actions.
import { asCaller, type Claims, type Sql, type TransactionSql } from "../_shared/db.ts";

const SERVICE_CLAIMS: Claims = { role: "service_role" };

export function asService<T>(sql: Sql, work: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return asCaller(sql, SERVICE_CLAIMS, work);
}
