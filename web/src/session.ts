// Who is signed in and how the app reaches the API. One supabase-js client:
// hosted, Supabase Auth signs in (e-mail + password or magic link) and the
// client sends the session's token with every function call; locally, a
// sign-in link carries a short-lived token minted by `npm run console`, which
// the client sends instead (functions.setAuth). The functions verify either.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";

export type OpsRole = "viewer" | "operator";

export interface AppConfig {
  supabaseUrl: string;
  publishableKey: string;
}

export interface Session {
  email: string;
  role: OpsRole | null;
  expiresAt: number | null;
  kind: "local" | "supabase";
}

const LOCAL_TOKEN_KEY = "scrape-ops.local-token";

/** config.json beside index.html (written by the host), else the build's VITE_ variables. */
export async function loadConfig(): Promise<AppConfig> {
  try {
    const response = await fetch("./config.json", { cache: "no-store" });
    if (response.ok) {
      const config = await response.json();
      if (config.supabaseUrl && config.publishableKey) return config;
    }
  } catch {
    // no config.json: fall back to build-time settings
  }
  const supabaseUrl = import.meta.env.VITE_SUPABASE_URL;
  const publishableKey = import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY;
  if (!supabaseUrl || !publishableKey) {
    throw new Error("no configuration: serve config.json beside index.html or build with VITE_SUPABASE_URL and VITE_SUPABASE_PUBLISHABLE_KEY");
  }
  return { supabaseUrl, publishableKey };
}

/** The claims of a JWT (not verified: the functions verify; the app only reads who and which role). */
export function jwtClaims(token: string): Record<string, unknown> | null {
  try {
    const part = token.split(".")[1];
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function sessionFromClaims(claims: Record<string, unknown> | null, kind: Session["kind"]): Session | null {
  if (!claims) return null;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : null;
  if (exp !== null && exp < Date.now()) return null;
  const meta = (claims.app_metadata ?? {}) as Record<string, unknown>;
  const role = meta.ops_role === "viewer" || meta.ops_role === "operator" ? meta.ops_role : null;
  return { email: String(claims.email ?? claims.sub ?? "signed in"), role, expiresAt: exp, kind };
}

export class Auth {
  readonly client: SupabaseClient;
  #localToken: string | null = null;

  constructor(readonly config: AppConfig) {
    this.client = createClient(config.supabaseUrl, config.publishableKey, {
      auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true },
    });
    const stored = sessionStorage.getItem(LOCAL_TOKEN_KEY);
    if (stored && sessionFromClaims(jwtClaims(stored), "local")) this.useLocalToken(stored);
  }

  useLocalToken(token: string): Session | null {
    const session = sessionFromClaims(jwtClaims(token), "local");
    if (!session) return null;
    this.#localToken = token;
    sessionStorage.setItem(LOCAL_TOKEN_KEY, token);
    this.client.functions.setAuth(token);
    return session;
  }

  /** The bearer token for calls made without supabase-js (the log stream, downloads). */
  async token(): Promise<string | null> {
    if (this.#localToken) return this.#localToken;
    const { data } = await this.client.auth.getSession();
    return data.session?.access_token ?? null;
  }

  async session(): Promise<Session | null> {
    const token = await this.token();
    if (!token) return null;
    return sessionFromClaims(jwtClaims(token), this.#localToken ? "local" : "supabase");
  }

  async signInWithPassword(email: string, password: string): Promise<string | null> {
    const { error } = await this.client.auth.signInWithPassword({ email, password });
    return error?.message ?? null;
  }

  async sendMagicLink(email: string): Promise<string | null> {
    const { error } = await this.client.auth.signInWithOtp({
      email,
      options: { emailRedirectTo: location.origin + location.pathname, shouldCreateUser: false },
    });
    return error?.message ?? null;
  }

  /**
   * Why the magic link that brought the browser here did not sign in (Auth sends the error in the URL
   * fragment, which supabase-js reads while it initializes), else null.
   */
  async linkError(): Promise<string | null> {
    const { error } = await this.client.auth.initialize();
    return error?.message ?? null;
  }

  async signOut(): Promise<void> {
    if (this.#localToken) {
      this.#localToken = null;
      sessionStorage.removeItem(LOCAL_TOKEN_KEY);
      location.reload();
      return;
    }
    await this.client.auth.signOut();
  }
}
