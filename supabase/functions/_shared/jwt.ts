// HS256 JSON Web Tokens with WebCrypto: verification as Supabase's gateway does
// it (used by the local functions server and by functions that authenticate
// callers themselves), and signing for short-lived tokens the functions mint.
const encoder = new TextEncoder();

function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> {
  const binary = atob(input.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(input.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export type JwtPayload = Record<string, unknown>;

export type JwtResult = { ok: true; payload: JwtPayload } | { ok: false; message: string };

/** Verifies signature and expiry of an HS256 token. */
export async function verifyJwt(token: string, secret: string, now = Date.now()): Promise<JwtResult> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, message: "Invalid JWT" };
  try {
    const header = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[0])));
    if (header.alg !== "HS256") return { ok: false, message: "Invalid JWT" };
    const valid = await crypto.subtle.verify(
      "HMAC",
      await hmacKey(secret, "verify"),
      base64UrlDecode(parts[2]),
      encoder.encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) return { ok: false, message: "Invalid JWT" };
    const payload = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[1])));
    if (typeof payload.exp === "number" && payload.exp * 1000 < now) return { ok: false, message: "JWT expired" };
    return { ok: true, payload };
  } catch {
    return { ok: false, message: "Invalid JWT" };
  }
}

export async function signJwt(payload: JwtPayload, secret: string): Promise<string> {
  const header = base64UrlEncode(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = base64UrlEncode(encoder.encode(JSON.stringify(payload)));
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(`${header}.${body}`));
  return `${header}.${body}.${base64UrlEncode(new Uint8Array(signature))}`;
}

/** The gateway's check of an Authorization header: null when valid, else its error message. */
export async function verifyGatewayJwt(authorization: string | null, secret: string): Promise<string | null> {
  if (!authorization) return "Missing authorization header";
  const [scheme, token] = authorization.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || !token) return "Invalid authorization header";
  const result = await verifyJwt(token, secret);
  return result.ok ? null : result.message;
}
