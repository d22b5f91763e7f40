// The users of the local stand-in of Supabase Auth (scripts/functions-server/auth.ts): a viewer and
// an operator who sign in to the console with e-mail + password or a magic link, as a hosted
// project's Auth users do. The same two people the local sign-in links name. Their passwords are
// generated once per checkout into .local/auth-users.json (git-ignored, never committed) and
// printed by `npm run console` and `npm run demo`; nothing else about them is secret.
import { randomBytes } from "node:crypto";
import { localFile } from "./local-keys.ts";

export type LocalRole = "viewer" | "operator";

export interface LocalUser {
  id: string;
  email: string;
  password: string;
  /** app_metadata.ops_role, as an admin sets it on a hosted Auth user. */
  role: LocalRole;
}

/** Who each local role is (`sub` and e-mail of their tokens). */
export const LOCAL_PEOPLE: Record<LocalRole, { id: string; email: string }> = {
  viewer: { id: "00000000-0000-4000-8000-0000000000ee", email: "viewer@console.local" },
  operator: { id: "00000000-0000-4000-8000-00000000c0de", email: "operator@console.local" },
};

const ROLES = Object.keys(LOCAL_PEOPLE) as LocalRole[];

/** The local users with their passwords (created in `dir` when missing and `create`), else null. */
export function localUsers(dir: string, create: boolean): LocalUser[] | null {
  const passwords = localFile<Record<LocalRole, string>>(
    dir,
    "auth-users.json",
    () => Object.fromEntries(ROLES.map((role) => [role, randomBytes(12).toString("base64url")])) as Record<LocalRole, string>,
    create,
  );
  return passwords && ROLES.map((role) => ({ ...LOCAL_PEOPLE[role], password: passwords[role], role }));
}
