// Key material of the local stack, in the shapes a current hosted project has:
// an ES256 key pair that signs user tokens (its public half is the JWKS), a
// secret API key (`sb_secret_...`), a publishable key (`sb_publishable_...`)
// and the stream token secret. Generated once per checkout into
// .local/auth-keys.json (git-ignored), never committed: a loopback stack needs
// no well-known keys.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JWK } from "jose";

export interface LocalKeys {
  /** Private ES256 key (JWK with kid and alg): signs local user tokens. */
  signingKey: JWK;
  /** The public JWKS served at /auth/v1/.well-known/jwks.json and given to functions as SUPABASE_JWKS. */
  jwks: { keys: JWK[] };
  secretKey: string;
  publishableKey: string;
  streamTokenSecret: string;
}

function generate(): LocalKeys {
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const meta = { kid, alg: "ES256", use: "sig" };
  return {
    signingKey: { ...(privateKey.export({ format: "jwk" }) as JWK), ...meta },
    jwks: { keys: [{ ...(publicKey.export({ format: "jwk" }) as JWK), ...meta, key_ops: ["verify"] }] },
    secretKey: `sb_secret_${randomBytes(24).toString("base64url")}`,
    publishableKey: `sb_publishable_${randomBytes(24).toString("base64url")}`,
    streamTokenSecret: randomBytes(32).toString("base64url"),
  };
}

/** The keys in `dir`, created when missing (`create`), else null. */
export function localKeys(dir: string, create: boolean): LocalKeys | null {
  return localFile(dir, "auth-keys.json", generate, create);
}

/**
 * A JSON file of this checkout's local secrets in `dir`, generated once when missing (`create`), else
 * null. Safe when several processes race: the first writer wins and everyone reads its file.
 */
export function localFile<T>(dir: string, name: string, generateContent: () => T, create: boolean): T | null {
  const file = join(dir, name);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !create) return null;
  }
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}`;
  writeFileSync(temp, JSON.stringify(generateContent(), null, 2), { mode: 0o600 });
  try {
    linkSync(temp, file); // atomic and never overwrites: the first writer wins
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
