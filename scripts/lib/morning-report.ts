// The morning report: the digest of SQL ops.digest rendered as text. Every
// figure, cause and suggestion comes from that one function.
import type { Sql } from "postgres";
import { type Digest, renderDigestText } from "../../supabase/functions/_shared/digest/render.ts";

export async function morningReport(sql: Sql, runDate?: string): Promise<string> {
  const [{ digest }] = await sql`select ops.digest(${runDate ?? null}::date) as digest`;
  return renderDigestText(digest as Digest);
}
