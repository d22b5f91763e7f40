// Input validation with zod: 400 with the failing fields, 413 for oversized bodies.
import { z } from "zod";
import { HttpError } from "./api.ts";
import { errorResponse } from "./http.ts";

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** `{ "path.to.field": ["message", ...] }` for every failing field. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "(body)";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export function validate<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    response: errorResponse(400, "invalid_input", "some fields are missing or invalid", {
      fields: fieldErrors(result.error),
    }),
  };
}

export type JsonBody = { ok: true; data: unknown; text: string } | { ok: false; response: Response };

/** The JSON body (and its text), refusing bodies over maxBytes (413) and malformed JSON (400). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    return { ok: false, response: errorResponse(413, "payload_too_large", `body exceeds ${maxBytes} bytes`) };
  }
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    return { ok: false, response: errorResponse(413, "payload_too_large", `body exceeds ${maxBytes} bytes`) };
  }
  if (!text.trim()) return { ok: true, data: {}, text };
  try {
    return { ok: true, data: JSON.parse(text), text };
  } catch {
    return { ok: false, response: errorResponse(400, "invalid_json", "the body is not valid JSON") };
  }
}

/** Query parameters as a plain object, for validating with a zod schema. */
export function queryObject(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** A positive integer id from a path segment, else a 400 naming `field`. */
export function idParam(raw: string, field = "id"): number {
  const id = Number(raw);
  if (!/^[1-9][0-9]*$/.test(raw) || !Number.isSafeInteger(id)) {
    const message = `${field} must be a positive integer, got ${raw}`;
    throw new HttpError(400, "invalid_input", message, { fields: { [field]: [message] } });
  }
  return id;
}
