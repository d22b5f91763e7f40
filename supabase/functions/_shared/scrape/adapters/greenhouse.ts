import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Greenhouse Job Board API: GET {baseUrl}/v1/boards/{boardToken}/jobs?content=true returns
 * `{ jobs: [{ id, internal_job_id, title, updated_at, first_published, location: { name },
 * absolute_url, departments: [{ id, name }], offices: [...], content }], meta: { total } }`.
 * One response holds the whole board, so the cursor only says "not yet fetched".
 */
const config = z.object({
  boardToken: z.string().min(1),
  baseUrl: z.url().default("https://boards-api.greenhouse.io"),
});

const job = z.looseObject({
  id: field,
  title: field,
  absolute_url: field,
  updated_at: field,
  first_published: field,
  location: z.looseObject({ name: field }).nullish().catch(null),
  departments: z.array(z.looseObject({ name: field })).nullish().catch(null),
});

export const greenhouse = defineAdapter({
  name: "greenhouse",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("board") }),
  start: () => ({ page: "board" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const url = `${trimSlash(cfg.baseUrl)}/v1/boards/${encodeURIComponent(cfg.boardToken)}/jobs?content=true`;
    const response = await fetch(url, "application/json");
    const body = parseJsonEnvelope(response, z.object({ jobs: z.array(z.unknown()) }));
    return {
      items: extractItems(body.jobs, job, (j) => ({
        externalId: j.id,
        title: j.title,
        url: j.absolute_url,
        location: j.location?.name,
        department: j.departments?.[0]?.name,
        postedAt: j.first_published ?? j.updated_at,
      })),
      next: null,
    };
  },
});
