import { z } from "zod";
import type { FailureCategory, Severity } from "./taxonomy.ts";
import { cleanLine, hasBinary, htmlToText } from "./text.ts";

/** One location as the source gives it; every part optional. */
export interface ExtractedLocation {
  /** The source's display name ("Berlin, Germany"); built from the parts when missing. */
  name?: unknown;
  city?: unknown;
  region?: unknown;
  country?: unknown;
}

export interface ExtractedSalary {
  min?: unknown;
  max?: unknown;
  currency?: unknown;
  /** The source's period word ("per-year-salary", "1 YEAR", "year", "HOUR" ...). */
  period?: unknown;
}

/** What an adapter pulls out of a page: field values as found, checked later by `normalizePosting`. */
export interface ExtractedPosting {
  externalId?: unknown;
  title?: unknown;
  url?: unknown;
  department?: unknown;
  /** Every location, in source order. */
  locations?: ExtractedLocation[];
  /** The description as HTML (plain text is valid HTML too); sections joined by the adapter. */
  descriptionHtml?: unknown;
  /** The source's remote/workplace word or flag, mapped by `workplaceType`. */
  workplaceType?: unknown;
  /** The source's employment type word, mapped by `employmentType`. */
  employmentType?: unknown;
  salary?: ExtractedSalary;
  postedAt?: unknown;
  /** Expiry (schema.org validThrough and equivalents). */
  validThrough?: unknown;
  /** False when the source marks the record as not published (draft, unlisted, closed). */
  published?: boolean;
  /** The allow-listed fields of the source record (see `pickRaw`): never personal data. */
  raw: unknown;
}

// A type alias (not an interface), so a location is JSON to the type checker too.
export type PostingLocation = {
  name: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
};

export type WorkplaceType = "onsite" | "hybrid" | "remote";
export type EmploymentType =
  | "full_time"
  | "part_time"
  | "contract"
  | "temporary"
  | "internship"
  | "apprenticeship"
  | "volunteer"
  | "other";
export type SalaryPeriod = "hour" | "day" | "week" | "month" | "year";

export interface Salary {
  min: number | null;
  max: number | null;
  currency: string;
  period: SalaryPeriod;
}

/** A posting ready for `postings` upsert by (source, externalId); see ops.postings' column comments. */
export interface NormalizedPosting {
  externalId: string;
  title: string;
  /** Lower-case, accent- and gender-marker-free title for matching reposts across ids. */
  normalizedTitle: string;
  /** The locations' names joined with "; ". */
  location: string | null;
  locations: PostingLocation[];
  department: string | null;
  url: string;
  description: string | null;
  descriptionTruncated: boolean;
  workplaceType: WorkplaceType | null;
  employmentType: EmploymentType | null;
  salary: Salary | null;
  /** ISO 8601 timestamps, when the source tells. */
  postedAt: string | null;
  validThrough: string | null;
  /** SHA-256 (hex) of every stored field: changes when the visible content changes. */
  contentHash: string;
  raw: unknown;
}

/** Why a record was rejected, machine-readable; only `invalid` records count against data quality. */
export type RejectionCode = "invalid" | "binary_data" | "not_published" | "expired" | "duplicate";

/** A record that did not become a posting; counted in `itemsRejected`. */
export interface Rejection {
  category: Extract<FailureCategory, "validation" | "duplicate">;
  severity: Severity;
  code: RejectionCode;
  /** Human-readable reason, e.g. `title: required`; records with the same reason share it exactly. */
  reason: string;
  externalId?: string;
  url?: string;
  raw: unknown;
}

// ---------------------------------------------------------------------------
// Vocabularies: the sources' words mapped to ours. Keys are lower case letters and digits only.
// ---------------------------------------------------------------------------
const key = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Lever workplaceType, Ashby workplaceType, Workable workplace_type, JSON-LD jobLocationType, Workday remoteType. */
export function workplaceType(value: unknown): WorkplaceType | null {
  if (typeof value !== "string") return null;
  const k = key(value);
  if (k === "") return null;
  if (k.includes("hybrid")) return "hybrid";
  if (k.includes("remote") || k === "telecommute" || k === "telecommuting") return "remote";
  if (k === "onsite" || k === "inoffice" || k === "office" || k === "onpremise" || k === "inperson") {
    return "onsite";
  }
  return null;
}

/**
 * JSON-LD FULL_TIME/PART_TIME/CONTRACTOR/TEMPORARY/INTERN/VOLUNTEER/PER_DIEM/OTHER, Ashby FullTime/PartTime/
 * Intern/Contract/Temporary, Recruitee fulltime(_permanent|_fixed_term)/parttime/internship/freelance/
 * traineeship, Personio intern/trainee/freelance/temporary/working_student, Workday "Full time", Workable
 * "Full-time" ... Anything else that is not empty is `other`.
 */
export function employmentType(value: unknown): EmploymentType | null {
  if (typeof value !== "string") return null;
  const k = key(value);
  if (k === "") return null;
  if (k.startsWith("fulltime") || k === "permanent" || k === "regular") return "full_time";
  if (k.startsWith("parttime") || k === "workingstudent" || k === "minijob") return "part_time";
  if (k.startsWith("contract") || k.startsWith("freelance") || k === "perdiem") return "contract";
  if (k.startsWith("temporary") || k === "temp" || k === "seasonal" || k === "fixedterm") return "temporary";
  if (k.startsWith("intern")) return "internship";
  if (k.startsWith("apprentice") || k.startsWith("trainee") || k === "ausbildung") return "apprenticeship";
  if (k.startsWith("volunteer")) return "volunteer";
  return "other";
}

/** Lever per-year-salary/per-hour-wage, Ashby "1 YEAR", JSON-LD unitText YEAR/MONTH/HOUR, Recruitee year/month. */
export function salaryPeriod(value: unknown): SalaryPeriod | null {
  if (typeof value !== "string") return null;
  const k = key(value);
  if (k.includes("hour")) return "hour";
  if (k.includes("day") || k.includes("daily")) return "day";
  if (k.includes("week")) return "week";
  if (k.includes("month")) return "month";
  if (k.includes("year") || k.includes("annual")) return "year";
  return null;
}

/** ISO 4217 codes the runtime knows (Intl, the same list in Deno and Node). */
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

function amount(value: unknown): number | null | undefined {
  if (value === null || value === undefined || value === "") return null;
  const number = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
    ? Number(value)
    : Number.NaN;
  // undefined: present but unusable (negative, not a number)
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * The salary rule: kept only with a known ISO 4217 currency, a known period, at least one amount,
 * every amount a finite non-negative number, and min <= max. Otherwise no salary at all (the
 * posting itself is kept): half a salary would be misread.
 */
export function salaryOf(salary: ExtractedSalary | undefined): Salary | null {
  if (!salary) return null;
  const currency = typeof salary.currency === "string" ? salary.currency.trim().toUpperCase() : "";
  const period = salaryPeriod(salary.period);
  const min = amount(salary.min);
  const max = amount(salary.max);
  if (!CURRENCIES.has(currency) || period === null || min === undefined || max === undefined) return null;
  if (min === null && max === null) return null;
  if (min !== null && max !== null && min > max) return null;
  return { min, max, currency, period };
}

/**
 * Timestamps as sources write them: ISO 8601 with or without offset, "2024-01-15 10:00:00 UTC"
 * (Recruitee), a date alone, epoch milliseconds (Lever) as number or digits. Unreadable or
 * implausible (before 1990, after 2100) values are null.
 */
export function toIsoDate(value: unknown): string | null {
  let date: Date;
  if (typeof value === "number") date = new Date(value);
  else if (typeof value === "string") {
    const text = value.trim();
    if (/^\d{11,13}$/.test(text)) date = new Date(Number(text));
    else {
      const utc = text.replace(
        /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)\s*(UTC|GMT)$/i,
        "$1T$2Z",
      );
      date = new Date(/^\d{4}-\d{2}-\d{2} \d{2}:/.test(utc) ? utc.replace(" ", "T") : utc);
    }
  } else return null;
  const time = date.getTime();
  if (Number.isNaN(time) || time < Date.UTC(1990, 0, 1) || time > Date.UTC(2100, 0, 1)) return null;
  return date.toISOString();
}

function locationOf(location: ExtractedLocation): PostingLocation | null {
  const city = cleanLine(location.city) ?? null;
  const region = cleanLine(location.region) ?? null;
  const country = cleanLine(location.country) ?? null;
  const name = cleanLine(location.name) ?? ([city, region, country].filter(Boolean).join(", ") || null);
  return name === null ? null : { name, city, region, country };
}

/** Locations without duplicates (same name), in source order. */
function locationsOf(locations: ExtractedLocation[] | undefined): PostingLocation[] {
  const out: PostingLocation[] = [];
  for (const location of locations ?? []) {
    const normalized = locationOf(location);
    if (normalized && !out.some((l) => l.name === normalized.name)) out.push(normalized);
  }
  return out;
}

/** Copies the allow-listed keys of a source record: what is not listed is never stored. */
export function pickRaw(record: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (record === null || typeof record !== "object" || Array.isArray(record)) return {};
  const out: Record<string, unknown> = {};
  for (const name of allowed) {
    const value = (record as Record<string, unknown>)[name];
    if (value !== undefined && (value === null || typeof value !== "object")) out[name] = value;
  }
  return out;
}

const idSchema = z.union([z.string(), z.number().transform(String)], { error: "required" })
  .transform((value) => value.replace(/\s+/g, " ").trim())
  .pipe(z.string().min(1, "required"));
const candidateSchema = z.object({
  externalId: idSchema,
  // Binary titles are rejected with their own reason below.
  title: z.string({ error: "required" }).refine(
    (v) => hasBinary(v) || cleanLine(v) !== undefined,
    "required",
  ),
  url: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }),
});

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

function reject(candidate: ExtractedPosting, code: RejectionCode, reason: string): NormalizeResult {
  return {
    ok: false,
    rejection: {
      category: "validation",
      severity: "low",
      code,
      reason,
      ...(typeof candidate.externalId === "string" || typeof candidate.externalId === "number"
        ? { externalId: String(candidate.externalId) }
        : {}),
      ...(typeof candidate.url === "string" ? { url: candidate.url } : {}),
      raw: candidate.raw,
    },
  };
}

/**
 * Validates an extracted record against the run's fetch time `now` (ms epoch). A record missing
 * an id, title or URL, with a binary title, marked unpublished, or expired before `now` becomes a
 * Rejection with its reason, never an exception. Optional fields that are unusable are left empty.
 */
export async function normalizePosting(candidate: ExtractedPosting, now: number): Promise<NormalizeResult> {
  const parsed = candidateSchema.safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
      .join("; ");
    return reject(candidate, "invalid", reason);
  }
  const { externalId, url } = parsed.data;
  if (hasBinary(parsed.data.title)) return reject(candidate, "binary_data", "title: contains binary data");
  const title = cleanLine(parsed.data.title) as string;
  if (title.length > 1000) return reject(candidate, "invalid", "title: longer than 1000 characters");
  if (candidate.published === false) return reject(candidate, "not_published", "not published");
  const validThrough = toIsoDate(candidate.validThrough);
  if (validThrough !== null && Date.parse(validThrough) < now) {
    return reject(candidate, "expired", "expired: validThrough is before the fetch time");
  }
  const locations = locationsOf(candidate.locations);
  const description = htmlToText(candidate.descriptionHtml);
  const fields = {
    title,
    location: locations.length > 0 ? locations.map((l) => l.name).join("; ") : null,
    locations,
    department: cleanLine(candidate.department) ?? null,
    url,
    description: description?.text ?? null,
    descriptionTruncated: description?.truncated ?? false,
    workplaceType: workplaceType(candidate.workplaceType),
    employmentType: employmentType(candidate.employmentType),
    salary: salaryOf(candidate.salary),
    postedAt: toIsoDate(candidate.postedAt),
    validThrough,
  };
  return {
    ok: true,
    posting: {
      externalId,
      normalizedTitle: normalizeTitle(title),
      ...fields,
      contentHash: await sha256Hex(JSON.stringify(fields)),
      raw: candidate.raw,
    },
  };
}
