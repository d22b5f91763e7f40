// What integration tests need to reach the running stack (started by npm test
// or `npm run stack:up`): clients for each role and a superuser SQL connection.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import ws from "ws";
import { signJwt, stackConfig } from "../../scripts/lib/config.ts";
import { pgTypes } from "../../supabase/functions/_shared/db.ts";

export const stack = stackConfig();

export type OpsRole = "viewer" | "operator" | null;

/** A signed-in user's JWT with an optional ops role in app_metadata, signed like Supabase Auth's. */
export function userJwt(opsRole: OpsRole, sub = "00000000-0000-4000-8000-0000000000a1"): string {
  return signJwt({
    role: "authenticated",
    sub,
    email: `${opsRole ?? "user"}@example.com`,
    app_metadata: opsRole ? { ops_role: opsRole } : {},
    exp: Math.floor(Date.now() / 1000) + 3600,
  }, stack.jwtSecret);
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
  anon: () => client(stack.anonKey),
  service: () => client(stack.serviceRoleKey),
  user: (opsRole: OpsRole) => client(stack.anonKey, userJwt(opsRole)),
};

/**
 * Superuser connection for arranging and checking state. Close it in afterAll. A test that claims
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
