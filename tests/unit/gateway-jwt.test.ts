import { describe, expect, it } from "vitest";
import { signJwt } from "../../scripts/lib/config.ts";
import { verifyGatewayJwt } from "../../supabase/functions/_shared/jwt.ts";

const secret = "a-test-secret-that-is-at-least-32-characters";
const future = Math.floor(Date.now() / 1000) + 60;

describe("gateway JWT verification", () => {
  it("accepts a token signed with the project secret", async () => {
    const token = signJwt({ role: "anon", exp: future }, secret);
    expect(await verifyGatewayJwt(`Bearer ${token}`, secret)).toBeNull();
  });

  it("rejects a missing header, a wrong scheme, a bad signature and an expired token", async () => {
    expect(await verifyGatewayJwt(null, secret)).toBe("Missing authorization header");
    expect(await verifyGatewayJwt("Basic abc", secret)).toBe("Invalid authorization header");
    const forged = signJwt({ role: "service_role", exp: future }, "another-secret-another-secret-another");
    expect(await verifyGatewayJwt(`Bearer ${forged}`, secret)).toBe("Invalid JWT");
    const expired = signJwt({ role: "anon", exp: Math.floor(Date.now() / 1000) - 10 }, secret);
    expect(await verifyGatewayJwt(`Bearer ${expired}`, secret)).toBe("JWT expired");
    expect(await verifyGatewayJwt("Bearer not.a.jwt", secret)).toBe("Invalid JWT");
  });
});
