import { z } from "zod";
import type { FailureCategory, Severity } from "./taxonomy.ts";

/** What an adapter pulls out of a page: field values as found, checked later by `normalizePosting`. */
export interface ExtractedPosting {
  externalId?: unknown;
  title?: unknown;
  location?: unknown;
  department?: unknown;
  url?: unknown;
  postedAt?: unknown;
  /** The source record as received (API object, XML element, JSON-LD node, selected fields). */
  raw: unknown;
}

/** A posting ready for `postings` upsert by (source, externalId). */
export interface NormalizedPosting {
  externalId: string;
  title: string;
  /** Lower-case, accent- and gender-marker-free title for matching reposts across ids. */
  normalizedTitle: string;
  location: string | null;
  department: string | null;
  url: string;
  /** ISO 8601 timestamp, when the source tells. */
  postedAt?: string;
  /** SHA-256 (hex) of title, location, department and url: changes when the visible content changes. */
  contentHash: string;
  raw: unknown;
}

/** A record that did not become a posting; counted in `itemsRejected`. */
export interface Rejection {
  category: Extract<FailureCategory, "validation" | "duplicate">;
  severity: Severity;
  /** Human-readable reason, e.g. `title: required`. */
  reason: string;
  externalId?: string;
  url?: string;
  raw: unknown;
}

const text = z.string().transform((value) => value.replace(/\s+/g, " ").trim());
const requiredText = z.string({ error: "required" }).pipe(text).pipe(z.string().min(1, "required"));
const optionalText = text.nullish().transform((value) => value || null);

const candidateSchema = z.object({
  externalId: z.union([z.string(), z.number().transform(String)], { error: "required" }).pipe(requiredText),
  title: requiredText,
  url: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }),
  location: optionalText,
  department: optionalText,
  // An unreadable date is dropped rather than rejecting an otherwise good posting.
  postedAt: z.unknown().optional().transform((value) => toIsoDate(value)),
});

function toIsoDate(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Gender markers such as "(m/w/d)", "(f/m/x)", "(all genders)" say nothing about the job. */
const GENDER_MARKER = /\((?:[mwfdx](?:\s*\/\s*[mwfdx]){1,3}|all genders?|w\/m\/d)\)/gi;

export function normalizeTitle(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(GENDER_MARKER, " ")
    .replace(/[^\p{L}\p{N}+#]+/gu, " ")
    .trim();
}

async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export type NormalizeResult = { ok: true; posting: NormalizedPosting } | { ok: false; rejection: Rejection };

/** Validates an extracted record; a record missing required fields becomes a Rejection, never an exception. */
export async function normalizePosting(candidate: ExtractedPosting): Promise<NormalizeResult> {
  const parsed = candidateSchema.safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
      .join("; ");
    return {
      ok: false,
      rejection: {
        category: "validation",
        severity: "low",
        reason,
        ...(typeof candidate.externalId === "string" || typeof candidate.externalId === "number"
          ? { externalId: String(candidate.externalId) }
          : {}),
        ...(typeof candidate.url === "string" ? { url: candidate.url } : {}),
        raw: candidate.raw,
      },
    };
  }
  const { externalId, title, url, location, department, postedAt } = parsed.data;
  const contentHash = await sha256Hex(JSON.stringify([title, location, department, url]));
  return {
    ok: true,
    posting: {
      externalId,
      title,
      normalizedTitle: normalizeTitle(title),
      location,
      department,
      url,
      ...(postedAt === undefined ? {} : { postedAt }),
      contentHash,
      raw: candidate.raw,
    },
  };
}
