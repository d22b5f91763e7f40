// HS256 verification as Supabase's gateway does for functions with verify_jwt = true.
function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> {
  const binary = atob(input.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(input.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Returns null when the bearer token is valid, otherwise the gateway's error message. */
export async function verifyGatewayJwt(authorization: string | null, secret: string): Promise<string | null> {
  if (!authorization) return "Missing authorization header";
  const [scheme, token] = authorization.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || !token) return "Invalid authorization header";
  const parts = token.split(".");
  if (parts.length !== 3) return "Invalid JWT";
  try {
    const header = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[0])));
    if (header.alg !== "HS256") return "Invalid JWT";
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const valid = await crypto.subtle.verify(
      "HMAC",
      key,
      base64UrlDecode(parts[2]),
      new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) return "Invalid JWT";
    const payload = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[1])));
    if (typeof payload.exp === "number" && payload.exp * 1000 < Date.now()) return "JWT expired";
    return null;
  } catch {
    return "Invalid JWT";
  }
}
