// Signing in through supabase-js's real auth client against the local stand-in of Supabase Auth
// (scripts/functions-server/auth.ts) served by the functions server: the password grant, the session's
// token accepted by the functions with its role, refresh, the magic link from the local mailbox,
// sign-out ending the session, and GoTrue's errors as supabase-js surfaces them.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import ws from "ws";
import { describe, expect, it } from "vitest";
import { functionUrl, localUser, mailbox, stack } from "../support/stack.ts";

function authClient(): SupabaseClient {
  return createClient(stack.supabaseUrl, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws as never },
  });
}

/** POST /control/rate-limit with an empty body: 400 for an operator (the role check passed), 403 for a viewer; writes nothing. */
async function leverStatus(accessToken: string): Promise<number> {
  const response = await fetch(functionUrl("control", "/rate-limit"), {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: "{}",
  });
  await response.body?.cancel();
  return response.status;
}

describe("the local Auth stand-in through supabase-js", () => {
  it("signs an operator in with e-mail + password; the functions accept the token with its role", async () => {
    const operator = localUser("operator");
    const supabase = authClient();
    const { data, error } = await supabase.auth.signInWithPassword({ email: operator.email, password: operator.password });
    expect(error).toBeNull();
    expect(data.user?.app_metadata.ops_role).toBe("operator");
    expect(data.session?.token_type).toBe("bearer");
    expect(await leverStatus(data.session!.access_token)).toBe(400);

    const { data: fetched, error: userError } = await supabase.auth.getUser();
    expect(userError).toBeNull();
    expect(fetched.user?.email).toBe(operator.email);

    const { data: refreshed, error: refreshError } = await supabase.auth.refreshSession();
    expect(refreshError).toBeNull();
    expect(refreshed.session?.refresh_token).not.toBe(data.session!.refresh_token);
    expect(await leverStatus(refreshed.session!.access_token)).toBe(400);

    expect((await supabase.auth.signOut()).error).toBeNull();
    // the session is over at Auth: its refresh token no longer works and /user refuses the token
    const again = await authClient().auth.refreshSession({ refresh_token: refreshed.session!.refresh_token });
    expect(again.error?.code).toBe("refresh_token_not_found");
    const gone = await authClient().auth.getUser(refreshed.session!.access_token);
    // auth-js turns GoTrue's session_not_found into AuthSessionMissingError (lib/fetch.ts handleError)
    expect(gone.error?.name).toBe("AuthSessionMissingError");
    expect(gone.data.user).toBeNull();
  });

  it("answers a wrong password with GoTrue's 400 invalid_credentials and no session", async () => {
    const viewer = localUser("viewer");
    const { data, error } = await authClient().auth.signInWithPassword({ email: viewer.email, password: `${viewer.password}x` });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe("invalid_credentials");
    expect(error?.message).toBe("Invalid login credentials");
    expect(data.session).toBeNull();
  });

  it("mails a viewer a magic link whose redirect carries a viewer's session", async () => {
    const viewer = localUser("viewer");
    const before = (await mailbox(viewer.email)).length;
    const redirect = `http://127.0.0.1:${stack.consolePort}/`;
    const { error } = await authClient().auth.signInWithOtp({
      email: viewer.email,
      options: { shouldCreateUser: false, emailRedirectTo: redirect },
    });
    expect(error).toBeNull();
    const messages = await mailbox(viewer.email);
    expect(messages.length).toBe(before + 1);
    const response = await fetch(messages.at(-1)!.link, { redirect: "manual" });
    expect(response.status).toBe(303);
    const landed = new URL(response.headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe(redirect);
    const fragment = new URLSearchParams(landed.hash.slice(1));
    expect(fragment.get("type")).toBe("magiclink");
    const token = fragment.get("access_token")!;
    expect(await leverStatus(token)).toBe(403);
    const { data } = await authClient().auth.getUser(token);
    expect(data.user?.app_metadata.ops_role).toBe("viewer");
  });

  it("refuses a magic link for an unknown e-mail with GoTrue's otp_disabled", async () => {
    const { error } = await authClient().auth.signInWithOtp({
      email: "stranger@console.local",
      options: { shouldCreateUser: false },
    });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("otp_disabled");
    expect(await mailbox("stranger@console.local")).toEqual([]);
  });
});
