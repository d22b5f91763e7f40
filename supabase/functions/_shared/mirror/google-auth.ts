// Google OAuth 2.0 for a service account: a self-signed RS256 JWT exchanged at the token
// endpoint with the JWT bearer grant (RFC 7523). WebCrypto and fetch only, so it runs in edge
// functions and in Node alike.
//
// Secrets (the private key, the signed assertion, the access token) never appear in a thrown
// message: errors say what failed and quote only the token endpoint's own error code and text.

export const BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery";
export const DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Google rejects assertions whose exp is more than an hour after iat. */
const ASSERTION_LIFETIME_SEC = 3600;
/** Renew this long before expiry, so a token never dies between check and use. */
const RENEW_BEFORE_MS = 60_000;

export class GoogleAuthError extends Error {
  override name = "GoogleAuthError";
}

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
  project_id?: string;
}

/** Parses a service account key file's JSON text (e.g. a secret's value). */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  let key: unknown;
  try {
    key = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the input, which is the private key: never pass it on.
    throw new GoogleAuthError("service account key is not valid JSON");
  }
  const k = key as Partial<Record<keyof ServiceAccountKey, unknown>>;
  if (typeof k?.client_email !== "string" || typeof k.private_key !== "string") {
    throw new GoogleAuthError("service account key lacks client_email or private_key");
  }
  return key as ServiceAccountKey;
}

export interface TokenOptions {
  /** Token endpoint, also the JWT `aud`. Default: the key's token_uri, else DEFAULT_TOKEN_URL. */
  tokenUrl?: string;
  /** Default: BIGQUERY_SCOPE. */
  scope?: string;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Clock in ms since the epoch. Default: Date.now. */
  now?: () => number;
}

/** Signs the JWT bearer assertion: RS256 over `header.claims`, base64url without padding. */
export async function signServiceAccountJwt(
  key: ServiceAccountKey,
  claims: { scope: string; audience: string; issuedAtSec: number },
): Promise<string> {
  const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const payload = {
    iss: key.client_email,
    scope: claims.scope,
    aud: claims.audience,
    iat: claims.issuedAtSec,
    exp: claims.issuedAtSec + ASSERTION_LIFETIME_SEC,
  };
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    await importPrivateKey(key.private_key),
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/**
 * Returns a function that yields a valid access token, fetching a new one only when the cached
 * one is about to expire: one token request per target instance in practice.
 */
export function serviceAccountTokenSource(
  key: ServiceAccountKey,
  options: TokenOptions = {},
): () => Promise<string> {
  const tokenUrl = options.tokenUrl ?? key.token_uri ?? DEFAULT_TOKEN_URL;
  const scope = options.scope ?? BIGQUERY_SCOPE;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;

  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    const issuedAt = now();
    const assertion = await signServiceAccountJwt(key, {
      scope,
      audience: tokenUrl,
      issuedAtSec: Math.floor(issuedAt / 1000),
    });
    const response = await fetchFn(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
    });
    const body = await response.json().catch(() => ({})) as Record<string, unknown>;
    if (!response.ok || typeof body.access_token !== "string") {
      const reason = [body.error, body.error_description].filter((s) => typeof s === "string").join(": ");
      throw new GoogleAuthError(
        `OAuth token exchange failed: HTTP ${response.status}${reason ? ` ${reason}` : ""}`,
      );
    }
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : ASSERTION_LIFETIME_SEC) *
      1000;
    cached = { token: body.access_token, renewAt: issuedAt + lifetimeMs - RENEW_BEFORE_MS };
    return cached.token;
  };
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  // Key files hold PKCS#8 ("BEGIN PRIVATE KEY"); the body is base64 DER between the armor lines.
  const base64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  try {
    return await crypto.subtle.importKey(
      "pkcs8",
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
  } catch {
    throw new GoogleAuthError("service account private_key is not a PKCS#8 RSA key in PEM form");
  }
}

function base64UrlJson(value: unknown): string {
  return base64Url(new TextEncoder().encode(JSON.stringify(value)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
