// Input validation: request bodies read with a size limit while they stream in,
// text that PostgreSQL cannot store refused at the edge, and zod schemas whose
// failures name each failing field (400). One place for all of it, so that
// every route rejects the same bad input the same way and writes nothing.
import { z } from "zod";
import { HttpError, invalidInput } from "./api.ts";
import { idText } from "./fields.ts";

/** Nesting deeper than this is refused: PostgreSQL's jsonb parser runs out of stack (54001) long before. */
export const MAX_JSON_DEPTH = 64;

/**
 * Why PostgreSQL cannot store this text, or null: U+0000 (text and jsonb refuse it: 22021, 22P05) and
 * lone UTF-16 surrogates (not Unicode scalar values; postgres.js would send them as U+FFFD, silently
 * changing the value).
 */
export function unstorableText(text: string): string | null {
  if (text.includes("\u0000")) return "contains U+0000 (NUL), which cannot be stored";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate, which is not valid Unicode";
  return null;
}

/** String.prototype.isWellFormed, spelled out (the project's TypeScript lib predates ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A path for messages: `params.sources.2`, `body` for the whole value. */
function fieldName(path: PropertyKey[]): string {
  return path.length ? path.map((part) => String(part).replace(new RegExp(LONE_SURROGATE, "g"), "\uFFFD").replaceAll("\u0000", "\uFFFD")).join(".") : "body";
}

/** The failing fields of a JSON value: unstorable strings or keys, too deep. Iterative: depth is the attack. */
export function jsonTextErrors(value: unknown): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const problem = unstorableText(value);
      if (problem) (fields[fieldName(path)] ??= []).push(problem);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) {
      (fields[fieldName(path)] ??= []).push(`nested deeper than ${MAX_JSON_DEPTH} levels`);
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const problem = Array.isArray(value) ? null : unstorableText(key);
      if (problem) (fields[fieldName([...path, key])] ??= []).push(`the key ${problem}`);
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  return fields;
}

/**
 * `{ "path.to.field": ["message", ...] }` for every failing field. A union that matched no option names
 * the fields of the option that came closest (fewest issues), not the whole body.
 */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  const add = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === "invalid_union" && issue.errors.length) {
        const closest = issue.errors.reduce((best, option) => (option.length < best.length ? option : best));
        add(closest, path);
        continue;
      }
      (fields[fieldName(path)] ??= []).push(issue.message);
    }
  };
  add(error.issues, []);
  return fields;
}

/** The value as the schema parses it, or a 400 naming the failing fields (`name`: the whole value's). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, name = "body"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = Object.entries(fieldErrors(result.error))
    .map(([field, messages]) => [field === "body" ? name : field, messages]);
  throw invalidInput(Object.fromEntries(fields));
}

function tooLarge(maxBytes: number) {
  return new HttpError(413, "payload_too_large", `the body exceeds ${maxBytes} bytes`, { details: { limit_bytes: maxBytes } });
}

/**
 * The body's bytes, at most maxBytes: a declared Content-Length over the limit is refused unread, and a
 * chunked (or lying) body is cut off as soon as the bytes read pass the limit, so memory stays bounded
 * whatever the client sends.
 */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export interface JsonBody {
  data: unknown;
  /** The body as sent (e.g. for an idempotency hash). */
  text: string;
}

/**
 * The JSON body and its text: 413 over maxBytes (checked while reading), 400 for text that is not
 * UTF-8 or not JSON, and 400 naming each string or key PostgreSQL cannot store and each value nested
 * too deep. An empty body is `{}`. Check the caller's role before calling this: the body is then only
 * read for callers who may send it.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const bytes = await readLimited(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_json", "the body is not valid UTF-8");
  }
  if (!text.trim()) return { data: {}, text };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "the body is not valid JSON");
  }
  const fields = jsonTextErrors(data);
  if (Object.keys(fields).length) throw invalidInput(fields, "the body has values that cannot be stored");
  return { data, text };
}

/** The one way a handler reads its body: size-limited while read, checked, validated by the schema. */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = 16_384): Promise<z.infer<S>> {
  const { data } = await readJsonBody(request, maxBytes);
  return parseInput(schema, data);
}

/**
 * Query parameters validated by a schema. Every value is text already checked by the router;
 * a parameter given twice is an error, not "the last one wins".
 */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
  const query: Record<string, string> = {};
  const fields: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    if (key in query) fields[key] = ["given more than once"];
    query[key] = value;
  }
  if (Object.keys(fields).length) throw invalidInput(fields);
  return parseInput(schema, query, "query");
}

/** A row id in a path segment, else a 400 naming `field`. */
export function idParam(raw: string, field = "id"): number {
  return parseInput(idText, raw, field);
}

/** For routes that take no query parameters: any parameter is a 400, not silently ignored. */
export const noQuery = z.object({}).strict();
