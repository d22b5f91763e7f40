// STAND-IN, NOT GOOGLE: the OAuth 2.0 token endpoint of the BigQuery stand-in (server.ts). It
// verifies the service account's JWT bearer assertion (RS256 signature with the configured public
// key; iss, scope, aud = this endpoint, iat, exp <= iat + 3600), issues access tokens, and checks
// the bearer token of every API call.
import { HttpError } from "./errors.ts";

export interface VerifiedAssertion {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export interface TokenOptions {
  /** RS256 public key of the service account whose assertions are accepted. */
  publicKey?: CryptoKey;
  /** The service account's client_email: the required `iss`. */
  clientEmail?: string;
  /** Access tokens accepted without an exchange (the access-token mode). */
  staticTokens?: string[];
  /** Clock in ms since the epoch, for JWT time checks. Default Date.now. */
  now?: () => number;
}

const BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOCK_SKEW_SEC = 60;

export class TokenEndpoint {
  readonly assertions: VerifiedAssertion[] = [];
  /** Access token -> expiry in ms since the epoch. */
  private readonly tokens = new Map<string, number>();

  constructor(private readonly options: TokenOptions, private readonly tokenUrl: () => string) {
    for (const token of options.staticTokens ?? []) this.tokens.set(token, Number.POSITIVE_INFINITY);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** POST /token with a JWT bearer assertion (form fields grant_type, assertion): an access token. */
  async exchange(method: string, form: Record<string, string>): Promise<unknown> {
    const grant = (description: string) =>
      new HttpError({ status: 400, reason: "invalid_grant", message: description });
    if (method !== "POST") throw grant("token requests must be POST");
    if (form.grant_type !== JWT_BEARER_GRANT) {
      throw new HttpError({
        status: 400,
        reason: "unsupported_grant_type",
        message: `Invalid grant_type: ${form.grant_type}`,
      });
    }
    const parts = (form.assertion ?? "").split(".");
    if (parts.length !== 3) throw grant("Invalid JWT: not three dot-separated parts");
    const [header, claims] = parts.slice(0, 2).map((p) =>
      JSON.parse(new TextDecoder().decode(base64UrlDecode(p)))
    );
    if (header.alg !== "RS256") throw grant(`Invalid JWT: alg ${header.alg}, expected RS256`);
    if (!this.options.publicKey) throw grant("stand-in has no public key configured");
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      this.options.publicKey,
      base64UrlDecode(parts[2]),
      new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) throw grant("Invalid JWT Signature.");
    const nowSec = Math.floor(this.now() / 1000);
    if (claims.iss !== this.options.clientEmail) {
      throw grant(`Invalid JWT: iss ${claims.iss} is not the service account`);
    }
    if (claims.aud !== this.tokenUrl()) {
      throw grant(`Invalid JWT: aud ${claims.aud}, expected ${this.tokenUrl()}`);
    }
    if (!String(claims.scope ?? "").split(" ").includes(BIGQUERY_SCOPE)) {
      throw new HttpError({ status: 400, reason: "invalid_scope", message: `scope lacks ${BIGQUERY_SCOPE}` });
    }
    const { iat, exp } = claims;
    if (
      typeof iat !== "number" || typeof exp !== "number" || iat > nowSec + CLOCK_SKEW_SEC || exp <= nowSec ||
      exp - iat > 3600
    ) {
      throw grant(
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
      );
    }
    this.assertions.push({ header, claims });
    const token = `standin-${crypto.randomUUID()}`;
    const lifetimeSec = exp - iat;
    this.tokens.set(token, (nowSec + lifetimeSec) * 1000);
    return { access_token: token, expires_in: lifetimeSec, token_type: "Bearer" };
  }

  /** Throws Google's 401 unless `authorization` carries an issued (unexpired) or configured token. */
  requireToken(authorization: string | undefined): void {
    const auth = /^Bearer (.+)$/.exec(authorization ?? "");
    const expiresAt = auth ? this.tokens.get(auth[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= this.now()) {
      throw new HttpError({
        status: 401,
        reason: "authError",
        message:
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie " +
          "or other valid authentication credential.",
      });
    }
  }
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}
