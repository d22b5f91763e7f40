// The project's JSON Web Key Set, cached. Supabase Auth signs user JWTs with
// asymmetric keys (ES256 or RS256) and publishes the public keys at
// <SUPABASE_URL>/auth/v1/.well-known/jwks.json; hosted functions also get the
// same set as SUPABASE_JWKS (Supabase docs: "JWT Signing Keys",
// guides/auth/signing-keys; "Environment Variables", guides/functions/secrets).
//
// jose's createRemoteJWKSet drops its keys when a refresh fails, so a JWKS
// endpoint that is down would reject every token. This cache keeps the last
// keys it saw: it refetches when they are older than maxAgeMs or a token names
// an unknown `kid` (key rotation), at most once per cooldownMs, and a failed
// fetch leaves the cached keys in use. Only with no keys at all is it an error
// (JwksUnavailable, which callers answer with 503).
import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

export class JwksUnavailable extends Error {}

export interface JwksOptions {
  /** Keys known without a fetch (SUPABASE_JWKS). */
  initial?: JSONWebKeySet | null;
  maxAgeMs?: number;
  cooldownMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/** `{"keys": [...]}` or a bare array, as SUPABASE_JWKS may hold either; null when absent or unreadable. */
export function parseJwks(raw: string | undefined): JSONWebKeySet | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw);
    const keys = Array.isArray(value) ? value : value?.keys;
    return Array.isArray(keys) ? { keys } : null;
  } catch {
    return null;
  }
}

export class JwksCache {
  private resolver: KeyResolver | null = null;
  private fetchedAt = 0;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly fetcher: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly url: string, options: JwksOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.fetcher = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    if (options.initial?.keys.length) {
      this.resolver = createLocalJWKSet(options.initial);
      this.fetchedAt = this.now();
    }
  }

  /** The key for this token header (jose's key-resolver signature). */
  getKey = async (header: JWSHeaderParameters): Promise<CryptoKey> => {
    if (!this.resolver || this.now() - this.fetchedAt > this.maxAgeMs) await this.refresh();
    if (!this.resolver) {
      throw new JwksUnavailable("the signing keys (JWKS) cannot be fetched and none are cached");
    }
    try {
      return await this.resolver(header) as CryptoKey;
    } catch (error) {
      // An unknown kid may be a key that was just rotated in: look once more.
      if ((error as { code?: string }).code !== "ERR_JWKS_NO_MATCHING_KEY") throw error;
      await this.refresh();
      return await this.resolver(header) as CryptoKey;
    }
  };

  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.now() - this.lastAttempt < this.cooldownMs) return Promise.resolve();
    this.lastAttempt = this.now();
    this.inflight = this.load().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async load(): Promise<void> {
    try {
      const response = await this.fetcher(this.url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const jwks = parseJwks(await response.text());
      if (!jwks) throw new Error("not a JSON Web Key Set");
      this.resolver = createLocalJWKSet(jwks);
      this.fetchedAt = this.now();
    } catch (error) {
      // Keep whatever keys we have: a JWKS outage must not lock out valid tokens.
      console.error(`JWKS fetch from ${this.url} failed: ${(error as Error).message}`);
    }
  }
}
