// What integration tests need to reach the running stack (started by npm test
// or `npm run stack:up`): clients for each role and a superuser SQL connection.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import ws from "ws";
import type { MailMessage } from "../../scripts/functions-server/auth.ts";
import { LOCAL_DIR, serviceHeaders, stackConfig } from "../../scripts/lib/config.ts";
import { type LocalRole, type LocalUser, localUsers } from "../../scripts/lib/local-users.ts";
import { mintUserToken, type UserOpsRole } from "../../scripts/lib/tokens.ts";
import { pgTypes } from "../../supabase/functions/_shared/db.ts";

export const stack = stackConfig();

export type OpsRole = UserOpsRole;

/** A signed-in user's access token with an optional ops role in app_metadata, signed like Supabase Auth's. */
export function userJwt(opsRole: OpsRole, sub?: string): Promise<string> {
  return mintUserToken({ role: opsRole, sub }, stack);
}

/** Headers of a service caller (the secret key in `apikey`). */
export const serviceAuth = serviceHeaders(stack);

/** How a credential travels: API keys (`sb_...`) in `apikey`, JWTs as the bearer; nothing for null. */
export function authHeaders(credential: string | null): Record<string, string> {
  if (!credential) return {};
  return credential.startsWith("sb_") ? { apikey: credential } : { authorization: `Bearer ${credential}` };
}

function client(key: string, accessToken?: string): SupabaseClient {
  return createClient(stack.supabaseUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no global WebSocket; supabase-js's realtime client needs one to be constructed.
    realtime: { transport: ws as never },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : undefined,
  });
}

export const clients = {
  /** A browser without a signed-in user: the publishable key. */
  anon: () => client(stack.publishableKey),
  service: () => client(stack.secretKey),
  user: async (opsRole: OpsRole) => client(stack.publishableKey, await userJwt(opsRole)),
};

/**
 * The project's `postgres` connection (as on hosted Supabase: no superuser, BYPASSRLS) for arranging and
 * checking state. Close it in afterAll. A test that claims
 * jobs itself passes `wakeWorkers: false`: its enqueues then wake no worker function that could
 * claim them first (the wake-on-enqueue trigger honours the session setting ops.wake_workers).
 */
export function superuserSql(options: { wakeWorkers?: boolean } = {}) {
  return postgres(stack.dbUrl, {
    max: 4,
    onnotice: () => {},
    types: pgTypes,
    connection: options.wakeWorkers === false ? { "ops.wake_workers": "off" } : {},
  });
}

export function functionUrl(name: string, path = ""): string {
  return `${stack.supabaseUrl}/functions/v1/${name}${path}`;
}

/** A user of the local Auth stand-in (e-mail + password), as the stack created them. */
export function localUser(role: LocalRole): LocalUser {
  const user = localUsers(LOCAL_DIR, false)?.find((u) => u.role === role);
  if (!user) throw new Error("no local Auth users: start the stack (npm run stack:up)");
  return user;
}

/** The magic links the local Auth stand-in has "mailed" to `email`, oldest first. */
export async function mailbox(email: string): Promise<MailMessage[]> {
  const response = await fetch(`${stack.supabaseUrl}/_server/mailbox?email=${encodeURIComponent(email)}`);
  if (!response.ok) throw new Error(`mailbox: ${response.status}`);
  return (await response.json() as { messages: MailMessage[] }).messages;
}
